"""A pool of OpenAI-compatible endpoints behind one transport: spread, capped per endpoint, rested when failing.

``EndpointPool`` has the ``Transport`` shape, so it goes in at the public seam and everything above it
(instructor, the one retry loop in ``retry.py``, grounding) is unchanged::

    pool = EndpointPool.from_urls(settings, ["http://gpu-1:8000/v1", "http://gpu-2:8000/v1"], per_endpoint=16)
    with Summarizer(settings, transport=pool) as s:
        brief = s.summarize(text)

Each call goes to the healthy endpoint with the fewest requests in flight (ties: the one that has served
fewest), waiting for a free slot when every endpoint is at ``per_endpoint``. An endpoint whose last
``rest_after`` calls failed with a transient error (timeout, dropped connection, 429, 5xx) rests for
``rest_seconds``, doubling on each rest in a row up to ``max_rest``; once rested, one failure sends it
back to rest and one success makes it healthy again. The pool never retries a call itself: the retry
loop above it does, and its next try lands on a healthy endpoint. A call that fails for its own reasons
(400, a bad request) says nothing about the endpoint and does not count against it.

Rate limits (``rpm``/``tpm``) are per endpoint, as ``brief batch --rpm/--tpm`` are today.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..batch.limits import EndpointLimits, limits_for
from ..batch.metering import estimate_request_tokens
from ..errors import InputError
from ..settings import Settings
from .retry import is_transient
from .transport import EndpointTransport, Transport


@dataclass
class Member:
    """One endpoint of a pool and what the pool knows of it."""

    transport: Transport
    limits: EndpointLimits | None = None
    in_flight: int = 0
    served: int = 0  # calls answered
    failed: int = 0  # calls that failed with a transient error
    streak: int = 0  # transient failures in a row
    rests: int = 0  # rests in a row (each one twice as long)
    rested_until: float = 0.0

    @property
    def label(self) -> str:
        return self.transport.label


@dataclass
class EndpointPool:
    """Several endpoints serving one model, as one transport (see the module docstring)."""

    transports: Sequence[Transport]
    per_endpoint: int = 8
    rpm: float | None = None
    tpm: float | None = None
    rest_after: int = 3
    rest_seconds: float = 30.0
    max_rest: float = 300.0
    clock: Callable[[], float] = time.monotonic
    members: list[Member] = field(init=False)
    label: str = field(init=False)
    model: str = field(init=False)

    def __post_init__(self) -> None:
        if not self.transports:
            raise InputError("an endpoint pool needs at least one endpoint")
        if self.per_endpoint < 1:
            raise InputError("the requests in flight per endpoint must be at least 1")
        self.members = [Member(t, limits_for(t.label, self.rpm, self.tpm)) for t in self.transports]
        self.label = "+".join(m.label for m in self.members)
        self.model = self.transports[0].model
        self._freed: asyncio.Condition | None = None

    @classmethod
    def from_urls(cls, settings: Settings, urls: Sequence[str | None], **options: Any) -> EndpointPool:
        """One ``EndpointTransport`` per URL (None: the hosted API), each with ``settings``' key, model, timeouts."""
        return cls([EndpointTransport(replace(settings, base_url=url, gguf=None)) for url in urls], **options)

    # -- choosing -------------------------------------------------------------------------------
    def resting(self, member: Member) -> bool:
        return self.clock() < member.rested_until

    def pick(self) -> Member | None:
        """The endpoint for the next call, or None when every healthy one is at its cap.

        When every endpoint rests, the one whose rest ends first is tried early rather than
        holding the call: its failure (or success) is then the caller's answer.
        """
        healthy = [m for m in self.members if not self.resting(m)]
        if not healthy:
            return min(self.members, key=lambda m: (m.rested_until, m.in_flight))
        free = [m for m in healthy if m.in_flight < self.per_endpoint]
        if not free:
            return None
        return min(free, key=lambda m: (m.in_flight, m.served + m.failed))

    # -- health ---------------------------------------------------------------------------------
    def succeeded(self, member: Member) -> None:
        member.served += 1
        member.streak = 0
        member.rests = 0
        member.rested_until = 0.0

    def failed(self, member: Member, error: BaseException) -> None:
        if not is_transient(error):
            return  # the request's own fault (400, 401…): the endpoint is fine
        member.failed += 1
        member.streak += 1
        # Back from a rest, one failure sends it back (the streak was not reset by the rest).
        if member.streak >= self.rest_after:
            rest = min(self.max_rest, self.rest_seconds * 2**member.rests)
            member.rests += 1
            member.rested_until = self.clock() + rest

    # -- the Transport shape --------------------------------------------------------------------
    def create(self, **kwargs: Any) -> Any:
        member = self.pick() or min(self.members, key=lambda m: m.in_flight)
        member.in_flight += 1
        try:
            completion = member.transport.create(**kwargs)
        except Exception as error:
            self.failed(member, error)
            raise
        finally:
            member.in_flight -= 1
        self.succeeded(member)
        return completion

    async def acreate(self, **kwargs: Any) -> Any:
        member = await self._acquire()
        try:
            estimate = estimate_request_tokens(kwargs) if member.limits is not None else 0
            if member.limits is not None:
                await member.limits.before_call(estimate)
            completion = await member.transport.acreate(**kwargs)
        except Exception as error:
            self.failed(member, error)
            raise
        finally:
            await self._release(member)
        if member.limits is not None:
            usage = getattr(completion, "usage", None)
            used = int(getattr(usage, "prompt_tokens", 0) or 0) + int(getattr(usage, "completion_tokens", 0) or 0)
            member.limits.after_call(estimate, used)
        self.succeeded(member)
        return completion

    async def _acquire(self) -> Member:
        if self._freed is None:
            self._freed = asyncio.Condition()
        async with self._freed:
            while (member := self.pick()) is None:
                await self._freed.wait()
            member.in_flight += 1
            return member

    async def _release(self, member: Member) -> None:
        member.in_flight -= 1
        if self._freed is not None:
            async with self._freed:
                self._freed.notify()

    def stats(self) -> list[dict[str, Any]]:
        """Per endpoint: label, calls served and failed, and whether it rests now (for logs and benches)."""
        return [
            {"endpoint": m.label, "served": m.served, "failed": m.failed, "resting": self.resting(m)}
            for m in self.members
        ]

    def close(self) -> None:
        for member in self.members:
            close = getattr(member.transport, "close", None)
            if callable(close):
                close()

    async def aclose(self) -> None:
        for member in self.members:
            aclose = getattr(member.transport, "aclose", None)
            if callable(aclose):
                await aclose()


def parse_endpoints(value: str) -> list[str]:
    """``URL1,URL2`` or a file with one URL a line (``#`` comments and blank lines skipped)."""
    from pathlib import Path

    text = value.strip()
    if not text:
        raise InputError("--endpoints is empty: give URL1,URL2 or a file with one URL a line")
    path = Path(text).expanduser()
    if "://" not in text and path.is_file():
        lines = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
        urls = [line for line in lines if line]
    else:
        urls = [part.strip() for part in text.split(",") if part.strip()]
    bad = [url for url in urls if not url.startswith(("http://", "https://"))]
    if bad or not urls:
        shown = bad[0].split("@")[-1] if bad else text
        raise InputError(f"--endpoints: not an http(s) URL: {shown!r}")
    return urls


__all__ = ["EndpointPool", "Member", "parse_endpoints"]
