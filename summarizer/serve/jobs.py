"""The service's work queue: bounded, sized to the model, one deadline per brief, progress per job.

``workers`` briefs run at once (the embedded model runs one at a time, so 1 there) and ``depth`` more
may wait; beyond that ``submit`` raises ``QueueFull`` with a Retry-After estimated from the briefs
already timed. Every job keeps its progress events for late listeners (the SSE stream replays them).
All of it lives on the event loop; ``progress`` may be called from any thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import BriefError, DeadlineExceeded, InputError
from ..pipeline import Prepared
from ..progress import Progress
from ..schema import Brief

State = Literal["queued", "running", "done", "failed"]
Runner = Callable[[Prepared], Awaitable[Brief]]

_current: contextvars.ContextVar[Job | None] = contextvars.ContextVar("brief_serve_job", default=None)


class QueueFull(BriefError):
    """Every slot is taken: the caller should come back after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"busy: try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(eq=False)  # a job is itself, not its fields: it lives in sets and is compared by identity
class Job:
    id: str
    prepared: Prepared = field(repr=False)
    created: float = field(default_factory=time.time)
    ticket: str = field(default_factory=lambda: secrets.token_urlsafe(18), repr=False)
    state: State = "queued"
    brief: Brief | None = None
    error: str | None = None
    status: int | None = None  # the HTTP status a failure maps to
    started: float | None = None
    finished: float | None = None
    events: list[dict[str, Any]] = field(default_factory=list, repr=False)
    listeners: set[asyncio.Queue[dict[str, Any]]] = field(default_factory=set, repr=False)
    settled: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def article(self) -> str:
        """The text the brief's spans point into (for the HTML view)."""
        return self.prepared.plan.article

    def publish(self, event: dict[str, Any]) -> None:
        # Token counts arrive many a second: keep only the latest of a run of one stage for replay.
        last = self.events[-1] if self.events else None
        if last and last.get("type") == "progress" == event.get("type") and last.get("stage") == event.get("stage"):
            self.events[-1] = event
        else:
            self.events.append(event)
        for queue in self.listeners:
            queue.put_nowait(event)

    def listen(self) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        for event in self.events:
            queue.put_nowait(event)
        self.listeners.add(queue)
        return queue

    def view(self) -> dict[str, Any]:
        progress = next((e for e in reversed(self.events) if e.get("type") == "progress"), None)
        return {
            "id": self.id,
            "state": self.state,
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "progress": progress,
            "error": self.error,
            "brief": self.brief,
        }


def _status_of(error: BaseException) -> int:
    if isinstance(error, DeadlineExceeded | TimeoutError):
        return 504
    if isinstance(error, InputError):
        return 422
    return 502  # the model or endpoint failed


class JobQueue:
    def __init__(self, run: Runner, *, workers: int, depth: int, deadline: float, keep: int = 256) -> None:
        self.run = run
        self.workers = workers
        self.capacity = workers + depth
        self.deadline = deadline
        self.keep = keep
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self.closing = False
        self._waiting: asyncio.Queue[Job] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._running: set[Job] = set()
        self._pending = 0
        self._seconds: list[float] = []  # recent brief durations, for Retry-After
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None

    # -- admission ---------------------------------------------------------------------------------
    @property
    def pending(self) -> int:
        """Jobs admitted and not yet settled: waiting plus running."""
        return self._pending

    def retry_after(self) -> int:
        """Seconds until a slot is likely free: the typical brief time times the briefs ahead, per worker."""
        typical = sorted(self._seconds)[len(self._seconds) // 2] if self._seconds else 5.0
        ahead = max(1, self._pending - self.workers + 1)
        return max(1, math.ceil(typical * ahead / self.workers))

    def check_room(self) -> None:
        if self.closing:
            raise QueueFull(self.retry_after())
        if self._pending >= self.capacity:
            raise QueueFull(self.retry_after())

    def submit(self, prepared: Prepared) -> Job:
        self.check_room()
        job = Job(id=secrets.token_hex(12), prepared=prepared)
        self._pending += 1
        self.jobs[job.id] = job
        self._forget_old()
        job.publish({"type": "state", "state": "queued", "ahead": max(0, self._pending - 1)})
        self._waiting.put_nowait(job)
        return job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def _forget_old(self) -> None:
        finished = [j for j in self.jobs.values() if j.state in ("done", "failed")]
        for job in finished[: max(0, len(finished) - self.keep)]:
            self.jobs.pop(job.id, None)

    # -- progress from the one shared Summarizer -----------------------------------------------------
    def progress(self, event: Progress) -> None:
        """``Summarizer(on_progress=...)``: route an event to the job it belongs to."""
        job = _current.get()
        if job is None and len(self._running) == 1:
            # The embedded model counts tokens on its own thread, outside the job's context; it runs
            # one brief at a time, so the one running job is the one.
            job = next(iter(self._running))
        if job is None or self._loop is None:
            return
        data = {"type": "progress", **event.as_dict()}
        if threading.get_ident() == self._loop_thread:
            job.publish(data)
        else:
            self._loop.call_soon_threadsafe(job.publish, data)

    # -- running -----------------------------------------------------------------------------------
    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._tasks = [asyncio.create_task(self._work(), name=f"brief-worker-{i}") for i in range(self.workers)]

    async def _work(self) -> None:
        while True:
            job = await self._waiting.get()
            if job.state != "queued":
                continue  # failed while waiting (shutdown)
            await self._run(job)

    async def _run(self, job: Job) -> None:
        left = self.deadline - (time.time() - job.created)
        job.state, job.started = "running", time.time()
        self._running.add(job)
        job.publish({"type": "state", "state": "running"})
        token = _current.set(job)
        try:
            if left <= 0:
                raise TimeoutError
            job.brief = await asyncio.wait_for(self.run(job.prepared), timeout=left)
        except TimeoutError:
            self._settle(job, f"the brief took longer than the {self.deadline:g} s deadline", 504)
        except BriefError as error:
            self._settle(job, str(error), _status_of(error))
        except asyncio.CancelledError:
            self._settle(job, "the server is shutting down: try again later", 503)
            raise
        except Exception as error:  # noqa: BLE001 - one job's bug must not take the worker down
            self._settle(job, f"unexpected error ({type(error).__name__})", 500)
        else:
            self._seconds = [*self._seconds[-49:], time.time() - (job.started or job.created)]
            self._settle(job, None, 200)
        finally:
            _current.reset(token)
            self._running.discard(job)

    def _settle(self, job: Job, error: str | None, status: int) -> None:
        if job.state in ("done", "failed"):
            return
        job.state = "done" if error is None else "failed"
        job.error, job.status, job.finished = error, status, time.time()
        self._pending -= 1
        job.publish({"type": job.state, "state": job.state, "error": error, "status": status})
        job.settled.set()

    async def shutdown(self, grace: float) -> None:
        """Take no more work; fail what waits; let running briefs finish for ``grace`` s, then fail them."""
        self.closing = True
        for job in list(self.jobs.values()):
            if job.state == "queued":
                self._settle(job, "the server is shutting down: try again later", 503)
        running = [j.settled.wait() for j in self._running]
        if running:
            await asyncio.wait([asyncio.ensure_future(w) for w in running], timeout=grace)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


__all__ = ["Job", "JobQueue", "QueueFull", "State"]
