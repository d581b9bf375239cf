"""A small bot loop: brief each new article file in a folder once, and post it at most once.

The folder is an inbox anyone with write access can drop files into, so it is read as a daemon
that distrusts it:

- Only regular files directly in the folder are read, opened without following a symbolic link
  (``O_NOFOLLOW``, relative to the folder's own descriptor): a link to a file outside is refused,
  not briefed, so its content never reaches the endpoint or the channel.
- The size is checked (``lstat``) before anything is read; a file over ``max_bytes`` is refused.
- Each file version is remembered by (inode, size, mtime): a pass looks at a file it has decided on
  without reading it again, so a large inbox costs one ``stat`` per file per pass.
- A file is read only once it has settled: unchanged for ``settle_seconds`` (by its mtime, or
  between passes), so an article still being written is not posted half-written.
- One watcher per folder: a lock file (``flock``) makes a second one exit with a clear message.
- At most once: a marker is saved before each post. A post that may have arrived (no answer after
  sending, or a run that stopped mid-post) is reported and never sent again automatically.
- An article that fails ``max_failures`` times is given up on, visibly, until its content changes.

"Handled" is also remembered by content hash, so a renamed or copied article is not posted again
and an edited one is. The state file is replaced atomically, so a crash never leaves half of it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from summarizer.article import MAX_INPUT_BYTES
from summarizer.errors import EXIT_DELIVERY, EXIT_INPUT, EXIT_MODEL, EXIT_OK, InputError

from .errors import HeldBack, WatchLocked, WatchStateError

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})
STATE_VERSION = 2
STATE_NAME = ".brief-watch.json"
LOCK_NAME = ".brief-watch.lock"
_ERROR_CAP = 300

T = TypeVar("T")

# What a pass decided about a file version. "done" is silent; the rest are reported on every pass
# (they stay in the folder, unresolved) and decide the exit code of a ``--once`` run.
DONE, REFUSED, HELD, GAVE_UP, UNCERTAIN = "done", "refused", "held", "gave-up", "uncertain"


@dataclass(frozen=True)
class InboxFile:
    """A settled article file, read once: what a handler gets."""

    path: Path
    data: bytes
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class WatchEvent:
    """Something a person watching the bot should see: ``kind`` is one of the statuses or "failed"."""

    kind: str
    name: str
    message: str


@dataclass
class WatchReport:
    """What one pass found. Everything but ``handled`` and ``pending`` needs a person."""

    handled: list[Path] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)  # retried on the next pass
    gave_up: list[Path] = field(default_factory=list)  # failed max_failures times; left until changed
    refused: list[Path] = field(default_factory=list)  # not read: a link, not a regular file, too large, bad input
    held: list[Path] = field(default_factory=list)  # --strict held the brief back
    uncertain: list[Path] = field(default_factory=list)  # may have been posted; not sent again
    pending: list[Path] = field(default_factory=list)  # still being written
    failure_codes: list[int] = field(default_factory=list)

    @property
    def skipped(self) -> list[Path]:
        """Given up on (the name earlier versions used)."""
        return self.gave_up

    def exit_code(self) -> int:
        """0 when nothing needs a person; else the most pressing exit code (see README, "Exit codes").

        Not delivered (a failed, uncertain or held-back post) is 3; a brief that failed or was given
        up on is 1; a refused file is 2.
        """
        if self.held or self.uncertain or EXIT_DELIVERY in self.failure_codes:
            return EXIT_DELIVERY
        if self.failed or self.gave_up:
            return EXIT_MODEL
        if self.refused:
            return EXIT_INPUT
        return EXIT_OK


def watch(
    directory: str | os.PathLike[str],
    handle: Callable[[InboxFile], T],
    *,
    deliver: Callable[[InboxFile, T], object] | None = None,
    state_path: str | os.PathLike[str] | None = None,
    poll_seconds: float = 2.0,
    once: bool = False,
    max_failures: int | None = 5,
    settle_seconds: float = 0.0,
    max_bytes: int = MAX_INPUT_BYTES,
    on_event: Callable[[WatchEvent], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> WatchReport:
    """Hand each new settled ``.txt``/``.md``/``.html`` file in ``directory`` to ``handle``, then ``deliver``.

    >>> watch("inbox", write_brief, deliver=post_it, once=True)  # doctest: +SKIP
    WatchReport(handled=[PosixPath('inbox/a.txt')], ...)

    ``handle(item)`` does the slow work (the brief) and may raise: :class:`HeldBack` holds the file
    back, an ``InputError`` refuses it, anything else is a failure retried on the next pass.
    ``deliver(item, result)`` posts; a delivery that failed is retried on the next pass with the
    same result (no second brief), unless it may have arrived. Only the top level of ``directory``
    is read, so moving handled files into a subfolder is safe. With ``once=True`` one pass is made
    and its report returned; otherwise passes repeat every ``poll_seconds`` until interrupted.
    """
    folder = Path(directory)
    state_file = Path(state_path) if state_path is not None else folder / STATE_NAME
    with folder_lock(folder):
        pass_ = _Watcher(folder, handle, deliver, state_file, max_failures, settle_seconds, max_bytes, on_event)
        while True:
            report = pass_.run()
            if once:
                return report
            sleep(poll_seconds)


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder/.brief-watch.lock`` for the life of a watch; a second watcher gets :class:`WatchLocked`."""
    import fcntl

    lock_path = folder / LOCK_NAME
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise WatchLocked(f"{lock_path}: cannot create the watch lock ({exc.strerror or exc})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "another process"
            raise WatchLocked(
                f"{folder}: another brief watch (pid {holder}) is already watching this folder; "
                "two would post every article twice"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


class _Watcher(Generic[T]):
    """One watch's memory between passes: the state file's contents and what was seen when."""

    def __init__(
        self,
        folder: Path,
        handle: Callable[[InboxFile], T],
        deliver: Callable[[InboxFile, T], object] | None,
        state_file: Path,
        max_failures: int | None,
        settle_seconds: float,
        max_bytes: int,
        on_event: Callable[[WatchEvent], None] | None,
    ) -> None:
        self.folder = folder
        self.handle = handle
        self.deliver = deliver
        self.state_file = state_file
        self.max_failures = max_failures
        self.settle_seconds = settle_seconds
        self.max_bytes = max_bytes
        self.on_event = on_event or (lambda _event: None)
        self.state = load_state(state_file)
        self.observed: dict[str, tuple[str, float]] = {}  # name -> (signature, monotonic time first seen)
        self.briefed: dict[str, T] = {}  # sha256 -> a result whose delivery failed, for the next pass
        self.said: set[tuple[str, str]] = set()
        self._recover_interrupted_post()

    # --- one pass -------------------------------------------------------------------------------

    def run(self) -> WatchReport:
        report = WatchReport()
        try:
            dir_fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as exc:
            raise InputError(f"{self.folder}: cannot open the folder ({exc.strerror or exc})") from None
        try:
            for name, info in _candidates(dir_fd):
                self._one(dir_fd, name, info, report)
        finally:
            os.close(dir_fd)
        return report

    def _one(self, dir_fd: int, name: str, info: os.stat_result, report: WatchReport) -> None:
        path = self.folder / name
        sig = signature(info)
        known = self.state["seen"].get(sig)
        if known is not None:
            self._report_known(path, sig, known, report)
            return
        if stat.S_ISLNK(info.st_mode):
            self._refuse(path, sig, "a symbolic link: only regular files in the folder are read", report)
        elif stat.S_ISDIR(info.st_mode):
            return  # subfolders are where handled files are moved
        elif not stat.S_ISREG(info.st_mode):
            self._refuse(path, sig, "not a regular file (a pipe, socket or device)", report)
        elif info.st_size > self.max_bytes:
            self._refuse(
                path,
                sig,
                f"{info.st_size:,} bytes is over the {self.max_bytes:,}-byte limit (BRIEF_MAX_INPUT_BYTES); not read",
                report,
            )
        elif not self._settled(name, sig, info):
            report.pending.append(path)
        else:
            data = read_regular(dir_fd, name, info, self.max_bytes)
            if data is None:  # it changed (or went) between the listing and the read: next pass
                report.pending.append(path)
                return
            self._article(InboxFile(path, data, hashlib.sha256(data).hexdigest()), sig, report)

    def _settled(self, name: str, sig: str, info: os.stat_result) -> bool:
        if self.settle_seconds <= 0:
            return True
        now = time.monotonic()
        previous = self.observed.get(name)
        if previous is None or previous[0] != sig:
            self.observed[name] = (sig, now)
            previous = self.observed[name]
        quiet_since_mtime = time.time() - info.st_mtime >= self.settle_seconds
        quiet_between_passes = now - previous[1] >= self.settle_seconds  # mtimes in the future (clock skew)
        return quiet_since_mtime or quiet_between_passes

    def _article(self, item: InboxFile, sig: str, report: WatchReport) -> None:
        state = self.state
        done = state["done"].get(item.sha256)
        if done is not None:  # the same article under another name, or a copy
            self._remember(sig, item, UNCERTAIN if done.get("uncertain") else DONE, "")
            if done.get("uncertain"):
                self._report_known(item.path, sig, state["seen"][sig], report)
            return
        failure = state["failed"].get(item.sha256)
        attempts = int(failure["attempts"]) if failure else 0
        if self.max_failures is not None and attempts >= self.max_failures:
            self._remember(sig, item, GAVE_UP, str(failure["error"]) if failure else "", code=_code(failure))
            self._report_known(item.path, sig, state["seen"][sig], report)
            return
        try:
            result = self.briefed.pop(item.sha256) if item.sha256 in self.briefed else self.handle(item)
        except HeldBack as exc:
            self._decide(item, sig, HELD, str(exc), report)
            return
        except InputError as exc:  # the same bytes will fail the same way: not worth a retry
            self._decide(item, sig, REFUSED, str(exc), report)
            return
        except Exception as exc:  # noqa: BLE001 - a handler's error is this file's failure, not the loop's
            self._failed(item, sig, attempts, exc, report)
            return
        if self.deliver is not None and not self._delivered(item, sig, result, attempts, report):
            return
        state["done"][item.sha256] = {"path": item.name, "at": _now()}
        state["failed"].pop(item.sha256, None)
        self._remember(sig, item, DONE, "")
        self._save()
        report.handled.append(item.path)

    def _delivered(self, item: InboxFile, sig: str, result: T, attempts: int, report: WatchReport) -> bool:
        assert self.deliver is not None
        # Saved before the post: a run killed mid-post finds this marker and does not post again.
        self.state["posting"] = {"sha256": item.sha256, "path": item.name, "sig": sig, "at": _now()}
        self._save()
        try:
            self.deliver(item, result)
        except Exception as exc:  # noqa: BLE001 - as for the handler
            self.state["posting"] = None
            if getattr(exc, "may_have_arrived", False):
                self.state["done"][item.sha256] = {"path": item.name, "at": _now(), "uncertain": True}
                self._decide(item, sig, UNCERTAIN, str(exc), report)
            else:
                self.briefed[item.sha256] = result  # the next pass posts it again without a new brief
                self._failed(item, sig, attempts, exc, report)
            return False
        self.state["posting"] = None
        return True

    def _failed(self, item: InboxFile, sig: str, attempts: int, exc: Exception, report: WatchReport) -> None:
        attempts += 1
        code = int(getattr(exc, "exit_code", EXIT_MODEL))
        error = _error_text(exc)
        self.state["failed"][item.sha256] = {
            "path": item.name,
            "attempts": attempts,
            "error": error,
            "code": code,
            "at": _now(),
        }
        log.warning("handling %s failed (attempt %d): %s", item.name, attempts, type(exc).__name__)
        if self.max_failures is not None and attempts >= self.max_failures:
            self.briefed.pop(item.sha256, None)
            message = f"gave up after {attempts} failures ({error}); change the file to try again"
            self._remember(sig, item, GAVE_UP, message, code=code)
            self._save()
            self._report_known(item.path, sig, self.state["seen"][sig], report)
            return
        self._save()
        report.failed.append(item.path)
        report.failure_codes.append(code)
        limit = f" of {self.max_failures}" if self.max_failures is not None else ""
        self._say(
            WatchEvent("failed", item.name, f"failed (attempt {attempts}{limit}): {error}; retried on the next pass"),
            key=(sig, f"failed-{attempts}"),
        )

    def _decide(self, item: InboxFile, sig: str, status: str, message: str, report: WatchReport) -> None:
        self._remember(sig, item, status, message)
        self._save()
        self._report_known(item.path, sig, self.state["seen"][sig], report)

    def _refuse(self, path: Path, sig: str, reason: str, report: WatchReport) -> None:
        self.state["seen"][sig] = {"path": path.name, "status": REFUSED, "message": reason, "at": _now()}
        self._save()
        self._report_known(path, sig, self.state["seen"][sig], report)

    def _report_known(self, path: Path, sig: str, known: dict[str, Any], report: WatchReport) -> None:
        status = known.get("status", DONE)
        if status == DONE:
            return
        {REFUSED: report.refused, HELD: report.held, GAVE_UP: report.gave_up, UNCERTAIN: report.uncertain}.get(
            status, report.refused
        ).append(path)
        if status == GAVE_UP:
            report.failure_codes.append(int(known.get("code", EXIT_MODEL)))
        self._say(WatchEvent(status, path.name, _status_line(status, str(known.get("message", "")))), key=(sig, status))

    # --- memory ---------------------------------------------------------------------------------

    def _remember(self, sig: str, item: InboxFile, status: str, message: str, *, code: int | None = None) -> None:
        entry: dict[str, Any] = {"path": item.name, "sha256": item.sha256, "status": status, "at": _now()}
        if message:
            entry["message"] = message[:_ERROR_CAP]
        if code is not None:
            entry["code"] = code
        self.state["seen"][sig] = entry

    def _recover_interrupted_post(self) -> None:
        posting = self.state.get("posting")
        if not posting:
            return
        digest, name = str(posting.get("sha256", "")), str(posting.get("path", "?"))
        message = "a previous run stopped while posting it: it may have been posted, so it is not sent again"
        self.state["done"][digest] = {"path": name, "at": _now(), "uncertain": True}
        self.state["seen"][str(posting.get("sig", ""))] = {
            "path": name,
            "sha256": digest,
            "status": UNCERTAIN,
            "message": message,
            "at": _now(),
        }
        self.state["posting"] = None
        self._save()

    def _say(self, event: WatchEvent, *, key: tuple[str, str]) -> None:
        if key in self.said:  # a daemon says each thing once; a --once run says it on every run
            return
        self.said.add(key)
        self.on_event(event)

    def _save(self) -> None:
        save_state(self.state_file, self.state)


def _status_line(status: str, message: str) -> str:
    if status == REFUSED:
        return f"refused: {message}"
    if status == HELD:
        return message or "held back"
    if status == UNCERTAIN:
        return message or "may have been posted; not sent again"
    return message or status


def _candidates(dir_fd: int) -> list[tuple[str, os.stat_result]]:
    """Article-looking names in the folder with their own ``lstat``, oldest first."""
    found = []
    with os.scandir(dir_fd) as entries:
        for entry in entries:
            name = entry.name
            # Dot files (our state and lock among them) and editor backups are not articles.
            if name.startswith(".") or name.endswith("~") or Path(name).suffix.lower() not in ARTICLE_SUFFIXES:
                continue
            try:
                info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            except OSError:
                continue  # gone since listed
            found.append((info.st_mtime_ns, name, info))
    return [(name, info) for _, name, info in sorted(found)]  # oldest first, as a newsroom reads them


def signature(info: os.stat_result) -> str:
    """(inode, size, mtime): a file version, known without reading it."""
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"


def read_regular(dir_fd: int, name: str, listed: os.stat_result, max_bytes: int) -> bytes | None:
    """The bytes of ``name`` in the folder, or None when it is no longer the regular file that was listed.

    ``O_NOFOLLOW`` refuses a symbolic link swapped in since the listing, ``O_NONBLOCK`` keeps a
    pipe swapped in from blocking the loop, and the open file's own ``fstat`` must be the listed
    inode and size: what is read is what was checked.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(name, flags, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_ino != listed.st_ino or info.st_size != listed.st_size:
            return None
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    return data if len(data) == listed.st_size else None


def load_state(state_file: Path) -> dict[str, Any]:
    """The saved state, upgraded to the current version; :class:`WatchStateError` when it is unreadable.

    A corrupt state is an error, not a fresh start: starting afresh would post every article in
    the folder again.
    """
    if not state_file.exists():
        return _empty_state()
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WatchStateError(f"{state_file}: {_corrupt(exc)}") from None
    if not (isinstance(state, dict) and isinstance(state.get("done"), dict) and isinstance(state.get("failed"), dict)):
        raise WatchStateError(f"{state_file}: {_corrupt('not a brief watch state file')}")
    if state.get("version", 1) == 1:  # failures were kept by file name, with the content hash inside
        state["failed"] = {
            str(f["sha256"]): {**f, "path": name}
            for name, f in state["failed"].items()
            if isinstance(f, dict) and "sha256" in f
        }
    state["version"] = STATE_VERSION
    state.setdefault("seen", {})
    state.setdefault("posting", None)
    if not isinstance(state["seen"], dict):
        raise WatchStateError(f"{state_file}: {_corrupt('its seen table is not a mapping')}")
    return state


def _corrupt(reason: object) -> str:
    return (
        f"the watch state cannot be read ({reason}); move it aside to start afresh, "
        "knowing that every article in the folder is then posted again"
    )


def _empty_state() -> dict[str, Any]:
    return {"version": STATE_VERSION, "done": {}, "failed": {}, "seen": {}, "posting": None}


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


def _code(failure: dict[str, Any] | None) -> int:
    return int(failure.get("code", EXIT_MODEL)) if failure else EXIT_MODEL


def _error_text(exc: BaseException) -> str:
    """One line: our own errors speak for themselves; anything else is named by its type."""
    text = " ".join(str(exc).split())
    if not hasattr(exc, "exit_code"):
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text[:_ERROR_CAP]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
