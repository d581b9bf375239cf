"""Where the outlets differ: figures, times and dates, spellings of names, roles, who said a quote.

Each finder is a pure function over the sources (article text, index, brief) that returns
``Disagreement`` items, each value with its sources and spans. Values are compared as normalised
("seven" = "7"; "at least 7" ≠ "7"; a date resolved against each source's own publication date).
When the outlets holding different values were published at different times, the later one may
simply be an update: ``maybe_update``.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz.distance import Levenshtein

from ..dates import resolve_mention
from ..grounding.spans import find_all
from ..schema import Span
from .core import TIME_ONLY
from .numbers import claim_key, find_numbers
from .schema import CompetingValue, CoreItem, Disagreement
from .sources import Source
from .words import stems

NUMBER_KINDS_SHOWN_ALONE = ("casualties", "age")  # figures worth an only-in line when one outlet gives them
_CLOCK = re.compile(r"\b(?P<h>[01]?\d)(?:[.:](?P<m>[0-5]\d))?\s*(?P<ap>a\.?m\.?|p\.?m\.?)", re.I)
_APPROX = re.compile(r"\b(?:about|around|approximately|roughly|just after|shortly after)\b", re.I)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,}(?:[’']s)?\b")


Observed = dict[str, dict[str, list[Span]]]  # value → source id → spans


def _disagreement(
    kind: str, subject: str, observed: Observed, by_id: dict[str, Source], note: str | None = None
) -> Disagreement | None:
    """A disagreement when at least two values are held by different sets of sources."""
    sets = [frozenset(s) for s in observed.values() if s]
    # Two values are a disagreement only when no outlet gives both: an outlet giving two figures
    # ("the three victims" named today, "the seven victims" in all; "five trapped", "two remain trapped")
    # is telling of two things, not contradicting itself.
    if not any(not (a & b) for i, a in enumerate(sets) for b in sets[i + 1 :]):
        return None
    values = []
    for value, spans_by in observed.items():
        published = sorted(by_id[s].published for s in spans_by)
        values.append(CompetingValue(value=value, sources=[by_id[s].support(sp) for s, sp in spans_by.items()],
                                     published=published))
    values.sort(key=lambda v: (v.published[0] if v.published else "", v.value))
    firsts = {v.published[0] for v in values if v.published and v.published[0]}
    return Disagreement(kind=kind, subject=subject, values=values, maybe_update=len(firsts) > 1,  # type: ignore[arg-type]
                        note=note)


def number_disagreements(sources: list[Source]) -> tuple[list[Disagreement], list[tuple[str, str, Source, list[Span]]]]:
    """Figures with different values across outlets; and figures only one outlet gives (key, value, source, spans)."""
    observed: dict[str, Observed] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    shown: dict[str, str] = {}
    for source in sources:
        year = source.day.year if source.day else None
        for claim in find_numbers(source.index, year):
            key = claim_key(claim)
            observed[key][claim.value][source.id].append(claim.span)
            shown.setdefault(key, claim.subject if claim.kind != "age" else f"age of {claim.subject}")
    _join_surnames(observed)
    by_id = {s.id: s for s in sources}
    out, alone = [], []
    for key, values in observed.items():
        found = _disagreement("number", shown[key], values, by_id)
        if found:
            out.append(found)
        holders = {s for by in values.values() for s in by}
        if len(holders) == 1 and len(sources) > 1 and key.split(":")[0] in NUMBER_KINDS_SHOWN_ALONE:
            for value, by in values.items():
                for sid, spans in by.items():
                    alone.append((shown[key], value, by_id[sid], spans))
    return out, alone


def _join_surnames(observed: dict[str, Observed]) -> None:
    """'Mr Collett, 62' (key: surname) is 'Donald Collett, 62' when one full name has that surname."""
    for key in [k for k in observed if k.startswith("age:") and " " not in k]:
        surname = key[4:]
        full = [k for k in observed if k.startswith("age:") and " " in k and k.endswith(f" {surname}")]
        if len(full) == 1:
            for value, by in observed.pop(key).items():
                for sid, spans in by.items():
                    observed[full[0]][value][sid].extend(spans)


def event_words(sources: list[Source]) -> frozenset[str]:
    """Words at least a third of the outlets put in their titles: what a sentence about *the* event mentions."""
    titles = [stems(s.article.title or s.brief.headline) for s in sources]
    counts: dict[str, int] = defaultdict(int)
    for words in titles:
        for w in words:
            counts[w] += 1
    need = max(2, (len(titles) + 2) // 3)
    return frozenset(w for w, n in counts.items() if n >= need)


# An embedded post's date is when someone posted about the story ("-- Kevs Snack Reviews (@kevvieguy)
# November 7, 2016"), not when it happened.
_EMBED = re.compile(r"pic\.twitter\.com|\(@\w+\)|https?://t\.co/")
MAX_SENTENCE = 400  # longer "sentences" are photo galleries and link lists run together, not the report


def _event_sentence(source: Source, pos: int, words: frozenset[str]) -> bool:
    unit = source.index.units[source.index.unit_at(pos)]
    sentence = source.text[unit.start : unit.end]
    if unit.end - unit.start > MAX_SENTENCE or _EMBED.search(sentence):
        return False
    # Two of the event's words when it has several: "tributes were held on Saturday" is not the crash's day.
    need = 2 if len(words) >= 3 else 1
    return not words or len(words & stems(sentence)) >= need


def clock_time(mention: str) -> str | None:
    """'at about 6.10am' → '06:10'; None when the mention holds no clock time."""
    m = _CLOCK.search(mention)
    if not m:
        return None
    hour = int(m.group("h")) % 12 + (12 if m.group("ap").lower().startswith("p") else 0)
    return f"{hour:02d}:{m.group('m') or '00'}"


def time_and_date_disagreements(sources: list[Source]) -> list[Disagreement]:
    """The time each outlet gives first for the event itself, and the day it names most for it, compared."""
    words = event_words(sources)
    times: Observed = defaultdict(dict)
    days: Observed = defaultdict(dict)
    named: list[set[str]] = []  # every day each source names for the event
    for source in sources:
        first_time = None
        day_spans: dict[str, list[Span]] = defaultdict(list)
        for start, end in source.index.date_mentions:
            if not _event_sentence(source, start, words):
                continue
            mention = source.text[start:end]
            span = Span(start=start, end=end)
            clock = clock_time(mention)
            if clock and first_time is None:
                lead = source.text[max(0, start - 20) : start]  # "shortly after 6 a.m.": the mention is "6 a.m."
                approx = _APPROX.search(mention) or _APPROX.search(lead)
                first_time = (clock + (" (about)" if approx else ""), span)
            resolved = resolve_mention(mention, source.day)
            if resolved.resolved and resolved.granularity == "day" and resolved.start and TIME_ONLY not in (
                resolved.note or ""
            ):
                day_spans[resolved.start.isoformat()].append(span)
        if first_time:
            times[first_time[0]][source.id] = [first_time[1]]
        named.append(set(day_spans))
        if day_spans:  # the day the source names most often for the event (the first, on a tie)
            day = max(day_spans, key=lambda d: (len(day_spans[d]), -day_spans[d][0].start))
            days[day][source.id] = day_spans[day]
    by_id = {s.id: s for s in sources}
    shown = list(days)
    if all(any({a, b} <= n for n in named) for i, a in enumerate(shown) for b in shown[i + 1 :]):
        days = {}  # every pair of days is named together by some outlet: two days of the story, not a conflict
    out = [
        _disagreement("time", "time of the event (the first given in a sentence on it)", _merge_approx(times), by_id),
        _disagreement("date", "day of the event (the one most named in sentences on it)", days, by_id,
                      note="each source's date resolved against its own publication date"),
    ]
    return [d for d in out if d]


APPROX_MINUTES = 15  # "around 6am" agrees with any exact time this close ("6.10am")


def _minutes(value: str) -> int:
    hours, minutes = value[:5].split(":")
    return int(hours) * 60 + int(minutes)


def _merge_approx(times: Observed) -> Observed:
    """An approximate time joins the nearest exact time within ``APPROX_MINUTES`` (it agrees with it)."""
    exact = [v for v in times if not v.endswith(" (about)")]
    merged: Observed = defaultdict(dict)
    for value, by in times.items():
        target = value
        if value.endswith(" (about)") and exact:
            near = min(exact, key=lambda e: abs(_minutes(e) - _minutes(value)))
            if abs(_minutes(near) - _minutes(value)) <= APPROX_MINUTES:
                target = near
        for sid, spans in by.items():
            merged[target].setdefault(sid, spans)
    return merged


def name_disagreements(sources: list[Source], items: list[CoreItem]) -> list[Disagreement]:
    """One name spelt two ways: a word of a who/where name in one outlet, a near spelling in another,
    neither outlet using the other's spelling ('Sandilands' / 'Sandlilands')."""
    by_id = {s.id: s for s in sources}
    words = {w.rstrip("’'s") if w.endswith(("’s", "'s")) else w
             for item in items for form in [item.label, *item.variants] for w in _CAPITALISED.findall(form)}
    vocab = {s.id: {w for w in _CAPITALISED.findall(s.text)} for s in sources}
    # A word the articles also write in lower case is a common word ("Investigation", "Courts"), not a name.
    common = {w for s in sources for w in re.findall(r"\b[a-z]{4,}\b", s.text)}
    out: list[Disagreement] = []
    seen: set[frozenset[str]] = set()
    for word in sorted(words):
        holders = {s.id for s in sources if word in vocab[s.id]}
        for source in sources:
            if source.id in holders:
                continue
            for other in vocab[source.id]:
                pair = frozenset((word, other))
                if pair in seen or other == word or abs(len(other) - len(word)) > 2 or min(len(word), len(other)) < 6:
                    continue
                if word.lower() in common or other.lower() in common or other.rstrip("s") == word.rstrip("s"):
                    continue
                if Levenshtein.distance(word.lower(), other.lower()) <= (1 if len(word) < 7 else 2):
                    other_holders = {s.id for s in sources if other in vocab[s.id]}
                    if other_holders & holders:
                        continue  # an outlet using both spellings: two names, not one misspelt
                    seen.add(pair)
                    observed: Observed = {
                        w: {sid: find_all(by_id[sid].index, w) for sid in hs}
                        for w, hs in ((word, holders), (other, other_holders))
                    }
                    found = _disagreement("name", f"spelling of {word}", observed, by_id)
                    if found:
                        out.append(found)
    return out


def role_disagreements(sources: list[Source], who: list[CoreItem]) -> list[Disagreement]:
    """One person given roles with no word in common by two outlets (each role as its article words it)."""
    by_id = {s.id: s for s in sources}
    out = []
    for item in who:
        roles: Observed = {}
        forms = {item.label, *item.variants}
        for source in sources:
            for actor in source.brief.who:
                if actor.role and actor.name in forms:
                    spans = find_all(source.index, actor.role)
                    if spans:  # the role as the article states it, not the model's wording
                        roles.setdefault(actor.role, {})[source.id] = spans
        distinct = list(roles)
        if len(distinct) >= 2 and all(
            not (stems(a) & stems(b)) for i, a in enumerate(distinct) for b in distinct[i + 1:]
        ):
            found = _disagreement("role", f"role of {item.label}", roles, by_id)
            if found:
                out.append(found)
    return out


def attribution_disagreements(sources: list[Source], differing: list[tuple[str, Observed]]) -> list[Disagreement]:
    """A quote the outlets put in different mouths (``quotes.merge_quotes``'s second result)."""
    by_id = {s.id: s for s in sources}
    out = []
    for text, observed in differing:
        words = text.split()
        subject = "who said “" + " ".join(words[:12]) + ("…" if len(words) > 12 else "") + "”"
        found = _disagreement("attribution", subject, observed, by_id)
        if found:
            out.append(found)
    return out
