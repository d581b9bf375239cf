"""Content words, for matching an event's sentences across outlets (crude stems: outlets reword)."""

from __future__ import annotations

import re

_STOP = frozenset(
    "the a an and or but of to in on at for with by from as is was were are be been being has have had it its this "
    "that these those he she they them his her their who which what when where after before into over than then "
    "there said says say will would could should may might not no also about more most some any all one two".split()
)


def stems(text: str) -> frozenset[str]:
    """Lower-case content words of ``text``, cut to six letters ('derailed' ~ 'derailment')."""
    return frozenset(w[:6] for w in re.findall(r"[a-z][a-z'’-]+", text.lower()) if len(w) > 2 and w not in _STOP)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of ``a``'s words found in ``b``."""
    return len(a & b) / len(a) if a else 0.0


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0
