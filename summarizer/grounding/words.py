"""Content words: the words of a text that carry its meaning, normalised for comparison.

NFKC, case-folded, quotes and punctuation dropped, a possessive ``'s`` dropped, English function
words removed ("the", "of", "was"…) and a light suffix strip (-s, -es, -ed, -ing on words of five
letters or more), so "the Toblerone's shape" and "Toblerone shape" are the same words, and so are
"derails" and "derailed". Shared by the evaluation's phrase matching and by the brief's own
checks of free text (coverage, narration, stances).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["STOPWORDS", "content_words", "stem"]

STOPWORDS = frozenset(
    """a an the and or but of in on at to for from by with as into onto over under about after before
    during since until than then this that these those it its is are was were be been being has have had
    do does did will would shall should can could may might must not no so such very just also
    up down out off near around against between through per""".split()
)

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


@lru_cache(maxsize=8192)
def content_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` that carry its meaning, normalised (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    text = re.sub(r"'s\b", "", text)
    words = re.findall(r"[^\W_]+", text)
    return tuple(stem(w) for w in words if w not in STOPWORDS)


def stem(word: str) -> str:
    # Enough to equate "derails"/"derailed"/"derailing"; a full stemmer would be a dependency for little gain.
    if len(word) >= 5 and not word.isdigit():
        for suffix in ("ing", "ed", "es", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                return word[: -len(suffix)]
    return word
