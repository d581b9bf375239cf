"""`brief eval` offline: recorded real-model briefs of Giveme5W1H dev articles, scored against their gold.

Cassettes: ``fixtures/cassettes/test_eval_replay/`` (one per article, recorded by
``scripts/record-fixtures.sh tests/test_eval_replay.py``), plus the four articles that
``test_replay`` already recorded with the same settings. The recording run also writes
``baseline.json`` there: the overall score of these briefs, which the regression test holds.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from conftest import FIXTURES

from summarizer.evaluation import evaluate
from summarizer.evaluation.loader import load_dataset
from summarizer.evaluation.runner import brief_articles

DATASET = FIXTURES / "articles" / "giveme5w1h"
CASSETTES = FIXTURES / "cassettes" / "test_eval_replay"
REPLAY_CASSETTES = FIXTURES / "cassettes" / "test_replay"

# Recorded here, one cassette each: (test id, file-name prefix in fixtures/articles/giveme5w1h).
RECORDED = {
    "f1-telegraph": "8439c5b07d",
    "tram-telegraph": "56637e2204",
    "f1-express": "a5a26c3777",
    "china-well-bbc": "1e471fa684",
    "tram-usatoday": "ba38e52fb1",
    "toblerone-nypost": "2f79eb6f33",
}
# Recorded by tests/test_replay.py with the same settings, so the same request bodies.
FROM_TEST_REPLAY = {
    "bbc-china-well": "38e6814a26",
    "standard-obama-trump": "36ed35f8c7",
    "express-toblerone": "e8a979de28",
    "nytimes-tram": "189af426dc",
}


@pytest.fixture
def eval_settings(replay_settings):
    # The recording server is shared and answers one request at a time: wait for it rather than retry.
    return replace(replay_settings, timeout=900.0, deadline=3600.0)


@pytest.mark.vcr
@pytest.mark.parametrize("name", list(RECORDED))
def test_recorded_brief(name: str, eval_settings) -> None:
    [article] = load_dataset(DATASET, ids=[RECORDED[name]])
    [run] = brief_articles([article], eval_settings)
    assert run.error is None and run.brief is not None
    assert run.brief.meta.mode == "tools" and run.brief.meta.calls >= 1


BASELINE = CASSETTES / "baseline.json"
REPORT = CASSETTES / "report.json"
ALL_CASSETTES = [f"test_recorded_brief[{name}].yaml" for name in RECORDED] + [
    str(REPLAY_CASSETTES / f"test_replayed_brief_is_valid_and_grounded[{name}].yaml") for name in FROM_TEST_REPLAY
]


@pytest.mark.vcr(*ALL_CASSETTES)
def test_overall_score_does_not_drop_below_the_recorded_figure(eval_settings, record_mode: str) -> None:
    articles = load_dataset(DATASET, ids=[*RECORDED.values(), *FROM_TEST_REPLAY.values()])
    assert len(articles) == len(RECORDED) + len(FROM_TEST_REPLAY)
    report = evaluate(articles, eval_settings, dataset="fixtures/articles/giveme5w1h")
    assert report["cost"]["failed"] == 0
    if record_mode != "none":  # the recording step writes the figure the replay must hold
        REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        figures = {
            "overall": report["overall"],
            "questions": {q: row["precision"] for q, row in report["questions"].items()},
            "articles": report["articles"],
            "settings": report["settings"],
            "recorded_by": "scripts/record-fixtures.sh tests/test_eval_replay.py",
        }
        BASELINE.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    assert BASELINE.exists(), "no baseline.json: re-record with scripts/record-fixtures.sh tests/test_eval_replay.py"
    recorded = json.loads(BASELINE.read_text(encoding="utf-8"))["overall"]
    for figure in ("precision", "precision_first_four"):
        assert report["overall"][figure] >= recorded[figure] - 1e-9, (
            f"{figure} fell from {recorded[figure]} to {report['overall'][figure]} on the recorded briefs"
        )
