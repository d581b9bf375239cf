"""Counting and pacing every model call of a batch, failed attempts and re-asks included.

``MeteredTransport`` wraps whatever transport a ``Summarizer`` made (endpoint or embedded) and
has the same shape, so instructor, retries and the ledger above it are unchanged.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from ..llm.transport import Transport
from ..llm.wrap import TransportWrapper
from .limits import EndpointLimits, Pacer


@dataclass
class Meter:
    """What a batch spent: HTTP calls that returned, and their tokens."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def record(self, completion: Any) -> int:
        usage = getattr(completion, "usage", None)
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        self.calls += 1
        self.prompt_tokens += prompt
        self.completion_tokens += completion_tokens
        return prompt + completion_tokens


def estimate_request_tokens(kwargs: dict[str, Any]) -> int:
    """A cheap upper-ish guess of a request's prompt tokens (about four characters a token)."""
    size = sum(len(str(m.get("content") or "")) for m in kwargs.get("messages", []))
    if kwargs.get("tools"):
        size += len(json.dumps(kwargs["tools"]))
    return max(1, size // 4)


class MeteredTransport(TransportWrapper):
    """A transport that waits for its endpoint's rate limits, then counts what each call used."""

    def __init__(self, inner: Transport, meter: Meter, limits: EndpointLimits | None = None) -> None:
        super().__init__(inner)
        self.meter = meter
        self.limits = limits
        self._slots: asyncio.Semaphore | None = None
        self._pacer: Pacer | None = None

    def cap_in_flight(self, requests: int, pacer: Pacer | None = None) -> None:
        """At most ``requests`` async calls waiting on the endpoint at once (``--concurrency``),
        their starts spaced by ``pacer`` when given."""
        self._slots = asyncio.Semaphore(max(1, requests))
        self._pacer = pacer

    def create(self, **kwargs: Any) -> Any:
        completion = self.inner.create(**kwargs)
        self.meter.record(completion)
        return completion

    async def acreate(self, **kwargs: Any) -> Any:
        if self._slots is None:
            return await self._acreate(**kwargs)
        async with self._slots:
            if self._pacer is not None:
                await self._pacer.before_call()
            completion = await self._acreate(**kwargs)
        if self._pacer is not None:
            self._pacer.answered()
        # Let a request waiting for the freed slot go out before this answer is parsed and checked.
        await asyncio.sleep(0)
        return completion

    async def _acreate(self, **kwargs: Any) -> Any:
        estimate = estimate_request_tokens(kwargs) if self.limits is not None else 0
        if self.limits is not None:
            await self.limits.before_call(estimate)
        completion = await self.inner.acreate(**kwargs)
        used = self.meter.record(completion)
        if self.limits is not None:
            self.limits.after_call(estimate, used)
        return completion
