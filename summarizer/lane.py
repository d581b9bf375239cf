"""One worker thread for the CPU-bound steps of async briefs, so the event loop stays free for I/O.

Reading an article, detecting its language and grounding the model's answer take ~5 ms of pure
Python each. Run on the event loop, a batch's next requests wait behind every check of the
answers that came in together; run here, they go out while the checks proceed. One thread, not
a pool: the steps hold the GIL, so more threads would only contend for it. Shared by every
``Summarizer`` in the process for the same reason.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")

_lane: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _forget_lane() -> None:
    # A forked child has no lane thread, only the parent's executor object: make a new one there.
    global _lane
    _lane = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_lane)


def _executor() -> ThreadPoolExecutor:
    global _lane
    with _lock:
        if _lane is None:
            _lane = ThreadPoolExecutor(max_workers=1, thread_name_prefix="brief-cpu")
        return _lane


async def off_loop(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` on the CPU lane, awaited from the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_executor(), partial(work, *args))


async def drain() -> None:
    """Wait until the lane has run everything handed to it so far (it runs in order).

    A cancelled ``off_loop`` stops waiting, but a step already running finishes on the lane:
    a batch drains it before closing the files and the cache that step may still be writing.
    """
    await off_loop(_nothing)


def _nothing() -> None:
    return None


@contextmanager
def prompt_handoffs(seconds: float = 0.001) -> Iterator[None]:
    """Make the CPU lane hand the GIL back to the event loop within ``seconds`` (Python's default: 5 ms).

    With the lane busy, every socket send or wake-up of the loop otherwise waits up to 5 ms for the
    GIL, and a batch's requests go out late. Process-wide, so only for the length of a batch run.
    """
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, seconds))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)
