"""Numbers an article states about a subject, found in its text by code: tolls, counts, ages.

The small model's briefs seldom carry the figures, so the figures are read from each article:

* casualties: "At least seven people were killed", "killing seven", "which left seven dead",
  "more than 50 taken to hospital", "trapping five people", "Eight of those hurt were treated for
  serious or life-threatening injuries";
* counts: "eight fire engines", "five fire rescue units" (a number and a plural noun);
* ages: "Martin Bamford, 30,", "Dane Chinnery, a 19-year-old", "Dane Chinnery (19)";
* sums: "£1.5 million", "$200,000" with the noun they pay for.

A claim keeps its qualifier ("at least", "more than", "about"): "at least 7" and "8" are different
claims, "seven" and "7" are the same one. Sentences naming another year than the article's own
("since 1959, when two women passengers … died") are about another event and are left out.
Pure functions over an ``ArticleIndex``; no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..grounding.index import ArticleIndex
from ..schema import Span

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a dozen": 12, "a hundred": 100,
}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "m": 1_000_000, "bn": 1_000_000_000}
# One reading per qualifier: "over 50" and "more than 50" claim the same.
_QUALIFIERS = {
    "at least": "at least", "a least": "at least", "more than": "more than", "over": "more than",
    # "about 80" claims no more than "80": an approximation is the figure itself, not a different one.
    "nearly": "nearly", "almost": "nearly", "about": "", "around": "", "approximately": "",
    "roughly": "", "up to": "up to", "fewer than": "fewer than", "less than": "fewer than",
    "as many as": "up to",
}
_WORD_NUMBER = "|".join(sorted((re.escape(w) for w in _UNITS), key=len, reverse=True))
_QUALIFIER = "|".join(sorted(_QUALIFIERS, key=len, reverse=True))
_NUMBER = re.compile(
    r"(?:(?P<qual>\b(?:" + _QUALIFIER + r"))\s+)?(?:(?P<cur>[£$€])\s?)?"
    r"(?P<num>\b\d{1,3}(?:,\d{3})+\b|\b\d+(?:\.\d+)?\b|\b(?:" + _WORD_NUMBER + r")\b)"
    r"(?:\s?(?P<scale>thousand|million|billion|bn|m)\b)?",
    re.I,
)
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")

# What a number is of, by the words around it (checked in this order: the first that fits wins).
_SUBJECTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("seriously injured", re.compile(r"serious(?:ly)?\b[^.]{0,20}?injur|life[- ]threatening|critical condition", re.I)),
    ("killed", re.compile(r"\b(?:killed|killing|dead|died|deaths?|fatalities|lost their lives|bodies)\b", re.I)),
    ("taken to hospital", re.compile(
        r"\b(?:taken|rushed|brought|admitted|treated)\s+(?:\w+\s+){0,2}(?:to|in)\s+(?:the\s+)?hospital|"
        r"\bhospitali[sz]ed", re.I)),
    ("injured", re.compile(r"\b(?:injur(?:ed|ing|ies)|hurt|wounded)\b", re.I)),
    ("trapped", re.compile(r"\b(?:trapped|trapping)\b", re.I)),
)
# A verb just before the number: "killing seven", "injuring another 40", "trapping five people".
_VERB_BEFORE = re.compile(
    r"\b(?P<verb>killing|killed|kills|injuring|injured|trapping|leaving|left)\s+(?:another\s+|a further\s+)?$", re.I
)
_VERB_SUBJECT = {"killing": "killed", "killed": "killed", "kills": "killed", "injuring": "injured",
                 "injured": "injured", "trapping": "trapped"}
# "20 of those injured were taken to …": a part of a figure given elsewhere, not a figure of its own.
_PART_OF = re.compile(r"^\s*of\s+(?:those|the|them)\b", re.I)
_NOUN = re.compile(r"^\s+((?:[a-z][a-z-]+\s+){0,2}?[a-z][a-z-]+s)\b")
_NOT_NOUN = frozenset({
    "and", "or", "of", "the", "a", "an", "to", "in", "on", "at", "for", "with", "by", "from", "as", "per", "is", "was",
    "were", "are", "has", "have", "had", "this", "that", "its", "his", "her", "their",
})
# Durations, distances and the like measure; they do not count anything reported as a fact of the event.
_MEASURES = frozenset({
    "seconds", "minutes", "hours", "days", "weeks", "months", "years", "decades", "times", "miles", "metres",
    "meters", "feet", "yards", "kilometres", "mph", "percent", "points", "laps", "goals", "people", "others",
})
_ROLE_NOUNS = "driver|pilot|captain|gunman|attacker|suspect|shooter|conductor"
_NAME = r"(?P<name>[A-Z][a-z'’\-]+(?:\s+[A-Z][a-z'’\-]+){1,3})"
_AGES = (
    re.compile(rf"{_NAME},\s+(?:aged\s+)?(?P<age>\d{{1,3}}),"),
    re.compile(rf"{_NAME},\s+an?\s+(?P<age>\d{{1,3}})-year-old"),
    re.compile(rf"{_NAME}\s+\((?P<age>\d{{1,3}})\)"),
    re.compile(r"(?<!of )\b[Tt]he\s+(?P<name>[a-z]+),\s+an?\s+(?P<age>\d{1,3})-year-old"),
    # One unnamed person the story is about, however the outlet words it: "the driver of the tram, a
    # 42-year-old", "arrested 42-year-old driver".
    re.compile(rf"\b(?P<name>{_ROLE_NOUNS})\b[^.,;]{{0,30}},\s+an?\s+(?P<age>\d{{1,3}})-year-old"),
    re.compile(rf"\b(?P<age>\d{{1,3}})-year-old\s+(?:[a-z]+\s+)?(?P<name>{_ROLE_NOUNS})\b"),
)


@dataclass(frozen=True)
class NumberClaim:
    """One figure an article states: ``subject`` ("killed", "age of Martin Bamford", "fire engines")."""

    kind: str  # "casualties", "count", "age" or "sum"
    subject: str
    value: str  # normalised: "at least 7", "51", "£1,500,000"
    span: Span  # the number with its qualifier
    sentence: Span  # the sentence it stands in

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject}"


def number_value(raw: str) -> int | float | None:
    """'seven' → 7, '1,200' → 1200, '1.5' → 1.5; None for what is not a number."""
    text = raw.lower().strip()
    if text in _UNITS:
        return _UNITS[text]
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def _value(m: re.Match[str]) -> str | None:
    number = number_value(m.group("num"))
    if number is None:
        return None
    scale = (m.group("scale") or "").lower()
    if scale:
        number = number * _SCALES[scale]
        number = int(number) if float(number).is_integer() else number
    qual = _QUALIFIERS.get(re.sub(r"\s+", " ", (m.group("qual") or "").lower()), "")
    shown = f"{m.group('cur') or ''}{number:,}" if m.group("cur") else str(number)
    return f"{qual} {shown}".strip()


def _other_year(sentence: str, year: int | None) -> bool:
    return any(int(y) != year for y in _YEAR.findall(sentence)) if year else bool(_YEAR.search(sentence))


def _subject_after(after: str) -> str | None:
    for subject, pattern in _SUBJECTS:
        hit = pattern.search(after)
        if hit and len(after[: hit.start()].split()) <= 5:
            return subject
    return None


def _casualty_or_count(m: re.Match[str], before: str, after: str) -> tuple[str, str] | None:
    """(kind, subject) of the number at ``m``, from the words after it, else the verb before it."""
    if _PART_OF.match(after):
        subject = _subject_after(after)
        return ("casualties", subject) if subject == "seriously injured" else None
    verb = _VERB_BEFORE.search(before)  # "trapping five people and injuring …": the verb before binds first
    if verb and verb.group("verb").lower() in _VERB_SUBJECT:
        return "casualties", _VERB_SUBJECT[verb.group("verb").lower()]
    subject = _subject_after(after)
    if subject:
        return "casualties", subject
    noun = _NOUN.match(after)
    if noun:
        words = noun.group(1).split()
        if any(w in _NOT_NOUN for w in words) or words[-1] in _MEASURES:
            return None
        head = " ".join(words[-2:])
        return ("sum" if m.group("cur") else "count"), head
    return None


def _clause_windows(text: str, spans: list[tuple[int, int]], i: int, lo: int, hi: int) -> tuple[str, str]:
    """The words between the previous number and this one, and between this one and the next (capped)."""
    start, end = spans[i]
    prev_end = spans[i - 1][1] if i > 0 else lo
    next_start = spans[i + 1][0] if i + 1 < len(spans) else hi
    before = text[max(prev_end, start - 40) : start]
    after = text[end : min(next_start, end + 60, hi)]
    return before, after


def find_numbers(index: ArticleIndex, published_year: int | None = None) -> list[NumberClaim]:
    """Every casualty figure, count, sum and age stated in the article, in text order."""
    text = index.text
    claims: list[NumberClaim] = []
    for unit in index.units:
        sentence = text[unit.start : unit.end]
        if _other_year(sentence, published_year):
            continue
        matches = [m for m in _NUMBER.finditer(sentence) if not _YEAR.fullmatch(m.group("num"))]
        spans = [(m.start(), m.end()) for m in matches]
        for i, m in enumerate(matches):
            if sentence[m.end() : m.end() + 9].startswith(("-year", " year", "am", "pm", ".", ":")) and not m.group(
                "cur"
            ):
                if not re.match(r"\.\s", sentence[m.end() : m.end() + 2]):
                    continue  # an age ("30-year-old", read below), a clock time, a decimal's first half
            before, after = _clause_windows(sentence, spans, i, 0, len(sentence))
            word = m.group("num")
            if word[0].isupper() and not word[0].isdigit() and re.search(r"[A-Z][\w-]*\s+$", before):
                continue  # "Formula One cars", "Air Force One": a name, not a count
            first = after.split()[0].lower().strip(",.;:") if after.split() else ""
            if first in _MEASURES and first not in ("people", "others"):
                continue  # "over 100 hours": a duration, whatever words follow it
            found = _casualty_or_count(m, before, after)
            value = _value(m)
            if found is None or value is None:
                continue
            kind, subject = found
            at = Span(start=unit.start + m.start(), end=unit.start + m.end())
            claims.append(NumberClaim(kind, subject, value, at, Span(start=unit.start, end=unit.end)))
        claims.extend(_ages(sentence, unit.start, unit.end))
    return claims


def _ages(sentence: str, offset: int, stop: int) -> list[NumberClaim]:
    out: list[NumberClaim] = []
    seen: set[int] = set()
    for pattern in _AGES:
        for m in pattern.finditer(sentence):
            if m.start("age") in seen:
                continue
            seen.add(m.start("age"))
            # "Father-of-three Philip Seary, 57": the descriptor is no part of the name.
            name = " ".join(w for w in m.group("name").split() if "-" not in w) or m.group("name")
            subject = f"the {name}" if name.islower() else name
            out.append(NumberClaim("age", subject, m.group("age"), Span(start=offset + m.start(), end=offset + m.end()),
                                   Span(start=offset, end=stop)))
    return out


_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame"})


def person_key(name: str) -> str:
    """'Nathan Evan Gibson' and 'Nathan Gibson' → 'n gibson': one person across outlets."""
    words = [w for w in re.sub(r"[’']s\b", "", name).lower().split() if w.rstrip(".") not in _HONORIFICS]
    return f"{words[0][0]} {words[-1]}" if len(words) > 1 else words[0] if words else ""


def claim_key(claim: NumberClaim) -> str:
    """What two outlets' claims must share to be compared: the kind and the subject (a person by name)."""
    if claim.kind == "age":
        return f"age:{person_key(claim.subject)}"
    subject = claim.subject
    if claim.kind in ("count", "sum"):
        subject = " ".join(w[:-1] if w.endswith("s") else w for w in subject.split())
    return f"{claim.kind}:{subject}"
