"""`brief eval` on PolNeAR: is the speaker of each verified quote the one the annotators marked?

Cassettes: ``fixtures/cassettes/test_eval_attribution/``, real briefs of four PolNeAR dev articles by the
embedded model (``scripts/record-fixtures.sh tests/test_eval_attribution.py``); the recording run writes
``baseline.json``, the pooled speaker accuracy and quote recall that the replay must hold.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES

from summarizer.evaluation.attribution import is_polnear, load_polnear, score_brief, source_kind
from summarizer.evaluation.runner import brief_articles
from summarizer.evaluation.scorecard import evaluate_attribution

DATASET = FIXTURES / "articles" / "polnear" / "polnear-dev-sample.jsonl"
CASSETTES = FIXTURES / "cassettes" / "test_eval_attribution"
BASELINE = CASSETTES / "baseline.json"
RECORDED = {
    "blige-breitbart": "breitbart_2016-09-28_mary-j-blige",
    "axelrod-politico": "politico_2016-09-28_axelrod",
    "clinton-huffpost": "huff-post_2016-09-20_hillary-clinton",
    "flynn-politico": "politico_2016-09-08_flynn",
}


@pytest.fixture
def eval_settings(replay_settings):
    return replace(replay_settings, timeout=900.0, deadline=3600.0)


def test_the_loader_reads_polnear_as_it_is() -> None:
    articles = load_polnear(DATASET)
    assert [a.id[:20] for a in articles] == sorted(a.id[:20] for a in articles) and len(articles) == 4
    assert is_polnear(DATASET) and not is_polnear(FIXTURES / "articles" / "giveme5w1h")
    for article in articles:
        for quote in article.quotes:  # every gold quote is words inside quotation marks of its article
            words = quote.span.of(article.text)
            assert words and article.text[quote.span.start - 1] in "“\"‘'" and quote.reference


def test_pronoun_sources_resolve_to_the_named_speaker_before_them() -> None:
    text = "Obama spoke. “We won,” he said."
    atts = [
        {"source": {"text": "Obama", "spans": [[0, 5]]}, "content": {"text": "x", "spans": [[6, 11]]}},
        {"source": {"text": "he", "spans": [[22, 24]]}, "content": {"text": "“We won,”", "spans": [[12, 21]]}},
    ]
    from summarizer.evaluation.attribution import gold_quotes

    (quote,) = gold_quotes(text, atts)
    assert (quote.kind, quote.reference, quote.span.of(text)) == ("pronoun", "Obama", "We won,")
    assert source_kind("a source", "a source said") == "unnamed" and source_kind("Trump", "") == "named"


@pytest.mark.vcr
@pytest.mark.parametrize("name", list(RECORDED))
def test_recorded_brief(name: str, eval_settings) -> None:
    [article] = load_polnear(DATASET, ids=[RECORDED[name]])
    [run] = brief_articles([article], eval_settings)
    assert run.error is None and run.brief is not None


@pytest.mark.vcr(*[f"test_recorded_brief[{name}].yaml" for name in RECORDED])
def test_speaker_figures_do_not_drop_below_the_recorded_ones(eval_settings, record_mode: str) -> None:
    report = evaluate_attribution(load_polnear(DATASET), eval_settings, dataset="polnear-dev-sample")
    assert report["cost"]["failed"] == 0
    overall = report["overall"]
    if record_mode != "none":
        BASELINE.write_text(json.dumps({"overall": overall, "articles": report["articles"]}, indent=1) + "\n")
    baseline = json.loads(BASELINE.read_text())["overall"]
    assert overall["matched"] >= 1, "no verified quote matched a gold quote: nothing was scored"
    for figure in ("speaker_accuracy", "quote_recall"):
        assert (overall[figure] or 0.0) >= (baseline[figure] or 0.0), figure


@pytest.mark.vcr(*[f"test_recorded_brief[{name}].yaml" for name in RECORDED])
def test_a_misattributed_quote_is_scored_wrong(eval_settings) -> None:
    # A fault made by hand on a real brief: give every verified quote to someone the article never quotes.
    articles = load_polnear(DATASET)
    runs = brief_articles(articles, eval_settings)
    for run in runs:
        assert run.brief is not None
        scored = score_brief(run.article, run.brief)
        if not scored["matched"]:
            continue
        wrong = run.brief.model_copy(
            update={"positions": [p.model_copy(update={"actor": "Vladimir Putin"}) for p in run.brief.positions]}
        )
        assert score_brief(run.article, wrong)["right"] == 0 < scored["matched"]
        assert score_brief(run.article, wrong)["found"] == scored["found"]  # recall does not depend on speakers
        return
    pytest.fail("no recorded brief has a verified quote matched to a gold quote")


def test_brief_eval_reads_a_polnear_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from summarizer.cli import app

    result = CliRunner().invoke(app, ["eval", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2 and "missing.jsonl" in result.output


@pytest.mark.vcr(*[f"test_recorded_brief[{name}].yaml" for name in RECORDED])
def test_two_attribution_reports_compare_and_a_5w1h_report_does_not_mix(eval_settings, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from summarizer.cli import app

    report = evaluate_attribution(load_polnear(DATASET), eval_settings, dataset="polnear-dev-sample")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(report))
    worse = json.loads(json.dumps(report))
    worse["overall"]["speaker_accuracy"] = 0.5
    b.write_text(json.dumps(worse))
    result = CliRunner().invoke(app, ["eval", "--compare", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert f"{0.5 - report['overall']['speaker_accuracy']:+.2f}" in result.output
    five_w = FIXTURES / "cassettes" / "test_eval_replay" / "report.json"
    mixed = CliRunner().invoke(app, ["eval", "--compare", str(a), str(five_w)])
    assert mixed.exit_code == 2 and "same kind" in mixed.output


def test_a_malformed_polnear_line_is_an_input_error_with_its_line(tmp_path: Path) -> None:
    from summarizer.errors import InputError

    bad = tmp_path / "bad.jsonl"
    good = DATASET.read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(good + "\n" + json.dumps({"filename": "x", "text": "t", "attributions": [{"source": 3}]}) + "\n")
    with pytest.raises(InputError, match=r"bad.jsonl:2"):
        load_polnear(bad)
