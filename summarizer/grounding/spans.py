"""Locating quotes and names in an article: exact, then normalised, then bounded fuzzy.

Every span returned points into the article text *as given*; offsets are never taken
from the model. Matching happens on :func:`~summarizer.grounding.normalize.normalized`
text and is mapped back through its offset map.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from summarizer.grounding.index import ArticleIndex, as_index
from summarizer.grounding.normalize import QUOTE_CHARS, normalized
from summarizer.schema import Span

__all__ = ["FUZZY_THRESHOLD", "Match", "find_all", "find_quote", "inside_quotation_marks", "quoted_regions"]

# Measured by bench/quote_threshold.py on 815 direct quotes (12-300 chars, 3+ words)
# from polnear-dev, one variant of each corruption kind per quote; the score is
# fuzz.ratio of the normalised quote against the best word-aligned article span.
# At 88:
#   near-verbatim (one word replaced / one word dropped): accepted 0.79 / 0.94,
#     recall 0.86 over both;
#   paraphrase (30% of words replaced, one dropped): accepted 0.002;
#   sentence from another article: accepted 0.000;
#   precision of accepting over all four kinds: 0.999.
# Quote-mark swaps, curly vs straight and a dropped final period never get here: all
# 815 were 'normalised' (or 'exact'). At 85 paraphrases pass 6x as often (0.012) for
# +4 points of recall; at 90 recall falls to 0.82 with nothing gained in precision.
FUZZY_THRESHOLD = 88.0

# Fuzzy matching is bounded: needles longer than this are not fuzzy-matched, and the
# word-boundary refinement looks at most this many candidate edges on each side.
_MAX_FUZZY_CHARS = 1500
_MAX_EDGES = 12
# Parts of a quote split at "..." or "[...]" must follow each other within this many
# normalised characters.
_MAX_PART_GAP = 300

_EDGE_JUNK = "".join(QUOTE_CHARS) + " \t\r\n\u00a0"
_EDGE_PUNCT = " .,;:!?-"
_SPLIT = re.compile(r"\s*(?:\.{3,}|\[[^\]]{0,80}\])\s*")

Status = Literal["exact", "normalised", "fuzzy", "missing"]


@dataclass(frozen=True)
class Match:
    """Where a quote was found in the article, and how closely.

    ``score`` is 100 for exact and normalised hits, the rapidfuzz ratio for fuzzy
    ones and 0 when the quote is missing (then ``span`` is ``None``).
    """

    status: Status
    span: Span | None
    score: float

    @property
    def found(self) -> bool:
        return self.span is not None


_MISSING = Match("missing", None, 0.0)


# --- quoted passages ---------------------------------------------------------------


def quoted_regions(article: str | ArticleIndex) -> tuple[tuple[int, int], ...]:
    """The quoted passages of the article as ``(open, close)`` indices of their marks.

    The passage's words are ``text[open + 1 : close]``. Double quotes (straight or
    curly, guillemets) and single quotes are paired within a paragraph; an opening
    double quote left open at the end of a paragraph runs to the paragraph's end, as in
    multi-paragraph quotations. Apostrophes (a ``’`` between letters) are not marks.

    >>> quoted_regions('He said “yes” and ‘no’.')
    ((8, 12), (18, 21))
    """
    return as_index(article).quoted_regions


def inside_quotation_marks(article: str | ArticleIndex, span: Span) -> bool:
    """Whether ``span`` lies within one quoted passage of ``text``.

    A span that includes the passage's own quotation marks also counts.

    >>> t = 'Biden said it “will continue at times and places of our choosing.”'
    >>> inside_quotation_marks(t, Span(start=15, end=26))
    True
    >>> inside_quotation_marks(t, Span(start=0, end=10))
    False
    """
    if span.end <= span.start:
        return False
    for open_, close in as_index(article).quoted_regions:
        if open_ <= span.start and span.end <= close + 1:
            return True
        if open_ > span.start:
            break
    return False


# --- names -------------------------------------------------------------------------


def find_all(article: str | ArticleIndex, needle: str) -> list[Span]:
    """Every whole-word occurrence of ``needle`` in ``text`` (exact or normalised).

    Whole words: ``Iran`` is not found inside ``Iranian``, but ``Clinton`` is found in
    ``Clinton’s``. Case, quotation marks, dashes and white space are normalised.

    >>> find_all("Iran and the Iranian-backed groups; IRAN.", "Iran")
    [Span(start=0, end=4), Span(start=36, end=40)]
    """
    needle_norm = normalized(needle)[0]
    if not needle_norm:
        return []
    index = as_index(article)
    text = index.text
    norm, starts, ends = index.normalized
    check_left = needle_norm[0].isalnum()
    check_right = needle_norm[-1].isalnum()
    spans: list[Span] = []
    i = norm.find(needle_norm)
    while i >= 0:
        s, e = starts[i], ends[i + len(needle_norm) - 1]
        if not (check_left and s > 0 and text[s - 1].isalnum()) and not (
            check_right and e < len(text) and text[e].isalnum()
        ):
            if not spans or spans[-1].start != s:
                spans.append(Span(start=s, end=e))
        i = norm.find(needle_norm, i + 1)
    return spans


# --- quotes ------------------------------------------------------------------------


def find_quote(
    article: str | ArticleIndex, quote: str, *, min_score: float = FUZZY_THRESHOLD, min_length: int = 12
) -> Match:
    """Locate ``quote`` in ``text``: exact, then normalised, then bounded fuzzy.

    * ``exact``: the quote as given (less surrounding white space) is a substring of
      the article; the span leaves out quotation marks at its edges;
    * ``normalised``: equal after :func:`normalize` — swapped or stripped quote marks,
      curly vs straight, case, dashes, white space, a dropped or added final period;
      or every part of a quote split at ``...``/``…`` or ``[insertion]`` is found in
      order, close together (the span then covers all parts);
    * ``fuzzy``: rapidfuzz alignment on normalised text, snapped to whole words, with
      a ratio of at least ``min_score``;
    * ``missing``: none of those; also any quote shorter than ``min_length`` that is
      not verbatim in the article (a short one whose marks differ passes only when
      the article itself has those words in quotation marks).

    When a quote occurs more than once, an occurrence inside quotation marks wins.

    >>> t = 'Biden said the response “will continue at times and places of our choosing.”'
    >>> m = find_quote(t, "'will continue at times and places of our choosing'")
    >>> m.status, m.span.of(t)
    ('normalised', 'will continue at times and places of our choosing')
    """
    core = quote.strip(_EDGE_JUNK)
    if not core:
        return _MISSING
    index = as_index(article)
    text = index.text
    as_given = quote.strip()
    exact = _pick(index, _occurrences(text, as_given))
    if exact is not None:
        # The quote's own marks matched the article's: report the words only.
        start = exact + as_given.index(core)
        return Match("exact", Span(start=start, end=start + len(core)), 100.0)
    verbatim = _pick(index, _occurrences(text, core))
    if verbatim is not None and (
        len(core) >= min_length
        or inside_quotation_marks(index, Span(start=verbatim, end=verbatim + len(core)))
    ):
        # Only the quotation marks around it differ. A short quote ('successful')
        # passes too when the article itself quotes those exact words.
        return Match("normalised", Span(start=verbatim, end=verbatim + len(core)), 100.0)

    norm, starts, ends = index.normalized
    needle = normalized(core)[0]
    trimmed = needle.strip(_EDGE_PUNCT)
    if len(trimmed) < min_length:
        return _MISSING
    for variant in dict.fromkeys((needle, trimmed)):
        hits = _occurrences(norm, variant)
        if hits:
            spans = [(starts[i], ends[i + len(variant) - 1]) for i in hits]
            chosen = _pick_span(index, spans)
            return Match("normalised", Span(start=chosen[0], end=chosen[1]), 100.0)

    parts = [p for p in (p.strip(_EDGE_PUNCT) for p in _SPLIT.split(trimmed)) if p]
    if len(parts) > 1:
        found = _match_parts(index, parts, min_score, min_length)
        if found is not None:
            return found

    hit = _fuzzy(index, trimmed, 0, len(norm), min_score)
    if hit is None:
        return _MISSING
    s, e, score = hit
    return Match("fuzzy", Span(start=starts[s], end=ends[e - 1]), score)


def _occurrences(haystack: str, needle: str, limit: int = 20) -> list[int]:
    out: list[int] = []
    i = haystack.find(needle)
    while i >= 0 and len(out) < limit:
        out.append(i)
        i = haystack.find(needle, i + 1)
    return out


def _pick(index: ArticleIndex, hits: list[int]) -> int | None:
    return None if not hits else hits[0] if len(hits) == 1 else _pick_span(index, [(i, i) for i in hits])[0]


def _pick_span(index: ArticleIndex, spans: list[tuple[int, int]]) -> tuple[int, int]:
    if len(spans) > 1:
        for s, e in spans:
            if inside_quotation_marks(index, Span(start=s, end=max(e, s + 1))):
                return s, e
    return spans[0]


def _match_parts(index: ArticleIndex, parts: list[str], min_score: float, min_length: int) -> Match | None:
    """Match the parts of a quote cut at ellipses/insertions, in order, close together."""
    if sum(len(p) for p in parts) < min_length:
        return None
    norm, starts, ends = index.normalized
    for first in _occurrences(norm, parts[0], limit=10) or [None]:
        status: Status = "normalised"
        score = 100.0
        if first is None:
            hit = _fuzzy(index, parts[0], 0, len(norm), min_score) if len(parts[0]) >= min_length else None
            if hit is None:
                return None
            first, pos, score = hit
            status = "fuzzy"
        else:
            pos = first + len(parts[0])
        for part in parts[1:]:
            window_end = min(len(norm), pos + _MAX_PART_GAP + 2 * len(part))
            i = norm.find(part, pos, window_end)
            if i >= 0:
                pos = i + len(part)
                continue
            hit = _fuzzy(index, part, pos, window_end, min_score) if len(part) >= min_length else None
            if hit is None:
                break
            pos, score, status = hit[1], min(score, hit[2]), "fuzzy"
        else:
            return Match(status, Span(start=starts[first], end=ends[pos - 1]), score)
    return None


def _fuzzy(index: ArticleIndex, needle: str, lo: int, hi: int, min_score: float) -> tuple[int, int, float] | None:
    """Best word-aligned fuzzy match of ``needle`` in the normalised text's ``[lo:hi]``: (start, end, ratio)."""
    norm = index.normalized[0]
    if not needle or len(needle) > _MAX_FUZZY_CHARS or len(needle) > hi - lo:
        return None
    # partial_ratio scores a window of len(needle); dropped or added words shift its
    # edges, so the cut-off is loose here and the refined ratio below decides.
    window = norm[lo:hi]
    al = fuzz.partial_ratio_alignment(needle, window, score_cutoff=max(0.0, min_score - 15))
    if al is None or al.score == 0:
        return None
    ds, de = al.dest_start + lo, al.dest_end + lo
    word_starts, word_ends = index.word_edges
    slack = max(8, len(needle) // 5)
    a, b = bisect_left(word_starts, max(lo, ds - slack)), bisect_right(word_starts, ds + slack)
    c, d = bisect_left(word_ends, de - slack), bisect_right(word_ends, min(hi, de + slack))
    cand_starts = _nearest(word_starts[a:b], ds)
    cand_ends = _nearest(word_ends[c:d], de)
    best: tuple[float, int, int] | None = None
    for s in cand_starts:
        for e in cand_ends:
            if e <= s:
                continue
            r = fuzz.ratio(needle, norm[s:e].strip(_EDGE_PUNCT) or norm[s:e])
            if best is None or r > best[0]:
                best = (r, s, e)
    if best is None or best[0] < min_score:
        return None
    r, s, e = best
    # Keep a trailing period only if the model's quote has one too.
    while e > s and norm[e - 1] in _EDGE_PUNCT and not needle.endswith(norm[e - 1]):
        e -= 1
    while s < e and norm[s] in _EDGE_PUNCT and not needle.startswith(norm[s]):
        s += 1
    return s, e, round(r, 1)


def _nearest(edges: tuple[int, ...], target: int) -> list[int]:
    return sorted(edges, key=lambda x: abs(x - target))[:_MAX_EDGES]
