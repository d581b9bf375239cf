"""The HTML evidence view: every span highlighted by kind, overlaps nested cleanly, all text escaped.

Briefs come from the hand-built sample brief (real spans of the sample article, see its ``_note``)
and from a recorded model answer served by the loopback fake endpoint (``fake_openai.recorded_ok``).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from chat_receiver import sample_brief
from conftest import FAKE_KEY, RECORDED_MODEL, SAMPLE
from fake_openai import fake_openai, recorded_ok
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.pipeline import Summarizer
from summarizer.render import to_html
from summarizer.render.evidence import EvidenceItem, evidence_items, segments
from summarizer.schema import Brief, Span
from summarizer.settings import Settings

ARTICLE = SAMPLE.read_text(encoding="utf-8")
VOID = {"meta", "br", "img", "input", "link", "hr", "area", "base", "col", "embed", "source", "wbr"}


class Page(HTMLParser):
    """The parts of the page a test checks: marks (text and attributes), tags used, script bodies."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[dict[str, str]] = []
        self.scripts: list[str] = []
        self.article_text: list[str] = []
        self._in: list[str] = []
        self._article_depth: int | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "div" and attributes.get("id") == "article":
            self._article_depth = len(self._in)
        if tag not in VOID:
            self._in.append(tag)
        if tag == "mark" and attributes.get("data-items"):
            self.marks.append({"items": attributes["data-items"] or "", "class": attributes.get("class") or "",
                               "title": attributes.get("title") or "", "text": ""})

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()
        if self._article_depth is not None and len(self._in) == self._article_depth:
            self._article_depth = None

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "script":
            self.scripts.append(data)
        if self._article_depth is not None:
            self.article_text.append(data)
        if self._in and self._in[-1] == "mark" and self.marks:
            self.marks[-1]["text"] += data

    def text_of(self, item_id: str) -> str:
        return "".join(m["text"] for m in self.marks if item_id in m["items"].split())


def test_every_verified_quote_is_highlighted_as_a_quote_with_its_exact_words() -> None:
    brief = sample_brief()
    page = Page(to_html(brief, ARTICLE))
    verified = [(i, p) for i, p in enumerate(brief.positions) if p.quote_verified]
    assert verified, "the sample brief has verified quotes"
    for i, position in verified:
        assert page.text_of(f"pos-{i}") == position.quote
        assert all("k-quote" in m["class"].split() for m in page.marks if f"pos-{i}" in m["items"].split())


def test_the_article_text_is_shown_whole_and_unchanged() -> None:
    page = Page(to_html(sample_brief(), ARTICLE))
    assert "".join(page.article_text).removeprefix("Article") == ARTICLE


@pytest.fixture(scope="module")
def recorded_brief() -> Brief:
    """A brief of the sample from the real model's recorded answer (dates resolved, with evidence)."""
    with fake_openai([recorded_ok()]) as server:
        settings = Settings(base_url=server.url, api_key=FAKE_KEY, model=RECORDED_MODEL, mode="tools",
                            prompt="brief-v3")
        return Summarizer(settings).summarize(ARTICLE, published="2024-02-02")


def test_names_places_and_dates_are_highlighted_by_kind_and_name_their_item_on_hover(recorded_brief: Brief) -> None:
    brief = recorded_brief
    page = Page(to_html(brief, ARTICLE))
    for i, actor in enumerate(brief.who):
        marks = [m for m in page.marks if f"who-{i}" in m["items"].split()]
        assert len(marks) >= len(actor.evidence) and all("k-name" in m["class"] for m in marks)
        assert all(actor.name in m["title"] for m in marks)
    for i, _place in enumerate(brief.where):
        assert any("k-place" in m["class"] for m in page.marks if f"where-{i}" in m["items"].split())
    resolved = [i for i, d in enumerate(brief.when) if d.resolved and d.evidence]
    assert resolved
    for i in resolved:
        assert any("k-date" in m["class"] for m in page.marks if f"when-{i}" in m["items"].split())


def test_paraphrases_unresolved_dates_and_dropped_items_are_marked() -> None:
    brief = sample_brief()
    brief.meta.warnings.append("dropped 'Atlantis' from where: not found in the article")
    html = to_html(brief, ARTICLE)
    paraphrases = [p for p in brief.positions if not p.quote_verified]
    assert paraphrases, "the sample brief has a paraphrase (Majed Al Ansari)"
    assert html.count("paraphrase — no verified quote") == len(paraphrases)
    assert '<span class="badge dropped">dropped</span>' in html
    assert "faithfulness" in html and brief.meta.model in html


def test_an_article_holding_script_and_markup_shows_it_as_text() -> None:
    hostile = '<script>alert("pwned")</script> <img src=x onerror=alert(1)> "</mark><b>bold</b>"'
    article = ARTICLE + "\n\n" + hostile
    brief = sample_brief()
    start = len(ARTICLE) + 2
    brief.who[0].evidence.append(Span(start=start, end=start + 30))
    brief.who[0].name = '<script>alert("name")</script>'
    brief.meta.warnings.append('<img src=x onerror=alert("warning")>')
    html = to_html(brief, article)
    page = Page(html)
    assert [tag for tag, _ in page.tags].count("script") == 1, "only the page's own script"
    assert not any(tag in ("img", "b") for tag, _ in page.tags)
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
    assert hostile in "".join(page.article_text)
    assert "&lt;script&gt;" in html and "&lt;/script&gt;" in html
    assert 'alert("' not in page.scripts[0]


def test_the_page_needs_no_network() -> None:
    page = Page(to_html(sample_brief(), ARTICLE))
    assert not [attrs for _, attrs in page.tags if attrs.get("src") or attrs.get("href")]
    assert not [tag for tag, _ in page.tags if tag in ("link", "iframe", "img")]
    csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0] or "")


def test_brief_items_with_evidence_are_keyboard_buttons_bound_to_their_marks() -> None:
    brief = sample_brief()
    page = Page(to_html(brief, ARTICLE))
    buttons = {a["data-item"] for t, a in page.tags if t == "button" and a.get("data-item")}
    with_spans = {item.id for item in evidence_items(brief) if item.spans}
    assert buttons == with_spans
    assert all(page.text_of(item_id) for item_id in buttons)


# --- segments: the pure model ------------------------------------------------------------------------


def _item(item_id: str, kind: str, *spans: tuple[int, int]) -> EvidenceItem:
    return EvidenceItem(item_id, "who", item_id, kind, tuple(Span(start=s, end=e) for s, e in spans))  # type: ignore[arg-type]


def test_overlapping_spans_split_into_segments_that_rejoin_the_text() -> None:
    text = "Kirby said: “We will respond,” Kirby added."
    quote = text.index("We")
    items = [_item("pos-0", "quote", (quote, text.index("”"))), _item("who-0", "name", (0, 5), (quote + 3, quote + 7))]
    pieces = segments(text, items)
    assert "".join(text[s.start : s.end] for s in pieces) == text
    inner = next(s for s in pieces if s.start == quote + 3)
    assert inner.items == ("pos-0", "who-0") and inner.kind == "quote"
    assert next(s for s in pieces if s.start == 0).kind == "name"


def test_spans_outside_the_text_or_empty_are_ignored() -> None:
    text = "short text"
    pieces = segments(text, [_item("who-0", "name", (6, 60), (3, 3), (40, 50))])
    assert "".join(text[s.start : s.end] for s in pieces) == text
    assert [(s.start, s.end) for s in pieces if s.items] == [(6, 10)]


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture
def endpoint(clean_env, monkeypatch: pytest.MonkeyPatch):
    with fake_openai([recorded_ok()]) as server:
        monkeypatch.setenv("BRIEF_BASE_URL", server.url)
        monkeypatch.setenv("BRIEF_API_KEY", "sk-test-0000-not-a-real-key")
        monkeypatch.setenv("BRIEF_MODE", "tools")
        yield server


def test_format_html_with_output_writes_the_evidence_view(endpoint, tmp_path: Path) -> None:
    out = tmp_path / "b.html"
    result = CliRunner().invoke(
        app, [str(SAMPLE), "--published", "2024-02-02", "--format", "html", "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    page = Page(out.read_text(encoding="utf-8"))
    assert any("k-quote" in m["class"] for m in page.marks)
    assert "".join(page.article_text).removeprefix("Article") == ARTICLE


def test_a_quote_the_article_gives_to_another_speaker_is_marked_as_such() -> None:
    brief = sample_brief()
    index, position = next((i, p) for i, p in enumerate(brief.positions) if p.quote_verified)
    brief.meta.warnings.append(f"quote “{position.quote}” re-attributed from Somebody Else to {position.actor}")
    page = Page(to_html(brief, ARTICLE))
    marks = [m for m in page.marks if f"pos-{index}" in m["items"].split()]
    assert marks and all("k-quote-reattributed" in m["class"].split() for m in marks)
    assert "article names another speaker" in to_html(brief, ARTICLE)
