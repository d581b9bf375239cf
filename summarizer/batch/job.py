"""A batch run over files: what is already done is skipped, what finishes is written at once.

``run_batch`` is what ``brief batch`` calls; a Python caller can call it too::

    summary = asyncio.run(run_batch(BatchJob(["articles/"], Path("briefs.jsonl"), settings)))
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from ..errors import EXIT_INPUT, EXIT_MODEL, EXIT_OK, BriefError
from ..lane import prompt_handoffs
from ..settings import Settings
from .cache import BriefCache
from .inputs import Item, content_hash, expand_paths
from .metering import Meter
from .output import BriefLog, FailureLog, failures_path_for
from .runner import BatchResult, Engine, Published, effective_concurrency, prepare_summarizer

Via = Literal["direct", "batch-api"]


class BatchDisplay(Protocol):
    """What a batch tells its caller while it runs (the CLI draws a progress bar from it)."""

    def start(self, total: int, skipped: int) -> None: ...

    def phase(self, text: str) -> None: ...

    def advance(self, result: BatchResult) -> None: ...


class NoProgress:
    def start(self, total: int, skipped: int) -> None:
        pass

    def phase(self, text: str) -> None:
        pass

    def advance(self, result: BatchResult) -> None:
        pass


@dataclass
class BatchJob:
    paths: list[str]
    output: Path
    settings: Settings
    published: Published = None
    concurrency: int = 8
    rpm: float | None = None
    tpm: float | None = None
    cache: BriefCache | None = None
    via: Via = "direct"
    fsync: bool = True
    prompt_cache_bytes: int | None = None  # embedded model only: keep prompt KV states in RAM
    poll_seconds: float = 30.0  # --via batch-api: between status checks

    @property
    def failures_path(self) -> Path:
        return failures_path_for(self.output)


@dataclass
class BatchSummary:
    total: int = 0  # inputs found
    skipped: int = 0  # already in the output from an earlier run
    done: int = 0  # briefs written this run, cached ones included
    cached: int = 0
    failed: int = 0
    retried: int = 0  # failures of the previous run tried again
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    failure_codes: list[int] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when nothing failed; 2 when only inputs were bad; 1 when a model call failed."""
        if not self.failure_codes:
            return EXIT_OK
        return EXIT_INPUT if all(code == EXIT_INPUT for code in self.failure_codes) else EXIT_MODEL


def _not_done(items: list[Item], done: set[tuple[str, str]], summary: BatchSummary, max_bytes: int) -> list[Item]:
    if not done:
        return items
    pending = []
    for item in items:
        try:
            key = (item.source, content_hash(item.read(max_bytes).text))
        except BriefError:
            key = None  # unreadable: it fails again, with its reason
        if key in done:
            summary.skipped += 1
        else:
            pending.append(item)
    return pending


async def run_batch(job: BatchJob, display: BatchDisplay | None = None) -> BatchSummary:
    """Brief every article ``job.paths`` names that the output does not hold yet; returns the tally."""
    show = display or NoProgress()
    started = time.perf_counter()
    summary = BatchSummary()
    items = expand_paths(job.paths)
    summary.total = len(items)
    log = BriefLog(job.output, fsync=job.fsync)
    pending = _not_done(items, log.done(), summary, job.settings.max_input_bytes)
    log.open()
    failures = FailureLog(job.failures_path, fsync=job.fsync)
    previous_failures = {str(r.get("source")) for r in failures.previous}
    meter = Meter()
    summarizer = None
    try:
        show.phase("preparing the model" if not job.settings.uses_endpoint else "starting")
        prefilled = None
        if job.via == "batch-api":
            from .openai_batch import Prefilled

            prefilled = Prefilled(meter)
        summarizer = prepare_summarizer(
            job.settings, meter=meter, rpm=job.rpm, tpm=job.tpm, prompt_cache_bytes=job.prompt_cache_bytes,
            middleware=[prefilled.wrap] if prefilled else [],
        )
        engine = Engine(summarizer, effective_concurrency(job.settings, job.concurrency), job.published, job.cache)
        batch_state = None
        if prefilled is not None and pending:
            from .openai_batch import prefill_from_batch_api

            state = job.output.with_name(job.output.name.removesuffix(".jsonl") + ".batch-api.json")
            batch_state = await prefill_from_batch_api(prefilled, engine, pending, state, job.poll_seconds, show)
        show.start(len(pending), summary.skipped)
        with prompt_handoffs():
            async for result in engine.run(iter(pending)):
                summary.retried += result.source in previous_failures
                if result.ok:
                    log.append(result)
                    summary.done += 1
                    summary.cached += result.cached
                else:
                    failures.append(result)
                    summary.failed += 1
                    summary.failure_codes.append(getattr(result.error, "exit_code", EXIT_MODEL))
                show.advance(result)
        if batch_state is not None:
            batch_state.unlink(missing_ok=True)  # every answer of that Batch job is now in the output
    finally:
        if summarizer is not None:
            await summarizer.aclose()
        log.close()
        failures.close()
        summary.calls = meter.calls
        summary.prompt_tokens = meter.prompt_tokens
        summary.completion_tokens = meter.completion_tokens
        summary.seconds = round(time.perf_counter() - started, 3)
    return summary
