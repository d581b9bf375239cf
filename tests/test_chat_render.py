"""What a posted brief looks like on each platform, pinned by snapshots of the sample brief.

Snapshots live in tests/snapshots/<platform>.json. After an intended change to a layout,
rewrite them with ``BRIEF_UPDATE_SNAPSHOTS=1 pytest tests/test_chat_render.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from chat_receiver import SNAPSHOTS, sample_brief

from summarizer.chat import PLATFORMS, render_payload

ARTICLE = (
    Path(__file__).resolve().parent.parent / "fixtures" / "articles" / "us-strikes-iraq-syria-2024-02-02.txt"
)


def _shown(platform: str) -> str:
    """All the text of a rendered payload, as one string (JSON escapes undone)."""
    return json.dumps(render_payload(sample_brief(), platform), ensure_ascii=False)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_rendered_payload_matches_its_snapshot(platform: str) -> None:
    payload = render_payload(sample_brief(), platform)
    snapshot = SNAPSHOTS / f"{platform}.json"
    if os.environ.get("BRIEF_UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert snapshot.exists(), f"no snapshot yet: run with BRIEF_UPDATE_SNAPSHOTS=1 to write {snapshot.name}"
    assert payload == json.loads(snapshot.read_text(encoding="utf-8"))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_verified_quote_is_shown_in_quotation_marks_with_its_speaker(platform: str) -> None:
    shown = _shown(platform)
    assert "“will continue at times and places of our choosing.”" in shown
    assert "Joe Biden" in shown


@pytest.mark.parametrize("platform", PLATFORMS)
def test_unverified_quote_is_left_out_and_its_stance_paraphrased(platform: str) -> None:
    shown = _shown(platform)
    assert "Hamas has accepted the deal" not in shown
    assert "Hamas signalled acceptance of the draft truce agreement." in shown


@pytest.mark.parametrize("platform", PLATFORMS)
def test_headline_summary_and_open_questions_are_shown(platform: str) -> None:
    brief = sample_brief()
    shown = _shown(platform)
    assert brief.headline in shown
    assert brief.summary in shown
    assert all(question in shown for question in brief.open_questions)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_who_where_and_when_are_shown(platform: str) -> None:
    shown = _shown(platform)
    assert "John Kirby (National Security Council spokesman)" in shown
    assert "Syria" in shown
    assert "this Friday (2) (2024-02-02)" in shown


@pytest.mark.parametrize("platform", PLATFORMS)
def test_footer_names_source_model_and_faithfulness(platform: str) -> None:
    shown = _shown(platform)
    assert "Source: fixtures/articles/us-strikes-iraq-syria-2024-02-02.txt" in shown
    assert "Model: hand-built (no model)" in shown
    assert "Faithfulness: 92%" in shown


def test_unchecked_faithfulness_is_said_not_hidden() -> None:
    brief = sample_brief()
    brief = brief.model_copy(update={"meta": brief.meta.model_copy(update={"faithfulness": None})})
    assert "Faithfulness: not checked" in json.dumps(render_payload(brief, "discord"), ensure_ascii=False)


def test_unknown_platform_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="slack, mattermost, teams, discord"):
        render_payload(sample_brief(), "irc")


def test_sample_brief_quotes_marked_verified_are_in_the_article_where_it_says() -> None:
    article = ARTICLE.read_text(encoding="utf-8")
    verified = [p for p in sample_brief().positions if p.quote_verified]
    assert verified
    for position in verified:
        assert position.quote_span is not None
        assert position.quote_span.of(article) == position.quote
