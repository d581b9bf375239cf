"""The command line: bad input gets one clear line and exit 2; --help stays light."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

runner = CliRunner()


def _run(*args: str, stdin: bytes | None = None):
    return runner.invoke(app, list(args), input=stdin)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.txt", "no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: (p / "empty.txt", (p / "empty.txt").write_text(""))[0], "empty"),
        (lambda p: (p / "blank.txt", (p / "blank.txt").write_text("  \n\t \n"))[0], "empty"),
        (lambda p: (p / "bin.txt", (p / "bin.txt").write_bytes(b"abc\x00\x01\x02" * 50))[0], "binary"),
        (lambda p: (p / "doc.pdf", (p / "doc.pdf").write_bytes(b"%PDF-1.7 ..."))[0], "binary"),
        (lambda p: (p / "bad.txt", (p / "bad.txt").write_bytes(b"caf\xc3 \x81\x8d\x8f\x90" * 20))[0], "decode"),
    ],
    ids=["missing", "directory", "empty", "whitespace", "binary", "pdf", "undecodable"],
)
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path: Path, make, message: str) -> None:
    result = _run(str(make(tmp_path)))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


def test_empty_stdin_is_exit_2() -> None:
    result = _run("-", stdin=b"")
    assert result.exit_code == 2 and "<stdin>" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "unknown --format"),
        (["--mode", "magic"], "unknown --mode"),
        (["--published", "last week"], "--published must be a date"),
        (["--max-retries", "99"], "--max-retries"),
    ],
)
def test_bad_options_are_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Some article text.")
    result = _run(str(article), *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_missing_gguf_is_exit_2_with_its_path(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Some article text.")
    result = _run(str(article), "--gguf", str(tmp_path / "none.gguf"), "-q")
    assert result.exit_code == 2
    assert "none.gguf" in result.stderr


def test_an_unreachable_endpoint_is_exit_1_naming_the_host_not_the_key(tmp_path: Path, monkeypatch) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Some article text.")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret-key-000")
    monkeypatch.setenv("BRIEF_MAX_RETRIES", "0")
    result = _run(str(article), "--base-url", "http://127.0.0.1:9/v1", "-q")
    assert result.exit_code == 1
    assert "127.0.0.1:9" in result.stderr
    assert "sk-very-secret" not in result.stderr + result.stdout


def test_schema_prints_the_json_schema_of_a_brief() -> None:
    result = _run("schema")
    schema = json.loads(result.stdout)
    assert result.exit_code == 0
    assert {"headline", "who", "when", "positions", "meta"} <= set(schema["properties"])


def test_help_does_not_import_the_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from summarizer.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('openai', 'instructor', 'llama_cpp', 'pydantic') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
