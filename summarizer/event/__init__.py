"""One event, many outlets: several articles merged into one grounded ``EventBrief``.

    sources.py   — an article of the event (text, outlet, time) and its brief
    inputs.py    — reading files, pages, URLs, folders, Giveme5W1H JSON and recorded briefs (I/O)
    numbers.py   — figures stated in an article's text (tolls, counts, ages, sums)
    core.py      — who / what / where / when merged across sources, with spans into each
    quotes.py    — who said what across outlets
    disagree.py  — where outlets differ: figures, times, dates, names, roles, attributions
    merge.py     — all of it into one ``EventBrief`` (pure)
    headline.py  — the one optional model call: headline and summary from the merged items
    cluster.py   — a batch's briefs grouped into events
    api.py       — ``summarize_event`` / ``asummarize_event``
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {"summarize_event": "api", "asummarize_event": "api", "EventBrief": "schema"}

if TYPE_CHECKING:
    from .api import asummarize_event, summarize_event
    from .schema import EventBrief

__all__ = ["EventBrief", "asummarize_event", "summarize_event"]

__getattr__ = lazy_exports(__name__, _EXPORTS)
