"""The name grammar: what a word of a person's or a body's name looks like, and the runs of them.

Shared by the attribution reader (``speakers.py``) and the article index (``index.py``), which
finds every candidate name of an article once.
"""

from __future__ import annotations

import re

from ..dates import MONTH_NAMES, WEEKDAY_NAMES

__all__ = [
    "CALENDAR_WORD",
    "PARTICLES",
    "START_WORDS",
    "WEEKDAYS_MONTHS",
    "is_name_token",
    "name_runs",
    "strip_possessive",
]

# Capitalised words that start a sentence or a clause, not a name ("Then Trump said").
# fmt: off
START_WORDS = frozenset({
    "the", "then", "but", "and", "however", "earlier", "later", "in", "on", "at", "when", "while",
    "after", "before", "also", "still", "yet", "so", "meanwhile", "this", "that", "it", "a", "an",
    "instead", "now", "today", "yesterday", "last", "for", "as", "if", "although", "though", "because",
    "since", "during", "with", "without", "by", "from", "of", "to", "or", "nor", "here", "there",
    "what", "why", "how", "where", "speaking", "asked", "separately", "similarly",
})
# fmt: on

WEEKDAYS_MONTHS = "|".join((*WEEKDAY_NAMES, *MONTH_NAMES))
# "Wednesday", "July's", "May.": a calendar word, never a name on its own.
CALENDAR_WORD = re.compile(rf"(?:{WEEKDAYS_MONTHS})[’']?s?[.,]?")

# One name grammar: a word of a name is capitalised ("Kirby", "Sen.", "J.D."), or one of the particles
# that join the parts of a name in lower case ("Osama bin Laden", "Ludwig van Beethoven").
PARTICLES = ("de", "da", "del", "van", "von", "bin", "al", "le", "la", "di", "du", "der", "den", "ter", "y")
_CAPITALISED = r"[A-Z][\w’'\-]*|[A-Z][a-z]{0,3}\.|(?:[A-Z]\.)+"
_PARTICLE = "|".join(PARTICLES)
_NAME_TOKEN = re.compile(rf"^(?:{_CAPITALISED}|(?:{_PARTICLE}))$")
# A run: capitalised words, a particle between two of them allowed ("Charles de Gaulle").
_RUN = re.compile(rf"(?:{_CAPITALISED})(?:[ \u00a0]+(?:(?:{_PARTICLE})[ \u00a0]+)?(?:{_CAPITALISED}))+")


def is_name_token(tok: str) -> bool:
    return bool(_NAME_TOKEN.match(tok)) and tok.lower().strip(".") not in ("i",)


def strip_possessive(name: str) -> str:
    return re.sub(r"[’']s?$", "", name.strip(" ,.;:"))


def name_runs(text: str) -> tuple[tuple[int, str], ...]:
    """(position, name) of every multi-word capitalised run, as candidates for full names."""
    out = []
    for m in _RUN.finditer(text):
        toks = m.group().split()
        while toks and (toks[0].lower().strip(".") in START_WORDS or CALENDAR_WORD.fullmatch(toks[0])):
            toks = toks[1:]
        if 2 <= len(toks) <= 5:  # longer runs are title-case headlines, not names
            out.append((m.start(), strip_possessive(" ".join(toks))))
    return tuple(out)
