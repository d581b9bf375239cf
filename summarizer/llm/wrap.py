"""Middleware for transports: a wrapper forwards everything it does not change to the transport inside.

Metering and pacing (``batch/metering.py``), Batch API answers (``batch/openai_batch.py``) and
endpoint pools are wrappers; ``Summarizer(middleware=[...])`` applies them. ``innermost`` finds the
transport at the bottom (e.g. the embedded model, to give it a prompt cache).
"""

from __future__ import annotations

from typing import Any, TypeVar

from .transport import Transport

T = TypeVar("T")


class TransportWrapper:
    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.label = inner.label
        self.model = inner.model

    def create(self, **kwargs: Any) -> Any:
        return self.inner.create(**kwargs)

    async def acreate(self, **kwargs: Any) -> Any:
        return await self.inner.acreate(**kwargs)

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if callable(close):
            close()

    async def aclose(self) -> None:
        aclose = getattr(self.inner, "aclose", None)
        if callable(aclose):
            await aclose()


def layer(transport: Transport, kind: type[T]) -> T | None:
    """The wrapper of type ``kind`` in a stack of middleware, outermost first; None when there is none."""
    while True:
        if isinstance(transport, kind):
            return transport
        if not isinstance(transport, TransportWrapper):
            return None
        transport = transport.inner


def innermost(transport: Transport) -> Transport:
    while isinstance(transport, TransportWrapper):
        transport = transport.inner
    return transport


__all__ = ["TransportWrapper", "innermost", "layer"]
