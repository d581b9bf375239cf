"""`brief eval --events`: event briefs from recorded briefs, scored against the pooled gold (no model)."""

from __future__ import annotations

from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.evaluation.events import evaluate_events, pooled_gold
from summarizer.evaluation.loader import GoldAnswer, GoldArticle
from tests.conftest import EVAL_DIR, FIXTURES

RECORDED = FIXTURES / "events" / "giveme5w1h-dev-briefs.jsonl"


def test_pooled_gold_holds_every_articles_phrases() -> None:
    a = GoldArticle("a", "t", None, gold={"who": (GoldAnswer("Chinese boy", 3),), "where": (GoldAnswer("Hebei", 2),)})
    b = GoldArticle("b", "t", None, gold={"who": (GoldAnswer("Dozens of rescuers", 2),)})
    pooled = pooled_gold([a, b], "china well")
    assert [g.text for g in pooled.answers("who")] == ["Chinese boy", "Dozens of rescuers"]
    assert [g.text for g in pooled.answers("where")] == ["Hebei"]


def test_events_are_scored_from_the_recorded_briefs_beside_the_single_briefs() -> None:
    report = evaluate_events(EVAL_DIR, RECORDED)
    scored = {r["event"]: r for r in report["events"]}
    assert "tram" in scored and scored["tram"]["articles"] >= 4
    for row in report["events"]:
        for value in (row["event_first_four"], row["single_first_four"]):
            assert value is None or 0.0 <= value <= 1.0
    assert len(report["missing_briefs"]) + sum(r["articles"] for r in report["events"]) == 50
    assert report["grouping"]["briefs"] == sum(r["articles"] for r in report["events"])


def test_eval_events_prints_the_table_and_writes_json(tmp_path) -> None:
    out = tmp_path / "events.json"
    result = CliRunner().invoke(app, ["eval", str(EVAL_DIR), "--events", str(RECORDED), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "event P4" in result.output and "overall (mean)" in result.output
    assert out.exists()
