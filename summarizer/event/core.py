"""The shared core: who / what / where / when merged across sources, each item with every source
that supports it and the spans in each.

An item comes from some source's brief; it is then looked for in every other source's *text*
(not only its brief: the small model's briefs are thin), so support means "this outlet's article
says it", with the spans to show where. Items are ranked by how many sources support them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..dates import resolve_mention
from ..grounding.spans import find_all
from ..grounding.speakers import same_actor
from ..schema import Span
from .schema import CoreItem, SourceSpans
from .sources import Source
from .words import jaccard, overlap, stems

TIME_ONLY = "time only"  # dates.resolve_mention's note for a clock time: its day is only assumed
WHAT_COVERAGE = 0.6  # share of an event's content words a sentence must hold to report it
WHAT_MIN_WORDS = 3
WHAT_SAME = 0.5  # Jaccard of two briefs' event sentences that are the same event


@dataclass
class _Group:
    forms: list[str]
    support: dict[str, list[Span]] = field(default_factory=dict)
    role: str | None = None
    date: str | None = None
    end: str | None = None
    named_by: set[str] = field(default_factory=set)  # sources whose brief lists it
    rank: int = 1_000  # its best place in a brief's list: the model lists the main items first

    def add(self, source: Source, form: str, spans: list[Span], rank: int = 1_000) -> None:
        if form not in self.forms:
            self.forms.append(form)
        self.support.setdefault(source.id, []).extend(spans)
        self.named_by.add(source.id)
        self.rank = min(self.rank, rank)


def _ranked_groups(groups: list[_Group]) -> list[_Group]:
    """Most briefs listing it first; then most sources whose article names it; then its best place in a brief.

    Briefs first: a name every article mentions ("Formula One", "Toblerone") is not the event's place
    because one brief listed it under `where`; what several briefs chose is.
    """
    return sorted(groups, key=lambda g: (-len(g.named_by), -sum(1 for s in g.support.values() if s), g.rank))


def _item(kind: str, group: _Group, by_id: dict[str, Source], label: str | None = None) -> CoreItem:
    label = label or max(group.forms, key=lambda f: (sum(f == g for g in group.forms), len(f)))
    supports = [by_id[s].support(spans) for s, spans in group.support.items() if spans]
    return CoreItem(kind=kind, label=label, variants=[f for f in group.forms if f != label][:4], role=group.role,
                    date=group.date, end=group.end, sources=supports)  # type: ignore[arg-type]


def _kept(items: list[CoreItem]) -> list[CoreItem]:
    return [i for i in items if i.sources]


def _merge_names(
    sources: list[Source], names: Callable[[Source], list[tuple[str, str | None, list[Span]]]]
) -> list[_Group]:
    groups: list[_Group] = []
    for source in sources:
        for rank, (name, role, spans) in enumerate(names(source)):
            group = next((g for g in groups if any(same_actor(name, f) for f in g.forms)), None)
            if group is None:
                group = _Group([])
                groups.append(group)
            group.add(source, name, spans or find_all(source.index, name), rank)
            group.role = group.role or role
    for group in groups:  # the other outlets' articles: do they name it too?
        for source in sources:
            if source.id not in group.support or not group.support[source.id]:
                for form in sorted(group.forms, key=len, reverse=True):
                    found = find_all(source.index, form)
                    if found:
                        group.support[source.id] = found
                        break
    return groups


def merge_who(sources: list[Source]) -> list[CoreItem]:
    groups = _merge_names(sources, lambda s: [(a.name, a.role, list(a.evidence)) for a in s.brief.who if a.name])
    by_id = {s.id: s for s in sources}
    return _kept([_item("who", g, by_id) for g in _ranked_groups(groups)])


def merge_where(sources: list[Source]) -> list[CoreItem]:
    groups = _merge_names(sources, lambda s: [(p.name, None, list(p.evidence)) for p in s.brief.where if p.name])
    by_id = {s.id: s for s in sources}
    return _kept([_item("where", g, by_id) for g in _ranked_groups(groups)])


def best_sentence(source: Source, words: frozenset[str]) -> Span | None:
    """The sentence of ``source`` that holds most of ``words`` (enough of them), if any."""
    best, best_score = None, 0.0
    for unit in source.index.units:
        score = overlap(words, stems(source.text[unit.start : unit.end]))
        if score > best_score:
            best, best_score = unit, score
    if best is None or best_score < WHAT_COVERAGE or len(words) * best_score < WHAT_MIN_WORDS:
        return None
    return Span(start=best.start, end=best.end)


def merge_what(sources: list[Source]) -> list[CoreItem]:
    groups: list[tuple[frozenset[str], _Group]] = []
    for source in sources:
        for rank, event in enumerate(source.brief.what):
            words = stems(event)
            if len(words) < WHAT_MIN_WORDS:
                continue
            span = best_sentence(source, words)
            group = next((g for w, g in groups if jaccard(words, w) >= WHAT_SAME), None)
            if group is None:
                group = _Group([])
                groups.append((words, group))
            group.add(source, event, [span] if span else [], rank)
    for words, group in groups:
        for source in sources:
            if not group.support.get(source.id):
                span = best_sentence(source, words)
                if span:
                    group.support[source.id] = [span]
    by_id = {s.id: s for s in sources}
    return _kept([_item("what", g, by_id, label=g.forms[0]) for g in _ranked_groups([g for _, g in groups])])


def day_mentions(source: Source) -> list[tuple[Span, str, str]]:
    """Every date mention of the article resolved against its own publication date: (span, start, end)."""
    out = []
    for start, end in source.index.date_mentions:
        resolved = resolve_mention(source.text[start:end], source.day)
        if resolved.resolved and resolved.start and resolved.end and TIME_ONLY not in (resolved.note or ""):
            out.append((Span(start=start, end=end), resolved.start.isoformat(), resolved.end.isoformat()))
    return out


def merge_when(sources: list[Source]) -> list[CoreItem]:
    groups: dict[tuple[str, str | None], _Group] = {}
    for source in sources:
        for rank, mention in enumerate(source.brief.when):
            if not mention.date:
                continue
            key = (mention.date, mention.end)
            group = groups.setdefault(key, _Group([], date=mention.date, end=mention.end))
            group.add(source, f"{mention.mention}: {mention.event}", list(mention.evidence), rank)
    for source in sources:
        for span, start, end in day_mentions(source):
            group = groups.get((start, None if end == start else end))
            if group is not None:
                group.support.setdefault(source.id, []).append(span)
    by_id = {s.id: s for s in sources}
    return _kept([_item("when", g, by_id, label=g.forms[0]) for g in _ranked_groups(list(groups.values()))])


def only_in(items: list[CoreItem], n_sources: int) -> list[tuple[CoreItem, SourceSpans]]:
    """Core items one source alone reports (when there are several sources)."""
    return [(i, i.sources[0]) for i in items if n_sources > 1 and len(i.sources) == 1]
