"""Text normalisation with an offset map back to the original.

Quotation marks of every kind (straight and curly, single and double, guillemets,
backticks, primes) are *dropped* rather than mapped to one canonical mark. A model
copying a quote strips, adds, or swaps them freely, and a quote's edges often sit
right next to them (``“instability”.`` vs ``instability.``); dropping them makes all
of these compare equal. The same holds for apostrophes (``country’s`` and
``country's`` both become ``countrys``), which is consistent on both sides of a
comparison. The cost — ``'it'`` and ``it`` look the same — does not matter for
locating words in an article.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["QUOTE_CHARS", "normalize"]

QUOTE_CHARS = frozenset("\"'`´‘’‚‛“”„‟«»‹›′″‵‶〝〞〟＂＇")
_DASHES = frozenset("-‐‑‒–—―−⁃﹘﹣－")
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")

# Characters that normalise to their own lower-case form one-for-one. Runs of them
# (with single spaces) are copied in bulk, which keeps normalising a 10 kB article
# around a millisecond; everything else goes through the per-character path.
_PLAIN_RUN = re.compile(r"(?:[A-Za-z0-9!#$%&()*+,./:;<=>?@\[\\\]^_{|}~]| (?! ))+")


@lru_cache(maxsize=4096)
def _char_form(ch: str) -> str:
    """The normalised form of one character on its own ('' to drop it)."""
    if ch in QUOTE_CHARS or ch in _INVISIBLE:
        return ""
    if ch in _DASHES:
        return "-"
    if ch.isspace():
        return " "
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        if c in QUOTE_CHARS or c in _INVISIBLE:
            continue
        out.append("-" if c in _DASHES else " " if c.isspace() else c)
    return "".join(out)


@lru_cache(maxsize=64)
def normalized(text: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """Cached core of :func:`normalize`.

    Returns the normalised text and, per normalised character, the start and the end
    (exclusive) of the original character cluster it came from, so that a normalised
    range ``[i, j)`` maps to the original range ``[starts[i], ends[j - 1])``.
    """
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = " "  # last emitted char; " " at the start so leading white space is dropped
    base = -1  # original index of the current base character
    base_out = 0  # len(starts) before the base character was emitted
    pos = 0
    n = len(text)
    while pos < n:
        m = _PLAIN_RUN.match(text, pos)
        if m is not None:
            run = m.group()
            s = pos
            if run[0] == " " and last == " ":
                run = run[1:]
                s += 1
            if run:
                pieces.append(run.lower())
                starts.extend(range(s, m.end()))
                ends.extend(range(s + 1, m.end() + 1))
                last = run[-1]
                base, base_out = m.end() - 1, len(starts) - 1
            pos = m.end()
            continue
        ch = text[pos]
        if unicodedata.combining(ch) and base >= 0 and base_out <= len(starts):
            # Re-normalise the whole cluster so that e + U+0301 composes to é.
            form = "".join(_char_form(c) for c in unicodedata.normalize("NFKC", text[base : pos + 1]))
            emitted = "".join(pieces)
            pieces = [emitted[:base_out]]
            del starts[base_out:], ends[base_out:]
            last = emitted[base_out - 1] if base_out else " "
            for c in form:
                if c == " " and last == " ":
                    continue
                pieces.append(c)
                starts.append(base)
                ends.append(pos + 1)
                last = c
            pos += 1
            continue
        base, base_out = pos, len(starts)
        for c in _char_form(ch):
            if (c == " " and last == " ") or (c == "-" and last == "-"):
                continue
            pieces.append(c)
            starts.append(pos)
            ends.append(pos + 1)
            last = c
        pos += 1
    out = "".join(pieces)
    if out.endswith(" "):
        out = out[:-1]
        starts.pop()
        ends.pop()
    return out, tuple(starts), tuple(ends)


def normalize(text: str) -> tuple[str, list[int]]:
    """Normalise ``text`` for comparison and map each normalised char to its origin.

    NFKC; quotation marks and apostrophes of every kind dropped (see the module
    docstring for why); dashes to ``-`` (runs collapsed); ``…`` to ``...``; runs of
    white space to one space, trimmed at both ends; casefolded. The second value
    gives, for each normalised index ``i``, the index in ``text`` of the character it
    came from, so ``len(map) == len(normalised)`` and the map never decreases.

    >>> normalize("“Don’t —  go…”")
    ('dont - go...', [1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 12, 12])
    """
    out, starts, _ = normalized(text)
    return out, list(starts)
