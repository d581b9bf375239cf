"""Which ranges of the article support which brief items: the pure model behind the HTML evidence view.

A brief item (an actor, a place, a date, a stated position) points at zero or more ``Span``s. The
view needs the article cut into *segments*: maximal runs of characters covered by the same set of
items, so that overlapping spans ("John Kirby" inside a quoted sentence that names him) become
nested highlights instead of broken markup. No HTML here: ``html.py`` turns segments into markup.

>>> items = evidence_items(brief)                        # doctest: +SKIP
>>> [s for s in segments(article, items) if s.items]     # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from ..schema import Brief, Position, Span

Kind = Literal["quote", "quote-reattributed", "name", "place", "date"]
Section = Literal["who", "where", "when", "positions"]

# When spans of several kinds overlap, the segment is styled as the first kind in this order:
# a quote is the strongest evidence and the one a reader most needs to see.
KIND_ORDER: tuple[Kind, ...] = ("quote", "quote-reattributed", "name", "place", "date")

KIND_LABELS: dict[Kind, str] = {
    "quote": "verified quote",
    "quote-reattributed": "quote the article attributes to another speaker",
    "name": "name",
    "place": "place",
    "date": "resolved date",
}


@dataclass(frozen=True)
class EvidenceItem:
    """One brief item and the article ranges that support it (none for a paraphrase or an unresolved date)."""

    id: str
    section: Section
    label: str
    kind: Kind
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Segment:
    """``article[start:end]`` and the items (and their kinds) whose spans all cover it."""

    start: int
    end: int
    items: tuple[str, ...] = ()
    kinds: tuple[Kind, ...] = ()

    @property
    def kind(self) -> Kind | None:
        """The kind the segment is styled as (see ``KIND_ORDER``); None for plain text."""
        return next((k for k in KIND_ORDER if k in self.kinds), None)


def _reattributed(position: Position, warnings: list[str]) -> bool:
    # grounding/check.py warns "quote “<first 60 chars>” re-attributed from A to B" and changes the actor;
    # the warning is the only record that the model named someone else, so the view reads it back.
    if not position.quote:
        return False
    head = position.quote[:40]
    return any("re-attributed" in w and f"“{head}" in w for w in warnings)


def _position_item(index: int, position: Position, warnings: list[str]) -> EvidenceItem:
    label = f"{position.actor}: {position.stance}"
    if position.quote_verified and position.quote_span is not None:
        kind: Kind = "quote-reattributed" if _reattributed(position, warnings) else "quote"
        return EvidenceItem(f"pos-{index}", "positions", label, kind, (position.quote_span,))
    # A paraphrase: no quote to show, but the speaker's name in the article is still evidence.
    return EvidenceItem(f"pos-{index}", "positions", label, "name", tuple(position.actor_evidence))


def evidence_items(brief: Brief) -> list[EvidenceItem]:
    """Every brief item that can point into the article, with a stable id (``who-0``, ``pos-2``…)."""
    warnings = brief.meta.warnings
    items = [EvidenceItem(f"who-{i}", "who", a.name, "name", tuple(a.evidence)) for i, a in enumerate(brief.who)]
    items += [
        EvidenceItem(f"where-{i}", "where", p.name, "place", tuple(p.evidence)) for i, p in enumerate(brief.where)
    ]
    for i, d in enumerate(brief.when):
        label = f"{d.mention} → {d.date}" if d.resolved and d.date else d.mention
        items.append(EvidenceItem(f"when-{i}", "when", label, "date", tuple(d.evidence)))
    items += [_position_item(i, p, warnings) for i, p in enumerate(brief.positions)]
    return items


def segments(text: str, items: list[EvidenceItem]) -> list[Segment]:
    """Cut ``text`` at every span boundary; each piece lists the items covering it, in ``items`` order.

    Spans outside the text or empty are ignored (a brief of another text must not break the page);
    the pieces always join back to ``text`` exactly.
    """
    length = len(text)
    cuts = {0, length}
    ranges: list[tuple[int, int, str, Kind]] = []
    for item in items:
        for span in item.spans:
            start, end = max(0, span.start), min(length, span.end)
            if start < end:
                ranges.append((start, end, item.id, item.kind))
                cuts.update((start, end))
    points = sorted(cuts)
    out: list[Segment] = []
    for start, end in pairwise(points):
        covering = [(item_id, kind) for s, e, item_id, kind in ranges if s <= start and end <= e]
        ids = tuple(dict.fromkeys(item_id for item_id, _ in covering))
        kinds = tuple(dict.fromkeys(kind for _, kind in covering))
        out.append(Segment(start, end, ids, kinds))
    return out


__all__ = ["KIND_LABELS", "KIND_ORDER", "EvidenceItem", "Kind", "Segment", "evidence_items", "segments"]
