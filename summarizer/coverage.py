"""How much of the article a brief covers: ``meta.coverage`` and the paragraphs it leaves out.

Each non-empty paragraph of the article (a line; a text without line breaks is cut into blocks of
three sentences) weighs 1 plus the names, numbers and quoted passages it
holds (a paragraph of facts outweighs a transition line). A paragraph is *covered* when some item
of the brief is grounded in it:

* a name of ``who`` or ``where`` (its evidence spans: every place the article names it), a
  position's verified quote or its speaker's name;
* a free-text item (headline, summary sentence, ``what``, stance, open question) *anchored* in
  it: sharing at least :data:`ANCHOR_WORDS` content words with it (or all of them, for an item of
  fewer words) — the item restates that paragraph, not just a word of it.

Dates are not counted: grounding lists every date mention of the article whatever the model said,
so they would cover every dated paragraph of any brief.

``coverage = covered weight / total weight``; the uncovered paragraphs are named in one warning
("not covered: paragraphs 9–14 (Blinken, Qatar, Hamas…)"). Pure: ``(brief, article index) → brief``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .grounding.check import Grounded
from .grounding.index import ArticleIndex, as_index
from .grounding.names import CALENDAR_WORD, START_WORDS
from .grounding.words import STOPWORDS, content_words
from .schema import Brief, BriefDraft, Span

__all__ = ["ANCHOR_WORDS", "Paragraph", "article_paragraphs", "brief_coverage", "draft_coverage", "with_coverage"]

ANCHOR_WORDS = 3  # content words a free-text item must share with a paragraph to be anchored in it
LONG_LINE = 1200  # characters: a longer line is not one paragraph but a text without line breaks
BLOCK_SENTENCES = 3
_NAME = re.compile(r"(?<![\w#@])[A-Z][\w’'-]*(?:\s+(?:[A-Z][\w’'-]*|al|bin|de|of))*")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_NOT_NAMES = STOPWORDS | START_WORDS | {"according"}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


class Paragraph:
    """One non-empty line of the article: its number (from 1), span, weight and the names it holds."""

    def __init__(self, number: int, start: int, end: int, names: list[str], weight: int, words: frozenset[str]):
        self.number, self.start, self.end = number, start, end
        self.names, self.weight, self.words = names, weight, words


def _names_in(text: str) -> list[str]:
    """Capitalised runs, minus a sentence's capitalised first function word ("The", "However")."""
    out = []
    for m in _NAME.finditer(text):
        words = m.group().split()
        while words and words[0].casefold() in _NOT_NAMES:
            words = words[1:]
        if words and not (len(words) == 1 and CALENDAR_WORD.fullmatch(words[0])):
            out.append(re.sub(r"[’']s?$", "", " ".join(words)))
    return out


def article_paragraphs(article: str | ArticleIndex) -> list[Paragraph]:
    """The article's non-empty paragraphs, weighted by the names, numbers and quotes they hold."""
    index = as_index(article)
    return index.remember("coverage-paragraphs", lambda: _paragraphs(index))


def _blocks(index: ArticleIndex) -> list[tuple[int, int]]:
    """The article's lines; a line longer than :data:`LONG_LINE` is cut into blocks of three sentences.

    Scraped text often comes as one line (every Giveme5W1H article does): one "paragraph" would be
    covered by any brief.
    """
    out: list[tuple[int, int]] = []
    for start, end in index.paragraphs:
        if end - start <= LONG_LINE:
            out.append((start, end))
            continue
        units = [u for u in index.units if start <= u.start < end]
        for i in range(0, len(units), BLOCK_SENTENCES):
            group = units[i : i + BLOCK_SENTENCES]
            out.append((group[0].start, group[-1].end))
    return out


def _paragraphs(index: ArticleIndex) -> list[Paragraph]:
    out: list[Paragraph] = []
    for start, end in _blocks(index):
        text = index.text[start:end]
        if not text.strip():
            continue
        names = _names_in(text)
        weight = _weight(index, start, end, names)
        out.append(Paragraph(len(out) + 1, start, end, names, weight, frozenset(content_words(text))))
    return out


def _weight(index: ArticleIndex, start: int, end: int, names: list[str]) -> int:
    """1 + the names, numbers and quoted passages in ``[start, end)``: what a reader would miss."""
    quotes = sum(1 for a, _ in index.quoted_regions if start <= a < end)
    return 1 + len(names) + len(_NUMBER.findall(index.text[start:end])) + quotes


def heaviest_sentence(index: ArticleIndex, paragraph: Paragraph) -> tuple[int, int]:
    """The span of the paragraph's sentence holding the most names, numbers and quotes (the first of equals)."""
    units = [(u.start, u.end) for u in index.units if paragraph.start <= u.start < paragraph.end]
    if not units:
        return paragraph.start, paragraph.end
    start, end = max(units, key=lambda u: (_weight(index, *u, _names_in(index.text[u[0] : u[1]])), -u[0]))
    text = index.text[start:end]
    return start + len(text) - len(text.lstrip()), end - len(text) + len(text.rstrip())


def _spans(brief: Brief) -> Iterable[Span]:
    for actor in brief.who:
        yield from actor.evidence
    for place in brief.where:
        yield from place.evidence
    for position in brief.positions:
        if position.quote_verified and position.quote_span is not None:
            yield position.quote_span
        yield from position.actor_evidence


def wording_sentences(brief: Brief) -> list[str]:
    """The brief's own wording, one item per sentence of the headline and summary."""
    items = [brief.headline, *_SENTENCE.split(brief.summary), *brief.what, *brief.open_questions]
    items.extend(p.stance for p in brief.positions)
    return [item for item in items if item.strip()]


def anchored(item: str, paragraphs: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs a free-text item restates (see the module docstring)."""
    words = set(content_words(item))
    if not words:
        return []
    need = min(ANCHOR_WORDS, len(words))
    return [p for p in paragraphs if len(words & p.words) >= need]


def brief_coverage(brief: Brief, article: str | ArticleIndex) -> tuple[float | None, list[Paragraph]]:
    """The weighted share of paragraphs covered, and the paragraphs left out."""
    paragraphs = article_paragraphs(article)
    total = sum(p.weight for p in paragraphs)
    if not total:
        return None, []
    covered: set[int] = set()
    for span in _spans(brief):
        covered.update(p.number for p in paragraphs if p.start <= span.start < p.end)
    for item in wording_sentences(brief):
        covered.update(p.number for p in anchored(item, paragraphs))
    share = sum(p.weight for p in paragraphs if p.number in covered) / total
    return round(share, 3), [p for p in paragraphs if p.number not in covered]


def draft_coverage(
    draft: BriefDraft, grounded: Grounded, article: str | ArticleIndex
) -> tuple[float | None, list[Paragraph]]:
    """``brief_coverage`` of a brief still being written: the grounded items and the model's wording."""
    brief = Brief.model_construct(
        headline=draft.headline, summary=draft.summary, who=grounded.who, what=list(draft.what),
        where=grounded.where, when=grounded.when, positions=grounded.positions,
        open_questions=list(draft.open_questions),
    )
    return brief_coverage(brief, article)


def _ranges(numbers: list[int]) -> str:
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def left_out_warning(left_out: list[Paragraph], names: int = 3) -> str | None:
    """ "not covered: paragraphs 9–14 (Blinken, Qatar, Hamas…)", or None when nothing is left out."""
    if not left_out:
        return None
    counts = Counter(name for p in left_out for name in p.names)
    top = [name for name, _ in counts.most_common(names)]
    label = "paragraph" if len(left_out) == 1 else "paragraphs"
    detail = f" ({', '.join(top)}{'…' if len(counts) > len(top) else ''})" if top else ""
    return f"not covered: {label} {_ranges([p.number for p in left_out])}{detail}"


def with_coverage(brief: Brief, article: str | ArticleIndex) -> Brief:
    """The brief with ``meta.coverage`` set and a warning naming the paragraphs it leaves out."""
    share, left_out = brief_coverage(brief, article)
    warning = left_out_warning(left_out)
    warnings = [*brief.meta.warnings, warning] if warning else brief.meta.warnings
    return brief.model_copy(update={"meta": brief.meta.model_copy(update={"coverage": share, "warnings": warnings})})
