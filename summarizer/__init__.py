"""brief: turn a news article into a structured, grounded brief with an LLM.

>>> from summarizer import summarize                       # doctest: +SKIP
>>> brief = summarize(text, published="2024-02-02")          # doctest: +SKIP
>>> print(brief.headline)                                    # doctest: +SKIP

Names are imported on first use so that ``brief --help`` does not pay for pydantic,
openai or llama.cpp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "summarize": "pipeline",
    "asummarize": "pipeline",
    "Summarizer": "pipeline",
    "Prepared": "pipeline",
    "Progress": "progress",
    "Brief": "schema",
    "Settings": "settings",
    "BriefError": "errors",
    "InputError": "errors",
    "ModelError": "errors",
    "summarize_many": "batch",
    "asummarize_many": "batch",
    "summarize_event": "event.api",
    "asummarize_event": "event.api",
    "EventBrief": "event.schema",
}

if TYPE_CHECKING:
    from .batch import asummarize_many, summarize_many
    from .errors import BriefError, InputError, ModelError
    from .event.api import asummarize_event, summarize_event
    from .event.schema import EventBrief
    from .pipeline import Prepared, Summarizer, asummarize, summarize
    from .progress import Progress
    from .schema import Brief
    from .settings import Settings

__all__ = [
    "Brief",
    "BriefError",
    "EventBrief",
    "InputError",
    "ModelError",
    "Prepared",
    "Progress",
    "Settings",
    "Summarizer",
    "asummarize",
    "asummarize_event",
    "asummarize_many",
    "summarize",
    "summarize_event",
    "summarize_many",
]


__getattr__ = lazy_exports(__name__, _EXPORTS)
