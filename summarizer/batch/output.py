"""Where a batch's results go: one JSON line per brief, one per failure, each on disk at once.

A brief is appended and flushed the moment it is done, so Ctrl-C or a kill loses none that
finished (fsync follows within milliseconds, off the event loop, for power cuts).
A kill can leave half a last line: it is cut off when the file is opened again, and that
article is simply briefed again.

Brief lines: ``{"source": ..., "content_hash": "sha256:…", "cached": false, "brief": {...}}``
Failure lines: ``{"source": ..., "content_hash": ..., "error": "InputError", "reason": ..., "exit_code": 2}``
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from .runner import BatchResult


def failures_path_for(output: Path) -> Path:
    """``briefs.jsonl`` → ``briefs.failed.jsonl``, beside it."""
    stem = output.name[: -len(".jsonl")] if output.name.endswith(".jsonl") else output.name
    return output.with_name(f"{stem}.failed.jsonl")


def _lock(handle: IO[Any], path: Path) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory lock, one writer by convention
        return
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise InputError(f"{path}: another batch is writing to this file") from None


def read_records(path: Path, *, repair: bool = False) -> list[dict[str, Any]]:
    """Every complete record in a JSONL file; with ``repair``, a half-written last line is cut off."""
    if not path.exists():
        return []
    records: list[dict[str, Any]] = []
    offset = 0
    with path.open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break  # a kill mid-write: this article was not finished
            offset += len(line)
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                records.append(record)
    if repair and offset < path.stat().st_size:
        with path.open("rb+") as handle:
            handle.truncate(offset)
    return records


class JsonlWriter:
    """Appends one JSON object a line, handed to the OS before ``write_line`` returns.

    A flushed line survives Ctrl-C and a kill. Surviving a power cut needs an fsync, which
    costs milliseconds (4 ms here) and would stall the event loop once a brief: a background
    thread fsyncs whatever was written since its last sync (group commit), and ``close``
    syncs the rest.
    """

    def __init__(self, path: Path, *, fsync: bool = True, truncate: bool = False) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("w" if truncate else "a", encoding="utf-8")
        _lock(self._handle, path)
        self._dirty = threading.Event()
        self._closing = False
        self._syncer: threading.Thread | None = None
        if fsync:
            self._syncer = threading.Thread(target=self._sync_loop, name=f"fsync {path.name}", daemon=True)
            self._syncer.start()

    def _sync_loop(self) -> None:
        while True:
            self._dirty.wait()
            self._dirty.clear()
            if self._closing:
                return
            try:
                os.fsync(self._handle.fileno())
            except (OSError, ValueError):  # closed under us: close() syncs itself
                return

    def write_line(self, line: str) -> None:
        self._handle.write(line + "\n")
        self._handle.flush()
        self._dirty.set()

    def close(self) -> None:
        if self._handle.closed:
            return
        if self._syncer is not None:
            self._closing = True
            self._dirty.set()
            self._syncer.join()
            os.fsync(self._handle.fileno())
        self._handle.close()


class BriefLog:
    """The output JSONL: what is done (for resuming) and appending what finishes."""

    def __init__(self, path: Path, *, fsync: bool = True) -> None:
        self.path = path
        self.fsync = fsync
        self._writer: JsonlWriter | None = None

    def done(self) -> set[tuple[str, str]]:
        """``(source, content_hash)`` of every brief already written; repairs a half-written tail."""
        return {
            (str(r.get("source")), str(r.get("content_hash")))
            for r in read_records(self.path, repair=True)
            if r.get("brief") is not None
        }

    def open(self) -> None:
        """Start appending (and hold the file's lock, so two batches never write one file)."""
        if self._writer is None:
            self._writer = JsonlWriter(self.path, fsync=self.fsync)

    def append(self, result: BatchResult) -> None:
        assert result.brief is not None
        self.open()
        assert self._writer is not None
        head = json.dumps({"source": result.source, "content_hash": result.content_hash, "cached": result.cached},
                          ensure_ascii=False)
        # The brief is serialised once, by pydantic, and spliced in.
        self._writer.write_line(f'{head[:-1]}, "brief": {result.brief.model_dump_json()}}}')

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


class FailureLog:
    """``*.failed.jsonl``: this run's failures with their reasons. A rerun retries them all."""

    def __init__(self, path: Path, *, fsync: bool = True) -> None:
        self.path = path
        self.previous = read_records(path)  # what the last run could not do, retried now
        self._writer = JsonlWriter(path, fsync=fsync, truncate=True)

    def append(self, result: BatchResult) -> None:
        error = result.error
        record = {
            "source": result.source,
            "content_hash": result.content_hash,
            "error": type(error).__name__,
            "reason": str(error),
            "exit_code": getattr(error, "exit_code", 1),
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        self._writer.write_line(json.dumps(record, ensure_ascii=False))

    def close(self) -> None:
        self._writer.close()
