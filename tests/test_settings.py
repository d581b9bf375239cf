"""Configuration: one validated model for flags and variables; a bad value is one line naming it, exit 2."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.errors import EXIT_INPUT
from summarizer.modes import MODES
from summarizer.settings import Settings, SettingsError, allowed, env_names, resolve_settings, settings_from_env

runner = CliRunner()
KEY = "sk-settings-test-secret-0000"


@pytest.mark.parametrize(
    ("env", "named", "accepts"),
    [
        ({"BRIEF_MODE": "bogus"}, "BRIEF_MODE", ", ".join(MODES)),
        ({"BRIEF_MAX_RETRIES": "abc"}, "BRIEF_MAX_RETRIES", "a whole number from 0 to 10"),
        ({"BRIEF_MAX_RETRIES": "11"}, "BRIEF_MAX_RETRIES", "a whole number from 0 to 10"),
        ({"BRIEF_MAX_INPUT_BYTES": "-5"}, "BRIEF_MAX_INPUT_BYTES", "a whole number, 1 or more"),
        ({"BRIEF_THREADS": "many"}, "BRIEF_THREADS", "a whole number, 1 or more"),
        ({"BRIEF_TIMEOUT": "0"}, "BRIEF_TIMEOUT", "a number above 0"),
    ],
)
def test_a_bad_variable_is_an_input_error_naming_it_and_what_it_accepts(env, named, accepts) -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from_env(env)
    message = str(caught.value)
    assert named in message and accepts in message
    assert caught.value.exit_code == EXIT_INPUT
    assert "\n" not in message


def test_variables_are_read_with_their_types_and_empty_ones_are_unset() -> None:
    env = {"OPENAI_API_KEY": KEY, "BRIEF_MAX_RETRIES": " 3 ", "BRIEF_MODE": "json", "BRIEF_MODEL": ""}
    env["BRIEF_TIMEOUT"] = "2.5"
    settings = settings_from_env(env)
    assert (settings.api_key, settings.max_retries, settings.mode, settings.model) == (KEY, 3, "json", None)
    assert settings.timeout == 2.5


def test_brief_variables_beat_openai_ones() -> None:
    settings = settings_from_env({"OPENAI_BASE_URL": "http://a.example/v1", "BRIEF_BASE_URL": "http://b.example/v1"})
    assert settings.base_url == "http://b.example/v1"
    assert env_names("base_url") == ("BRIEF_BASE_URL", "OPENAI_BASE_URL")
    assert env_names("n_threads") == ("BRIEF_THREADS",)


def test_a_flag_beats_the_variable_and_a_bad_flag_is_named_as_a_flag() -> None:
    assert resolve_settings({"BRIEF_MODE": "json"}, mode="tools").mode == "tools"
    assert resolve_settings({"BRIEF_MODE": "json"}, mode=None).mode == "json"
    with pytest.raises(SettingsError, match="--max-retries must be a whole number from 0 to 10, not 99"):
        resolve_settings({}, max_retries=99)


def test_every_way_of_making_settings_is_validated() -> None:
    with pytest.raises(ValueError):
        Settings(mode="bogus")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        dataclasses.replace(Settings(), max_parts=0)
    with pytest.raises(SettingsError, match="max_parts must be"):
        Settings().with_overrides(max_parts=0)
    with pytest.raises(SettingsError, match="unknown setting 'colour'"):
        Settings().with_overrides(colour="red")


def test_the_key_is_never_in_a_repr_or_an_error() -> None:
    settings = Settings(api_key=KEY)
    assert KEY not in repr(settings) and KEY not in str(settings)
    with pytest.raises(SettingsError) as caught:
        settings_from_env({"OPENAI_API_KEY": KEY, "BRIEF_MAX_PARTS": "x"})
    assert KEY not in str(caught.value)


def test_allowed_describes_every_field() -> None:
    for spec in dataclasses.fields(Settings):
        assert allowed(spec.name)  # a new field of an unforeseen type still gets words, not a crash
    assert allowed("mode") == f"one of {', '.join(MODES)}"
    assert allowed("temperature") == "a number from 0 to 2"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("BRIEF_MODE", "bogus"), ("BRIEF_MAX_RETRIES", "abc"), ("BRIEF_MAX_PARTS", "0"), ("BRIEF_TEMPERATURE", "hot")],
)
@pytest.mark.parametrize("command", [["summarize"], ["batch", "-o", "out.jsonl"], ["eval"]])
def test_every_command_exits_2_naming_a_bad_variable(tmp_path: Path, monkeypatch, variable, value, command) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The minister said the talks would resume on Monday.")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, [*command, str(article)])
    assert result.exit_code == 2, result.output
    assert variable in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_brief_mode_bogus_from_a_shell_exits_2_naming_the_variable(tmp_path: Path) -> None:
    article = tmp_path / "x.txt"
    article.write_text("The minister said the talks would resume on Monday.")
    env = {**os.environ, "BRIEF_MODE": "bogus"}
    done = subprocess.run(
        [sys.executable, "-c", "from summarizer.cli import main; main()", str(article)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 2
    assert "BRIEF_MODE" in done.stderr and "json_schema" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_readme_configuration_table_names_every_variable() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Configuration") :]
    section = section[: section.index("\n## ")]
    names = [var for spec in dataclasses.fields(Settings) for var in env_names(spec.name)]
    assert [var for var in names if f"`{var}`" not in section] == []


def test_watch_exits_2_naming_a_bad_variable_before_reading_the_folder(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "a.txt").write_text("The minister said the talks would resume on Monday.")
    monkeypatch.setenv("BRIEF_MAX_INPUT_BYTES", "lots")
    args = ["watch", str(tmp_path), "--post", "slack", "--webhook", "https://hooks.example.invalid/x", "--once"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "BRIEF_MAX_INPUT_BYTES must be a whole number, 1 or more, not 'lots'" in result.stderr
    assert not (tmp_path / ".brief-watch.json").exists()
