"""Several briefed articles on one event → one ``EventBrief``: pure code, no model.

The headline and summary here are built by code from the merged items (the top event and the
figures); ``event.api`` may replace them with one model call written from the same items.
"""

from __future__ import annotations

from .core import day_mentions, merge_what, merge_when, merge_where, merge_who, only_in
from .disagree import (
    attribution_disagreements,
    name_disagreements,
    number_disagreements,
    role_disagreements,
    time_and_date_disagreements,
)
from .quotes import merge_quotes
from .schema import CoreItem, Disagreement, EventBrief, EventMeta, OnlyIn, TimelineEntry
from .sources import Source

HEADLINE_WORDS = 15


def merge_event(sources: list[Source]) -> EventBrief:
    """The event brief of ``sources`` (each with its text, metadata and own brief), headline by code."""
    who, what, where, when = merge_who(sources), merge_what(sources), merge_where(sources), merge_when(sources)
    positions, differing = merge_quotes(sources)
    numbers, numbers_alone = number_disagreements(sources)
    disagreements = [
        *numbers,
        *time_and_date_disagreements(sources),
        *name_disagreements(sources, who + where),
        *role_disagreements(sources, who),
        *attribution_disagreements(sources, differing),
    ]
    alone = [OnlyIn(kind=item.kind, label=item.label, source=support)
             for item, support in only_in(who + what + where + when, len(sources))]
    alone += [OnlyIn(kind="number", label=f"{subject}: {value}", source=source.support(spans))
              for subject, value, source, spans in numbers_alone]
    brief = EventBrief(
        headline="", summary="", sources=[s.as_event_source() for s in sources],
        who=who, what=what, where=where, when=when, positions=positions,
        disagreements=disagreements, only_in=alone, timeline=timeline(sources, when), meta=EventMeta(),
    )
    headline, summary = code_headline(brief)
    return brief.model_copy(update={"headline": headline, "summary": summary})


def timeline(sources: list[Source], when: list[CoreItem]) -> list[TimelineEntry]:
    """The event's days in order: each merged date, labelled with what the briefs say happened then."""
    entries = [TimelineEntry(date=i.date, end=i.end, what=i.label, sources=i.sources) for i in when if i.date]
    known = {(e.date, e.end) for e in entries}
    # Days the articles name that no brief picked up still belong on the line, with the words that name them.
    extra: dict[tuple[str, str | None], TimelineEntry] = {}
    for source in sources:
        for span, start, end in day_mentions(source):
            key = (start, None if end == start else end)
            if key in known or start != end:
                continue
            entry = extra.setdefault(key, TimelineEntry(date=start, what=span.of(source.text), sources=[]))
            if all(s.source != source.id for s in entry.sources):
                entry.sources.append(source.support([span]))
    entries += extra.values()
    return sorted(entries, key=lambda e: (e.date, e.end or ""))


def _figures(disagreements: list[Disagreement]) -> str:
    parts = []
    for d in disagreements:
        if d.kind == "number" and d.subject in ("killed", "injured"):
            values = ", ".join(f"{v.value} ({len(v.sources)})" for v in d.values)
            parts.append(f"{d.subject}: {values}")
    return "; ".join(parts)


def code_headline(brief: EventBrief) -> tuple[str, str]:
    """A headline and summary from the merged items alone: the most-reported event, where, the figures."""
    top = brief.what[0].label if brief.what else (brief.sources[0].brief.headline if brief.sources else "")
    words = top.split()
    headline = " ".join(words[:HEADLINE_WORDS]) + ("…" if len(words) > HEADLINE_WORDS else "")
    n = len(brief.sources)
    events = "; ".join(i.label.rstrip(".") for i in brief.what[:3])
    summary = f"{n} source{'s' if n != 1 else ''} report: {events}." if events else f"{n} sources."
    figures = _figures(brief.disagreements)
    if figures:
        summary += f" The figures differ between sources ({figures})."
    return headline or "An event reported by several sources", summary
