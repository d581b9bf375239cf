"""Briefing at newsroom scale: many articles, concurrently, resumable, cached.

>>> from summarizer.batch import summarize_many                      # doctest: +SKIP
>>> for result in summarize_many(paths, concurrency=16, published="2024-02-02"):   # doctest: +SKIP
...     print(result.source, result.brief.headline if result.ok else result.error)

Modules, one concern each: ``inputs`` (files, dirs, globs), ``runner`` (the concurrent
engine and the Python API), ``cache`` (SQLite), ``limits`` (rpm/tpm), ``metering`` (counting
calls), ``output`` (JSONL that survives a kill), ``job`` (a resumable run over files),
``openai_batch`` (``--via batch-api``), ``embedded`` (prompt KV cache), ``progress`` and
``command`` (the ``brief batch`` CLI).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "summarize_many": "runner",
    "asummarize_many": "runner",
    "BatchResult": "runner",
    "BriefCache": "cache",
    "cached_summarize": "cache",
    "clear_cache": "cache",
    "BatchJob": "job",
    "BatchSummary": "job",
    "run_batch": "job",
}

if TYPE_CHECKING:
    from .cache import BriefCache, cached_summarize, clear_cache
    from .job import BatchJob, BatchSummary, run_batch
    from .runner import BatchResult, asummarize_many, summarize_many

__all__ = [
    "BatchJob",
    "BatchResult",
    "BatchSummary",
    "BriefCache",
    "asummarize_many",
    "cached_summarize",
    "clear_cache",
    "run_batch",
    "summarize_many",
]


__getattr__ = lazy_exports(__name__, _EXPORTS)
