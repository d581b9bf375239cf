"""Who said what across outlets: the quotes of every article, grouped into one statement each.

Quotes are read from each article's text (its quoted regions and the speaker the attribution
reader finds), not from the briefs. Two outlets' quotes are one statement when one holds the
other's words (after normalising case and punctuation) or they are nearly the same
(``SAME``); worded differently but recognisably one statement (``VARIANT``) they are variants of
it. A statement whose outlets name different speakers is flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..grounding.speakers import same_actor, speaker_of
from ..schema import Span
from .schema import Quote, QuoteVariant, SpeakerPositions
from .sources import Source

_PARTICLES = frozenset({"de", "da", "del", "van", "von", "bin", "al", "le", "la", "di", "du", "der", "den", "ter"})
MIN_WORDS = 6  # shorter quoted bits are scare quotes ('speeding', "walking wounded"), not statements
SAME = 97.0  # whole-quote similarity (or one holding the other) for "the same words"
VARIANT = 85.0


@dataclass(frozen=True)
class _Said:
    source: Source
    text: str
    norm: str
    span: Span
    speaker: str | None
    explicit: bool = False  # the speaker's full name stands in the quote's sentence or the one before


def _explicit(source: Source, span: Span, speaker: str | None) -> bool:
    if not speaker or len(speaker.split()) < 2:
        return False
    index = source.index
    i = index.unit_at(span.start)
    start, end = index.units[max(0, i - 1)].start, index.units[i].end
    text = source.text
    around = text[start : span.start] + " " + text[span.end : max(end, span.end)]  # not inside the quote
    return speaker in around


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


# Scraped pages lose quotation marks; a region "between" two quotes then starts with the narration's
# punctuation or carries its own attribution ("…, they added. People are…", "Sue Patel said:").
_NOT_A_QUOTE = re.compile(r"^[\s.,;:)\]]|\b(?:said|says|added|told \w+)[:,]?\s*$|\b(?:he|she|they) (?:said|added)\b")


def _checked_speaker(source: Source, span: Span, speaker: str | None) -> str | None:
    """The attribution reader's speaker, kept only when it is a name near the quote.

    Measured on the tram articles: a title resolved two paragraphs back ('An RAIB spokesman said' → the
    last named police officer), a place read as a name ('from New Addington, …, said'), a plain noun
    at a sentence start ('Investigators said'): each put a quote in the wrong mouth across outlets.
    """
    if not speaker:
        return None
    words = speaker.split()
    while len(words) > 1 and words[0].isupper() and len(words[0]) > 1:
        words.pop(0)  # "USA TODAY NETWORK President Obama": a credit line run into the name
    speaker = " ".join(words)
    if any(w[0].islower() and w not in _PARTICLES for w in words) or (len(words) == 1 and "-" in speaker):
        return None  # "New York businessman also", "President-elect": a description, not a name
    text, index = source.text, source.index
    last = re.sub(r"[’']s$", "", speaker.split()[-1])
    i = index.unit_at(span.start)
    window = text[index.units[max(0, i - 1)].start : span.end + 200]
    if last not in window or re.search(rf"\b(?:from|in|at) {re.escape(speaker)}\b", text):
        return None
    if " " not in speaker.strip() and (
        re.search(rf"\b{re.escape(speaker.lower())}\b", text) or re.search(r"[a-z](?:ers|ors|ians|ists)$", speaker)
    ):
        return None  # a common noun capitalised at a sentence start ('Investigators said'), not a name
    return speaker


def quotes_of(source: Source) -> list[_Said]:
    out = []
    index = source.index
    for a, b in index.quoted_regions:
        span = Span(start=a + 1, end=b)
        text = span.of(source.text).strip()
        if len(text.split()) < MIN_WORDS or _NOT_A_QUOTE.search(text):
            continue
        speaker = _checked_speaker(source, span, speaker_of(index, span))
        out.append(_Said(source, text, _norm(text), span, speaker, _explicit(source, span, speaker)))
    return out


def _related(a: str, b: str) -> float:
    short, long_ = sorted((a, b), key=len)
    if short in long_:
        return 100.0
    if len(short.split()) >= MIN_WORDS:
        return max(fuzz.ratio(a, b), fuzz.partial_ratio(short, long_) if len(short) > 40 else 0.0)
    return fuzz.ratio(a, b)


def _same(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return short in long_ or fuzz.ratio(a, b) >= SAME


def _cluster(said: list[_Said]) -> list[list[_Said]]:
    groups: list[list[_Said]] = []
    for item in said:
        home = next((g for g in groups if any(_related(item.norm, o.norm) >= VARIANT for o in g)), None)
        if home is None:
            groups.append([item])
        else:
            home.append(item)
    return groups


def _speakers(items: list[_Said]) -> list[str]:
    out: list[str] = []
    for item in sorted(items, key=lambda i: -len(i.speaker or "")):
        if item.speaker and not any(same_actor(item.speaker, s) for s in out):
            out.append(item.speaker)
    return out


def _quote(group: list[_Said]) -> Quote:
    variants: list[list[_Said]] = []
    for item in group:
        home = next((v for v in variants if _same(item.norm, v[0].norm)), None)
        if home is None:
            variants.append([item])
        else:
            home.append(item)
    variants.sort(key=lambda v: -len({i.source.id for i in v}))
    shown = []
    for v in variants:
        by_source: dict[str, list[Span]] = {}
        for item in v:
            by_source.setdefault(item.source.id, []).append(item.span)
        sources = {i.source.id: i.source for i in v}
        shown.append(QuoteVariant(text=max(v, key=lambda i: len(i.text)).text, speaker=(_speakers(v) or [None])[0],
                                  sources=[sources[s].support(spans) for s, spans in by_source.items()]))
    speakers = _speakers(group)
    # Outlets differ on the speaker only when each names a person in full beside the quote and the surnames
    # differ. Read on the dev events: the attribution reader expands "Obama said" to the fullest form the
    # article gives ("Michelle Obama"), resolves "he" across paragraphs, and takes a reporting outlet
    # ("the BBC reported") or a sentence's first word ("Met with…") for the speaker.
    explicit = {surname(i.speaker) for i in group if i.explicit and i.speaker}
    differs = len(explicit) > 1
    return Quote(text=shown[0].text, variants=shown, speakers=speakers, attribution_differs=differs)


def surname(name: str) -> str:
    return re.sub(r"[’']s$", "", name.split()[-1]).lower() if name.split() else ""


Attributed = dict[str, dict[str, list[Span]]]  # speaker → source id → spans of the quote


def _attributed(group: list[_Said], speakers: list[str]) -> Attributed:
    out: Attributed = {}
    for item in group:
        if item.speaker and item.explicit:
            name = next(s for s in speakers if same_actor(item.speaker, s))
            out.setdefault(name, {}).setdefault(item.source.id, []).append(item.span)
    return out


def merge_quotes(sources: list[Source]) -> tuple[list[SpeakerPositions], list[tuple[str, Attributed]]]:
    """Every attributed statement, grouped under its speaker (the one most outlets name); and the
    statements whose outlets name different speakers, with who each outlet says said it."""
    said = [q for s in sources for q in quotes_of(s)]
    positions: list[SpeakerPositions] = []
    differing: list[tuple[str, Attributed]] = []
    for group in _cluster(said):
        quote = _quote(group)
        if not quote.speakers:
            continue
        if quote.attribution_differs:
            differing.append((quote.text, _attributed(group, quote.speakers)))
        named = [i.speaker for i in group if i.speaker]
        main = max(quote.speakers, key=lambda s: sum(same_actor(s, n) for n in named))
        home = next((p for p in positions if same_actor(p.speaker, main) or same_actor(main, p.speaker)), None)
        if home is None:
            positions.append(SpeakerPositions(speaker=main, quotes=[quote]))
        else:
            home.quotes.append(quote)
            if len(main) > len(home.speaker):
                home.aliases.append(home.speaker)
                home.speaker = main
    positions.sort(key=lambda p: -sum(len(q.variants[0].sources) for q in p.quotes))
    return positions, differing
