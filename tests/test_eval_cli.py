"""`brief eval` as a command: a replayed run end to end, --json, --fail-under, --compare, --prompt."""

from __future__ import annotations

import json

import pytest
import typer
from conftest import FAKE_KEY, FIXTURES, RECORD_BASE_URL, RECORDED_MODEL
from typer.testing import CliRunner

from summarizer import flow
from summarizer.errors import InputError
from summarizer.evaluation.command import EXIT_BELOW, eval_command
from summarizer.prompts import load_prompt

GOLD_DIR = FIXTURES / "articles" / "giveme5w1h"
CHINA_WELL_CASSETTE = str(
    FIXTURES / "cassettes" / "test_replay" / "test_replayed_brief_is_valid_and_grounded[bbc-china-well].yaml"
)
REPLAY_ENV = {
    "OPENAI_BASE_URL": RECORD_BASE_URL,
    "OPENAI_API_KEY": FAKE_KEY,
    "BRIEF_MODEL": RECORDED_MODEL,
    "BRIEF_MODE": "tools",
    "BRIEF_MAX_RETRIES": "1",
    "BRIEF_PROMPT": "brief",  # the cassettes of test_replay are the default prompt's
    "COLUMNS": "200",  # rich wraps tables to the terminal width
}


def _app() -> typer.Typer:
    # How cli.py registers it: app.command("eval")(eval_command).
    app = typer.Typer()
    app.command("eval")(eval_command)

    @app.command("other")
    def _other() -> None:  # a second command keeps typer from collapsing the group
        pass

    return app


def _invoke(*args: str):
    return CliRunner().invoke(_app(), ["eval", *args], env=REPLAY_ENV)


def _report(tmp_path, name: str, precision: float, credit: float) -> str:
    from summarizer.evaluation.loader import QUESTIONS

    question = {"precision": precision, "any": precision, "answer_precision": precision}
    data = {
        "format": "brief-eval/1", "dataset": "d", "settings": {"prompt": name, "mode": "tools"}, "articles": 1,
        "overall": {"precision": precision, "precision_first_four": precision},
        "questions": {q: dict(question) for q in QUESTIONS},
        "cost": {"faithfulness": 1.0, "calls_per_brief": 1.0},
        "briefs": [{"id": "a1", "questions": {"who": {"credit": credit, "top_answer": name}}}],
    }
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data))
    return str(path)


@pytest.mark.vcr(CHINA_WELL_CASSETTE)
def test_eval_scores_a_replayed_brief_and_writes_json(tmp_path) -> None:
    out = tmp_path / "run.json"
    result = _invoke(str(GOLD_DIR), "--ids", "38e6814a26", "--json", str(out), "-q")
    assert result.exit_code == 0, result.output
    assert "overall, who/what/when/where" in result.output
    report = json.loads(out.read_text())
    assert report["articles"] == 1 and report["cost"]["failed"] == 0
    assert report["settings"]["modes_used"] == ["tools"]
    assert report["questions"]["who"]["precision"] == 1.0  # "Chinese boy", as the coders wrote it


@pytest.mark.vcr(CHINA_WELL_CASSETTE)
def test_eval_exits_3_when_the_score_is_under_fail_under() -> None:
    result = _invoke(str(GOLD_DIR), "--ids", "38e6814a26", "--fail-under", "0.99", "-q", "--no-articles")
    assert result.exit_code == EXIT_BELOW


def test_compare_shows_the_difference_between_two_reports(tmp_path) -> None:
    a, b = _report(tmp_path, "v2", 0.5, 0.0), _report(tmp_path, "v3", 0.75, 1.0)
    out = tmp_path / "diff.json"
    result = _invoke("--compare", a, b, "--json", str(out))
    assert result.exit_code == 0, result.output
    assert "+0.25" in result.output
    diff = json.loads(out.read_text())
    assert diff["overall"]["precision"]["delta"] == 0.25
    assert diff["changed"] == [{"id": "a1", "question": "who", "a": 0.0, "b": 1.0, "a_answer": "v2", "b_answer": "v3"}]


def test_compare_needs_two_reports_and_refuses_other_json(tmp_path) -> None:
    assert _invoke("--compare", _report(tmp_path, "v2", 0.5, 0.0)).exit_code == 2
    other = tmp_path / "other.json"
    other.write_text("{}")
    assert _invoke("--compare", str(other), str(other)).exit_code == 2


def test_a_missing_dataset_is_a_usage_error(tmp_path) -> None:
    assert _invoke(str(tmp_path / "nowhere")).exit_code == 2


def test_a_prompt_variant_replaces_the_system_prompt_and_is_named_in_the_version() -> None:
    article = "Officials said on Monday that the bridge would reopen."
    messages, (prompt_id, version) = flow.build_messages(article, None, system_prompt="brief-v3")
    assert messages[0]["content"] == load_prompt("brief-v3").template
    assert (prompt_id, version) == ("brief", "3+article.1")
    assert flow.build_messages(article, None)[0][0]["content"] == load_prompt("brief").template


def test_settings_prompt_reaches_the_model_and_the_cache_key() -> None:
    from summarizer.batch.cache import CacheKey
    from summarizer.pipeline import Summarizer
    from summarizer.settings import Settings

    v2 = Settings(base_url=RECORD_BASE_URL, api_key=FAKE_KEY, prompt="brief-v3")
    question = Summarizer(v2).prepare("Officials said on Monday that it would reopen.").first_question
    assert question is not None and question.messages[0]["content"] == load_prompt("brief-v3").template
    keys = {CacheKey.for_article("sha256:x", s, None).digest for s in (v2, Settings(base_url=RECORD_BASE_URL))}
    assert len(keys) == 2


def test_an_unknown_prompt_variant_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no-such-prompt"):
        flow.build_messages("Officials said on Monday.", None, system_prompt="no-such-prompt")
