"""The callable class ``ray.data.Dataset.map_batches`` runs on each actor: one ``Summarizer``, one event loop.

Ray constructs it once per actor and calls it with one batch of rows at a time::

    ds.map_batches(BriefWorker, fn_constructor_kwargs={"settings": settings, "concurrency": 16},
                   batch_size=64, batch_format="pyarrow", concurrency=4)

Inside, it is the same engine as ``brief batch`` (``batch.runner.Engine``): ``concurrency`` briefs in
flight against the endpoint (or the endpoint pool), the CPU steps on the lane, the same grounding and
validation as every other path. Rows whose key the output already holds are dropped (``done``); every
other row comes back as exactly one row out, a brief or an error. Nothing here imports Ray: the class
is a plain callable, so a test or another engine can drive it too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..batch.inputs import Item
from ..batch.runner import Engine, effective_concurrency
from ..lane import off_loop, prompt_handoffs
from ..llm.pool import EndpointPool
from ..settings import Settings
from .rows import Loaded, output_row, output_schema, read_row


class BriefWorker:
    """Rows in, rows out (see ``rows.py``); one per Ray actor, reused for every batch it is given.

    ``endpoints``: URLs of OpenAI-compatible servers for one ``EndpointPool`` (``per_endpoint`` requests
    in flight on each, ``rpm``/``tpm`` each); without them, ``settings``' endpoint (or the embedded model).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        endpoints: Sequence[str] = (),
        concurrency: int = 8,
        per_endpoint: int | None = None,
        rpm: float | None = None,
        tpm: float | None = None,
        published: str | None = None,
        done: Collection[str] = frozenset(),
        run: str = "",
    ) -> None:
        from ..pipeline import Summarizer

        if endpoints:  # settings then say an endpoint is used (concurrency, pacing), whatever the environment said
            settings = replace(settings, base_url=endpoints[0], gguf=None)
        self.settings = settings
        self.published = published
        self.done = frozenset(done)
        self.run = run
        transport: EndpointPool | None = None
        if endpoints or (settings.uses_endpoint and (rpm or tpm)):
            urls = list(endpoints) or [settings.base_url]
            per = per_endpoint or concurrency
            transport = EndpointPool.from_urls(settings, urls, per_endpoint=per, rpm=rpm, tpm=tpm)
        self.pool = transport
        self.summarizer = Summarizer(settings, transport=transport)
        self.engine = Engine(self.summarizer, effective_concurrency(settings, concurrency))
        # One loop for the actor's life: the HTTP clients' connections stay open between batches.
        self.runner = asyncio.Runner()

    def __call__(self, batch: Any) -> Any:
        """A ``pyarrow.Table`` (or a dict of columns) in, a ``pyarrow.Table`` of rows out."""
        import pyarrow as pa

        rows = batch.to_pylist() if hasattr(batch, "to_pylist") else _dict_rows(batch)
        out = self.brief_rows(rows)
        return pa.Table.from_pylist(out, schema=output_schema())

    def brief_rows(self, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Brief every row not done yet: one row out per row in, in the order they finish."""
        with prompt_handoffs():
            return self.runner.run(self._brief(rows))

    async def _brief(self, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        loaded = await off_loop(self._read_all, rows)
        out: list[dict[str, Any]] = []
        todo: list[Loaded] = []
        for row in loaded:
            if row.key is not None and row.key in self.done:
                continue  # already in the output dataset: exactly once across reruns
            if row.error is not None:
                out.append(output_row(row, self.settings, self.run))
            else:
                todo.append(row)
        days = {row.source: row.published for row in todo}  # each row's own date, else the job's
        self.engine.published = days.get
        items = (Item(index, row.source, text=row.text) for index, row in enumerate(todo))
        async for result in self.engine.run(items):
            row = todo[result.index]
            out.append(
                output_row(row, self.settings, self.run, brief=result.brief, error=result.error, seconds=result.seconds)
            )
        return out

    def _read_all(self, rows: Iterable[Mapping[str, Any]]) -> list[Loaded]:
        return [read_row(row, index, self.settings, self.published) for index, row in enumerate(rows)]

    def close(self) -> None:
        self.runner.run(self.summarizer.aclose())
        self.runner.close()


def _dict_rows(batch: Mapping[str, Any]) -> list[dict[str, Any]]:
    columns = {name: list(values) for name, values in batch.items()}
    count = len(next(iter(columns.values()), []))
    return [{name: values[i] for name, values in columns.items()} for i in range(count)]


__all__ = ["BriefWorker"]
