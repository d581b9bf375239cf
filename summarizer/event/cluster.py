"""A batch's briefs grouped into events: by the actors, places and dates they share, within a time window.

Two briefs are linked when they share at least ``MIN_SHARED`` keys (an actor, a place, or a
resolved date of the event) and were published within ``window`` of each other; an event is a
connected group of links (single linkage). Keys are the names as the briefs give them,
normalised (case, leading articles, possessives; a person by initial and surname), plus the
capitalised words of the headline, which carry the event's names when the brief's lists are thin.
Pure: briefs and times in, groups of indices out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from ..schema import Brief
from .numbers import person_key

MIN_SHARED = 2
DEFAULT_WINDOW = timedelta(hours=72)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")
_COMMON = frozenset({"The", "And", "But", "After", "With", "From", "What", "How", "Why", "When", "Who", "This",
                     "That", "His", "Her", "Their", "New", "First", "Last", "Man", "Woman", "People", "Police"})


def _name_key(name: str) -> str:
    name = re.sub(r"^(?:the|a|an)\s+", "", name.strip(), flags=re.I)
    name = re.sub(r"[’']s\b", "", name)
    return person_key(name) if len(name.split()) > 1 else name.lower()


def keys_of(brief: Brief) -> frozenset[str]:
    """What a brief says the event is about: actors, places, days, and the headline's names."""
    # One namespace for names: "Croydon" as a place in one brief and in another's headline is one key.
    keys = {_name_key(a.name) for a in brief.who if a.name.strip()}
    keys |= {_name_key(p.name) for p in brief.where if p.name.strip()}
    keys |= {w.lower() for w in _CAPITALISED.findall(brief.headline) if w not in _COMMON}
    keys |= {f"day:{d.date}" for d in brief.when if d.date}
    return frozenset(keys)


def _time(published: str | None) -> datetime | None:
    if not published:
        return None
    try:
        return datetime.fromisoformat(published.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def _linked(a: frozenset[str], b: frozenset[str], ta: datetime | None, tb: datetime | None,
            window: timedelta) -> bool:
    if ta and tb and abs(ta - tb) > window:
        return False
    shared = a & b
    # A shared day alone links nothing (many stories happen on one day): a name must be among the keys.
    return len(shared) >= MIN_SHARED and any(not k.startswith("day:") for k in shared)


def cluster_briefs(
    briefs: Sequence[Brief], published: Sequence[str | None], *, window: timedelta = DEFAULT_WINDOW
) -> list[list[int]]:
    """Groups of indices into ``briefs``, one per event, largest first (a lone brief is its own event)."""
    keys = [keys_of(b) for b in briefs]
    times = [_time(p) for p in published]
    parent = list(range(len(briefs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(briefs)):
        for j in range(i + 1, len(briefs)):
            if _linked(keys[i], keys[j], times[i], times[j], window):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(briefs)):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def pair_scores(groups: list[list[int]], truth: Sequence[str]) -> dict[str, float]:
    """Pairwise precision and recall of ``groups`` against true labels (for measuring the grouping)."""
    label = {i: n for n, g in enumerate(groups) for i in g}
    same_pred = same_true = both = 0
    for i in range(len(truth)):
        for j in range(i + 1, len(truth)):
            p, t = label[i] == label[j], truth[i] == truth[j]
            same_pred += p
            same_true += t
            both += p and t
    return {"precision": round(both / same_pred, 4) if same_pred else 0.0,
            "recall": round(both / same_true, 4) if same_true else 0.0}
