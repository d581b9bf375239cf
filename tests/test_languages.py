"""Articles in other languages: detected, briefed with quotes verbatim in the article's language, and
``--lang en`` for a brief in English.

The Portuguese article is a translation of the sample made for these tests (see fixtures/articles/README.md),
not a published text. Cassettes: ``fixtures/cassettes/test_languages/``, recorded from the embedded model.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.flow import build_messages
from summarizer.language import check_lang, plan_language
from summarizer.pipeline import Summarizer
from summarizer.prompts import load_prompt
from summarizer.sources.detect import detect_language

PT = FIXTURES / "articles" / "us-strikes-iraq-syria-2024-02-02.pt.txt"


@pytest.fixture
def lang_settings(replay_settings):
    # The recording server is shared and answers one request at a time: wait for it rather than retry.
    return replace(replay_settings, timeout=900.0, deadline=3600.0)


def _assert_quotes_verbatim(brief, text: str) -> None:
    """A quote shown is the article's exact Portuguese words; anything else is not shown as a quote."""
    for position in brief.positions:
        if position.quote_verified:
            assert position.quote_span.of(text) == position.quote
        else:
            assert position.quote is None


@pytest.mark.vcr
def test_a_portuguese_article_gets_a_portuguese_brief(lang_settings) -> None:
    text = PT.read_text(encoding="utf-8")
    brief = Summarizer(lang_settings).summarize(text, published="2024-02-02", source="sample-pt")

    assert brief.meta.language == "pt" and brief.meta.brief_language == "pt"
    assert brief.meta.prompt_version.endswith("+language.1")
    assert detect_language(brief.summary) == "pt"
    assert {a.name for a in brief.who} >= {"Joe Biden", "John Kirby"}
    for actor in brief.who:  # names stay the article's words, wherever the brief is written
        assert actor.evidence and all(span.of(text).casefold() == actor.name.casefold() for span in actor.evidence)
    # Recorded: the 1.5B model reported the speakers' positions without their quotes, and the
    # article-quote fallbacks need an English attribution ("X said"), so no quote is shown: none invented.
    _assert_quotes_verbatim(brief, text)


@pytest.mark.vcr
def test_lang_en_briefs_a_portuguese_article_in_english(lang_settings, monkeypatch) -> None:
    monkeypatch.setattr("summarizer.settings.settings_from_env", lambda env=None: lang_settings)
    result = CliRunner().invoke(app, [str(PT), "--lang", "en", "--published", "2024-02-02", "-f", "json", "-q"])
    assert result.exit_code == 0, result.output
    brief = json.loads(result.stdout)
    text = PT.read_text(encoding="utf-8")

    assert brief["meta"]["language"] == "pt" and brief["meta"]["brief_language"] == "en"
    assert detect_language(brief["summary"]) == "en"
    # Quotes, places and dates stay the article's Portuguese words or go: the recorded model wrote
    # English names ("Iraq", "Jordan") for "Iraque", "Jordânia", and grounding dropped them (meta.warnings).
    for position in brief["positions"]:
        if position["quote_verified"]:
            span = position["quote_span"]
            assert text[span["start"] : span["end"]] == position["quote"]
        else:
            assert position["quote"] is None
    for place in brief["where"]:
        assert all(text[s["start"] : s["end"]] == place["name"] for s in place["evidence"])
    english = ("Iran", "Iraq", "Jordan", "Syria", "Middle East")
    assert any(f"dropped '{name}' from" in w for w in brief["meta"]["warnings"] for name in english)
    for actor in brief["who"]:
        # the name as written, or its last word (grounding's surname rule: "Saudita" for "Arabia Saudita")
        found = [text[s["start"] : s["end"]] for s in actor["evidence"]]
        name = actor["name"].casefold()
        assert found and all(f.casefold() == name or f.casefold() in name.split() for f in found), (actor, found)


# --- Without a model --------------------------------------------------------------------


def test_languages_are_detected(sample_text: str) -> None:
    assert detect_language(sample_text) == "en"
    assert detect_language(PT.read_text(encoding="utf-8")) == "pt"
    assert detect_language("Le gouvernement a annoncé mardi une réforme des retraites très contestée.") == "fr"
    assert detect_language("El gobierno anunció el martes una reforma de las pensiones muy criticada.") == "es"


def test_too_little_text_has_no_language() -> None:
    assert detect_language("OK 123") is None


def test_an_english_article_gets_the_prompt_as_recorded(sample_text: str) -> None:
    messages, (_, version) = build_messages(sample_text, None, plan_language(sample_text))
    assert messages[0]["content"] == load_prompt("brief").template
    assert "language" not in version


def test_lang_en_on_a_portuguese_article_asks_for_english_and_verbatim_quotes() -> None:
    plan = plan_language(PT.read_text(encoding="utf-8"), "en")
    assert (plan.detected, plan.target) == ("pt", "en")
    assert "in English" in plan.instruction and "in Portuguese" in plan.instruction
    assert "never translate a quote" in plan.instruction


def test_an_unknown_lang_is_exit_2(tmp_path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Some article text.")
    result = CliRunner().invoke(app, [str(article), "--lang", "klingon"])
    assert result.exit_code == 2 and "unknown --lang" in result.stderr


def test_lang_codes_are_normalised() -> None:
    assert check_lang("EN") == "en" and check_lang(None) is None
