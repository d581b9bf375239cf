"""The output dataset: what a distributed batch has done (for resuming) and where its rows are written.

On one machine ``brief batch`` keeps a SQLite cache; a cluster has no shared disk for it, so the
output dataset itself is the record of done work. A rerun reads the ``key`` column (rows.py) and
skips every row whose key already *settles* there (a brief, or input that can never brief); a model
failure is tried again. Two layouts, picked by the name:

* ``briefs.jsonl`` — one JSON line per row, appended and flushed as rows arrive (``batch.output``'s
  writer: the same lock and fsync). A kill can leave half a last line: it is cut off on the next run.
* ``briefs.parquet`` — a folder of parts, ``part-<run>-<n>.parquet``. Each part is written under a
  hidden name and renamed when complete, so a reader (pandas, pyarrow, Spark, DuckDB) never sees half
  a part; a killed driver loses only the rows of the part it had not renamed yet, and those are
  simply briefed again.

Only the driver writes (one writer per output, so no two runs can claim a row), and it writes each
row Ray hands it once: that, plus the keys, is "exactly once" across worker deaths and restarts.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Literal

from ..batch.output import JsonlWriter, read_records
from ..errors import InputError
from .rows import OUTPUT_COLUMNS, output_schema, settles

Layout = Literal["jsonl", "parquet"]
PART_ROWS = 1000  # rows per Parquet part: small enough that a kill loses little, big enough for readers
PART_SECONDS = 30.0  # ...or a part at least this often, so a slow job shows progress on disk


def layout_of(path: Path) -> Layout:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return "jsonl"
    if suffix == ".parquet":
        return "parquet"
    raise InputError(f"{path}: the output must end in .jsonl (one file) or .parquet (a folder of parts)")


class OutputDataset:
    """Read what is done; write rows as they arrive. ``layout`` follows the file name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.layout = layout_of(path)
        if self.layout == "parquet" and path.exists() and not path.is_dir():
            raise InputError(f"{path}: exists and is not a folder (a .parquet output is a folder of parts)")
        if self.layout == "jsonl" and path.is_dir():
            raise InputError(f"{path}: is a folder; a .jsonl output is one file")

    def parts(self) -> list[Path]:
        if not self.path.is_dir():
            return []
        return sorted(p for p in self.path.glob("*.parquet") if not p.name.startswith((".", "_")))

    def rows(self, columns: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
        """Every row written so far (only ``columns``, when given)."""
        if self.layout == "jsonl":
            for record in read_records(self.path, repair=True):
                yield {c: record.get(c) for c in columns} if columns else record
            return
        import pyarrow.parquet as pq

        for part in self.parts():
            wanted = [c for c in columns if c in OUTPUT_COLUMNS] if columns else None
            yield from pq.read_table(part, columns=wanted).to_pylist()

    def done_keys(self) -> set[str]:
        """Keys the output already settles: a rerun skips their rows."""
        return {
            str(row["key"])
            for row in self.rows(("key", "brief", "exit_code"))
            if settles(row)
        }

    def writer(self, run: str, *, fsync: bool = True, part_rows: int = PART_ROWS) -> RowWriter:
        if self.layout == "jsonl":
            return JsonlRows(self.path, fsync=fsync)
        return ParquetParts(self.path, run, part_rows=part_rows)


class RowWriter:
    """Takes rows out as the driver receives them; ``close`` makes the last ones durable."""

    def write(self, rows: Sequence[Mapping[str, Any]]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class JsonlRows(RowWriter):
    """One line per row; the brief is spliced in as JSON (not a string inside JSON)."""

    def __init__(self, path: Path, *, fsync: bool = True) -> None:
        read_records(path, repair=True)  # cut off a half line a killed run left, before appending
        self.out = JsonlWriter(path, fsync=fsync)

    def write(self, rows: Sequence[Mapping[str, Any]]) -> None:
        for row in rows:
            brief = row.get("brief")
            head = json.dumps({k: v for k, v in row.items() if k != "brief"}, ensure_ascii=False)
            self.out.write_line(f'{head[:-1]}, "brief": {brief if brief is not None else "null"}}}')

    def close(self) -> None:
        self.out.close()


class ParquetParts(RowWriter):
    """Parts of at most ``PART_ROWS`` rows, each renamed into place only when complete."""

    def __init__(self, folder: Path, run: str, *, part_rows: int = PART_ROWS, part_seconds: float = PART_SECONDS):
        self.folder = folder
        self.run = run
        self.part_rows = part_rows
        self.part_seconds = part_seconds
        self.pending: list[Mapping[str, Any]] = []
        self.written = 0
        self.flushed_at = time.monotonic()
        folder.mkdir(parents=True, exist_ok=True)
        self.lock = _hold_lock(folder / ".lock")
        for stale in folder.glob(".part-*.tmp"):  # a killed run's unfinished part: its rows are redone
            stale.unlink(missing_ok=True)

    def write(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.pending.extend(rows)
        if len(self.pending) >= self.part_rows or time.monotonic() - self.flushed_at >= self.part_seconds:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        name = f"part-{self.run}-{self.written:05d}.parquet"
        hidden = self.folder / f".{name}.tmp"
        pq.write_table(pa.Table.from_pylist(list(self.pending), schema=output_schema()), hidden)
        with hidden.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(hidden, self.folder / name)  # atomic: a reader sees the whole part or none of it
        self.written += 1
        self.pending = []
        self.flushed_at = time.monotonic()

    def close(self) -> None:
        self.flush()
        self.lock.close()


def _hold_lock(path: Path) -> IO[bytes]:
    """An advisory lock held while this run writes: two runs never write (or clean up) one folder."""
    handle = path.open("ab")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: one writer by convention
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise InputError(f"{path.parent}: another batch is writing to this output") from None
    return handle


__all__ = ["JsonlRows", "OutputDataset", "ParquetParts", "RowWriter", "layout_of"]
