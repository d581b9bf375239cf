"""A small bot loop: hand each new article file in a directory to a callback, once.

"Handled" is remembered by content hash (with the path for people reading the state file) in a
JSON state file that is replaced atomically, so a restart neither repeats nor loses work. A
file whose handler raised is recorded as failed and retried on the next pass; only success
marks it done. Delivery is at least once: a crash between a successful handle and the state
write repeats that one file on restart.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})
STATE_VERSION = 1
_ERROR_CAP = 300


class WatchStateError(Exception):
    """The state file exists but cannot be read; starting afresh would repost every article."""


@dataclass
class WatchReport:
    """What one pass did."""

    handled: list[Path] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # failed too often; see ``max_failures``


def watch(
    directory: str | os.PathLike[str],
    handle: Callable[[Path], object],
    *,
    state_path: str | os.PathLike[str],
    poll_seconds: float = 2.0,
    once: bool = False,
    max_failures: int | None = 5,
    settle_seconds: float = 0.0,
    sleep: Callable[[float], None] = time.sleep,
) -> WatchReport:
    """Call ``handle(path)`` for each new ``.txt``/``.md``/``.html`` file in ``directory``.

    >>> watch("inbox", lambda p: post_brief(summarise(p), url), state_path="inbox.state.json",
    ...       once=True)  # doctest: +SKIP
    WatchReport(handled=[PosixPath('inbox/a.txt')], failed=[], skipped=[])

    Only the top level of ``directory`` is read, so moving handled files into a subfolder is
    safe. A file is new while its content hash has not been handled, so an edited article is
    handled again and a renamed one is not. A file that failed ``max_failures`` times is left
    alone until its content changes (``None``: retry for ever). ``settle_seconds`` skips files
    modified more recently than that, for writers that do not write atomically. With
    ``once=True`` one pass is made and its report returned; otherwise passes repeat every
    ``poll_seconds`` until interrupted.
    """
    folder = Path(directory)
    state_file = Path(state_path)
    while True:
        report = _one_pass(folder, handle, state_file, max_failures, settle_seconds)
        if once:
            return report
        sleep(poll_seconds)


def _one_pass(
    folder: Path,
    handle: Callable[[Path], object],
    state_file: Path,
    max_failures: int | None,
    settle_seconds: float,
) -> WatchReport:
    state = load_state(state_file)
    report = WatchReport()
    for path in _articles(folder, settle_seconds):
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:  # removed or unreadable since listed: look again next pass
            log.debug("cannot read %s: %s", path.name, exc)
            continue
        if digest in state["done"]:
            continue
        failure = state["failed"].get(path.name)
        same_content = failure is not None and failure["sha256"] == digest
        attempts = failure["attempts"] if failure is not None and same_content else 0
        if max_failures is not None and attempts >= max_failures:
            report.skipped.append(path)
            continue
        try:
            handle(path)
        except Exception as exc:  # noqa: BLE001 - any handler error is this file's failure, not the loop's
            log.warning("handling %s failed (attempt %d): %s", path.name, attempts + 1, type(exc).__name__)
            state["failed"][path.name] = {
                "sha256": digest,
                "attempts": attempts + 1,
                "error": f"{type(exc).__name__}: {exc}"[:_ERROR_CAP],
                "at": _now(),
            }
            report.failed.append(path)
        else:
            state["done"][digest] = {"path": path.name, "at": _now()}
            state["failed"].pop(path.name, None)
            report.handled.append(path)
        # Saved after every file, so a crash repeats at most the file in hand.
        save_state(state_file, state)
    return report


def _articles(folder: Path, settle_seconds: float) -> list[Path]:
    now = time.time()
    found = []
    for path in folder.iterdir():
        # Dot files and editor backups are work in progress, not articles.
        if path.name.startswith(".") or path.name.endswith("~"):
            continue
        if path.suffix.lower() not in ARTICLE_SUFFIXES:
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        if path.is_file() and now - stat.st_mtime >= settle_seconds:
            found.append((stat.st_mtime, path.name, path))
    return [path for _, _, path in sorted(found)]  # oldest first, as a newsroom reads them


def load_state(state_file: Path) -> dict[str, Any]:
    if not state_file.exists():
        return {"version": STATE_VERSION, "done": {}, "failed": {}}
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WatchStateError(f"cannot read watch state {state_file}: {exc}") from exc
    if not (
        isinstance(state, dict)
        and isinstance(state.get("done"), dict)
        and isinstance(state.get("failed"), dict)
    ):
        raise WatchStateError(f"watch state {state_file} is not a brief watch state file")
    return state


def save_state(state_file: Path, state: dict[str, Any]) -> None:
    """Write to a temporary file beside the target, then rename: readers never see half a file."""
    state_file.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=state_file.parent, prefix=f".{state_file.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(state, out, indent=2, sort_keys=True, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, state_file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
