"""An article scanned once: everything the grounding checks read, found on first use and kept.

``ArticleIndex(text)`` holds the normalised text and its offset map, the paragraphs, the quoted
regions, the sentence-like units the attribution reader works on (and each one with its quoted
passages masked), the candidate names and the date mentions. A brief builds one index per article
(``flow.one_part_flow``) and every check — quotes, names, speakers, dates — reads it, instead of
each check scanning the article again.

The checks also accept the text itself (their public signatures are ``(article, …)``); it is
turned into an index through a small cache, so a caller asking about one article many times
still scans it once.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, TypeVar

from ..dates import find_date_mentions
from .names import name_runs
from .normalize import normalized

__all__ = ["ArticleIndex", "Unit", "as_index"]

T = TypeVar("T")


@dataclass(frozen=True)
class Unit:
    """A sentence-like stretch ``[start, end)`` of the article."""

    start: int
    end: int


# --- quoted regions ----------------------------------------------------------------

_OPEN_DOUBLE = frozenset("“„«‟〝")
_CLOSE_DOUBLE = frozenset("”»〞〟")
_STRAIGHT = frozenset('"＂')
_DOUBLE_MARK = re.compile("[" + re.escape("".join(sorted(_OPEN_DOUBLE | _CLOSE_DOUBLE | _STRAIGHT))) + "]")
_SINGLE_MARK = re.compile("[‘’'‹›]")


def _double_regions(para: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    opened = -1
    for mark in _DOUBLE_MARK.finditer(para):  # visiting only the marks: a Python loop over every char is slow
        i, ch = mark.start(), mark.group()
        before = para[i - 1] if i else " "
        after = para[i + 1] if i + 1 < len(para) else " "
        looks_open = (before.isspace() or before in "([{-—–/:") and not after.isspace()
        if opened < 0:
            if ch in _OPEN_DOUBLE or ch in _STRAIGHT or looks_open:
                opened = i
        elif ch in _OPEN_DOUBLE and looks_open and ch not in _CLOSE_DOUBLE:
            # A second opening mark: the first one was never closed; restart here.
            opened = i
        else:
            out.append((opened, i))
            opened = -1
    if opened >= 0 and len(para) - opened > 1:
        out.append((opened, len(para)))
    return out


def _single_regions(para: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    opened = -1
    for mark in _SINGLE_MARK.finditer(para):
        i, ch = mark.start(), mark.group()
        before = para[i - 1] if i else " "
        after = para[i + 1] if i + 1 < len(para) else " "
        if before.isalnum() and after.isalnum():
            continue  # apostrophe: don’t, O’Neill
        if opened < 0:
            if ch in "‘'‹" and not before.isalnum() and not after.isspace():
                opened = i
        elif ch in "’'›" and not before.isspace() and not after.isalnum():
            if i - opened <= 400:
                out.append((opened, i))
            opened = -1
    return out


# --- sentence-like units -----------------------------------------------------------

_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Lt|Gen|Col|Sgt|Capt|Maj|Adm|Rev|St|Jr|Sr|Prof|Hon|No|Vol|vs|etc|"
    r"Inc|Corp|Co|Ltd|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|Ariz|Calif|Fla|Ill|Mass|Mich|Minn|Wis|"
    r"Tenn|Va|Pa|Ky|Ga|Ala|Tex|Okla|Ore|Wash|Conn|Md|Mo|Nev|Colo)|\b[A-Z]|\b(?:[A-Za-z]\.)+[A-Za-z])\.$"
)
_BOUNDARY = re.compile(r"[.!?]+[”\"’')\]]*(?=\s+[“\"‘'(\[]?[A-Z0-9])|[.!?]+[”\"’')\]]*\s*$")


class ArticleIndex:
    """The structures of one article, each computed on first use and then kept.

    Offsets are into ``text`` as given. Beyond the named structures, ``remember`` keeps any
    other result derived from the article (the speaker of a quoted region, the cues of a
    masked unit), so that a check asked twice answers from the first time.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._memo: dict[Hashable, Any] = {}

    def __repr__(self) -> str:
        return f"ArticleIndex({len(self.text)} chars)"

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once per ``key`` for this article."""
        try:
            return self._memo[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    @cached_property
    def normalized(self) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
        """Normalised text, and per normalised char the start and end of its origin (``normalize.normalized``)."""
        return normalized(self.text)

    @cached_property
    def word_edges(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Start and end offsets of the white-space separated words of the normalised text."""
        words = [m.span() for m in re.finditer(r"\S+", self.normalized[0])]
        return tuple(s for s, _ in words), tuple(e for _, e in words)

    @cached_property
    def paragraphs(self) -> tuple[tuple[int, int], ...]:
        """``[start, end)`` of every line of the text (split at ``\\n``, empty ones included)."""
        out, offset = [], 0
        for para in self.text.split("\n"):
            out.append((offset, offset + len(para)))
            offset += len(para) + 1
        return tuple(out)

    @cached_property
    def quoted_regions(self) -> tuple[tuple[int, int], ...]:
        """The quoted passages as ``(open, close)`` indices of their marks (see ``spans.quoted_regions``)."""
        regions: list[tuple[int, int]] = []
        for start, end in self.paragraphs:
            para = self.text[start:end]
            regions.extend((a + start, b + start) for a, b in _double_regions(para))
            regions.extend((a + start, b + start) for a, b in _single_regions(para))
        return tuple(sorted(regions))

    @cached_property
    def units(self) -> tuple[Unit, ...]:
        """Sentence-like units: never split inside a quoted passage or after an abbreviation."""
        inside = self._inside_quotes
        units: list[Unit] = []
        for offset, stop in self.paragraphs:
            para = self.text[offset:stop]
            start = 0
            for m in _BOUNDARY.finditer(para):
                cut = m.end()
                head = para[start : m.start() + 1]
                if _ABBREV.search(head) and m.group().startswith(".") and len(m.group().strip()) == 1:
                    continue
                absolute = offset + cut
                if inside[absolute - 1]:
                    continue
                if para[start:cut].strip():
                    units.append(Unit(offset + start, absolute))
                start = cut
            if para[start:].strip():
                units.append(Unit(offset + start, offset + len(para)))
        return tuple(units)

    @cached_property
    def _inside_quotes(self) -> bytearray:
        """1 at each position strictly between a quoted region's marks."""
        flags = bytearray(len(self.text) + 1)
        for a, b in self.quoted_regions:
            if b - a > 1:
                flags[a + 1 : b] = b"\x01" * (b - a - 1)
        return flags

    @cached_property
    def _unit_starts(self) -> tuple[int, ...]:
        return tuple(u.start for u in self.units)

    def unit_at(self, pos: int) -> int:
        """The index of the unit holding ``pos`` (the last unit when none does)."""
        i = bisect_right(self._unit_starts, pos) - 1
        if i >= 0 and pos < self.units[i].end:
            return i
        return max(0, len(self.units) - 1)

    def masked(self, i: int) -> str:
        """Unit ``i``'s text with every quoted passage (marks included) replaced by '#'."""
        return self.remember(("masked", i), lambda: self._mask(self.units[i]))

    def _mask(self, unit: Unit) -> str:
        chars = list(self.text[unit.start : unit.end])
        for a, b in self.quoted_regions:
            if a < unit.end and b >= unit.start:
                for k in range(max(a, unit.start), min(b + 1, unit.end)):
                    chars[k - unit.start] = "#"
        return "".join(chars)

    def quotes_in(self, i: int) -> list[tuple[int, int]]:
        """The quoted regions opening in unit ``i``, as ``[open, close + 1)``."""
        unit = self.units[i]
        return self.remember(
            ("quotes", i), lambda: [(a, b + 1) for a, b in self.quoted_regions if unit.start <= a < unit.end]
        )

    @cached_property
    def name_runs(self) -> tuple[tuple[int, str], ...]:
        """Candidate names: (position, name) of every multi-word capitalised run."""
        return name_runs(self.text)

    @cached_property
    def date_mentions(self) -> tuple[tuple[int, int], ...]:
        """``[start, end)`` of every date mention (``dates.find_date_mentions``)."""
        return tuple(find_date_mentions(self.text))


@lru_cache(maxsize=16)
def _index_of(text: str) -> ArticleIndex:
    return ArticleIndex(text)


def as_index(article: str | ArticleIndex) -> ArticleIndex:
    """The index of ``article``: itself when already one, else the (cached) index of the text."""
    return article if isinstance(article, ArticleIndex) else _index_of(article)
