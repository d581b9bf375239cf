"""`brief watch` and `--post` against a hostile inbox and a flaky network (issue #13, chat side).

No model runs: ``Summarizer.summarize`` is replaced by a lookup of hand-built briefs (the sample's,
from tests/snapshots, and a flagged one standing for what the free-text check makes of the injected
article). What is tested is the daemon and the delivery around the brief.
"""

from __future__ import annotations

import importlib
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from chat_receiver import ChatReceiver, rejected, sample_brief, server_error, visible
from conftest import FIXTURES, SAMPLE
from typer.testing import CliRunner

from summarizer.chat import ChatDeliveryError, HeldBack, InboxFile, WatchLocked, WatchStateError, post_brief, watch
from summarizer.chat.watch import folder_lock
from summarizer.cli import app
from summarizer.errors import EXIT_DELIVERY, EXIT_INPUT, EXIT_MODEL, BriefError
from summarizer.pipeline import Summarizer
from summarizer.schema import Brief

runner = CliRunner()
# The package exports the function ``watch``, which hides the module of the same name.
watch_module = importlib.import_module("summarizer.chat.watch")
pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

INJECTED = FIXTURES / "articles" / "us-strikes-injected-2024-02-02.txt"
FLAG = "headline: 'US Air Strikes Cancelled' is not supported by the article"


def flagged_brief() -> Brief:
    brief = sample_brief()
    meta = brief.meta.model_copy(update={"flags": [FLAG], "warnings": [FLAG]})
    return brief.model_copy(update={"headline": "US Air Strikes Cancelled", "meta": meta})


class FakeModel:
    """Answers ``summarize`` with a hand-built brief: flagged for the injected article, else the sample's."""

    def __init__(self) -> None:
        self.sources: list[str] = []
        self.texts: list[str] = []

    def __call__(self, document: object, **kwargs: object) -> Brief:
        source = str(kwargs.get("source") or getattr(document, "source", ""))
        self.sources.append(source)
        self.texts.append(getattr(document, "text", ""))
        brief = flagged_brief() if "injected" in source else sample_brief()
        return brief.model_copy(update={"meta": brief.meta.model_copy(update={"source": source})})


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> FakeModel:
    fake = FakeModel()
    monkeypatch.setattr(Summarizer, "summarize", fake)
    return fake


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def _old(path: Path, seconds: float = 600) -> None:
    """Make ``path`` look written ``seconds`` ago, as a finished file would."""
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def _watch(folder: Path, hook: ChatReceiver, *extra: str) -> object:
    return runner.invoke(app, ["watch", str(folder), "--post", hook.platform, "--webhook", hook.url, "--once", *extra])


# --- The inbox ---------------------------------------------------------------------------------


def test_a_symlink_to_a_file_outside_the_folder_is_refused_not_posted(inbox: Path, tmp_path: Path, model) -> None:
    secret = tmp_path / "outside" / "payroll.txt"
    secret.parent.mkdir()
    secret.write_text("Confidential: salaries of the newsroom.", encoding="utf-8")
    (inbox / "innocent.txt").symlink_to(secret)
    with ChatReceiver("slack") as hook:
        result = _watch(inbox, hook, "--settle", "0")
    assert hook.requests == [] and model.sources == []
    assert "innocent.txt: refused: a symbolic link" in result.stderr
    assert result.exit_code == EXIT_INPUT


def test_a_symlink_to_a_file_inside_the_folder_is_refused_too(inbox: Path, model) -> None:
    """A link is never followed, wherever it points: what was checked is what is read."""
    (inbox / "real.txt").write_text("US strikes militias in Syria and Iraq.", encoding="utf-8")
    _old(inbox / "real.txt")
    (inbox / "alias.txt").symlink_to(inbox / "real.txt")
    with ChatReceiver("slack") as hook:
        result = _watch(inbox, hook, "--settle", "0")
    assert len(hook.accepted) == 1 and model.sources == ["real.txt"]
    assert "alias.txt: refused: a symbolic link" in result.stderr


def test_a_200_mb_file_is_refused_by_its_size_without_being_read(inbox: Path, model, monkeypatch) -> None:
    huge = inbox / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: no 200 MB written
    _old(huge)
    reads: list[str] = []
    real_read = watch_module.read_regular
    monkeypatch.setattr(
        watch_module, "read_regular", lambda fd, name, *a: reads.append(name) or real_read(fd, name, *a)
    )
    with ChatReceiver("slack") as hook:
        result = _watch(inbox, hook, "--settle", "0")
    assert reads == [] and hook.requests == [] and model.sources == []
    assert "huge.txt: refused: 209,715,200 bytes is over the 5,000,000-byte limit" in result.stderr
    assert result.exit_code == EXIT_INPUT


def test_a_file_still_being_written_is_posted_once_complete_and_only_then(inbox: Path, model) -> None:
    growing = inbox / "strikes.txt"
    growing.write_text("The US struck more than 85 targets", encoding="utf-8")  # half of it, just written
    with ChatReceiver("slack") as hook:
        first = _watch(inbox, hook, "--settle", "30")
        assert hook.requests == [] and model.sources == [] and first.exit_code == 0
        growing.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")  # the writer finishes
        _old(growing, 60)
        second = _watch(inbox, hook, "--settle", "30")
        third = _watch(inbox, hook, "--settle", "30")
    assert second.exit_code == 0 and third.exit_code == 0
    assert len(hook.accepted) == 1 and model.texts == [SAMPLE.read_text(encoding="utf-8")]


def test_a_file_whose_mtime_is_in_the_future_settles_by_being_unchanged_between_passes(inbox: Path) -> None:
    article = inbox / "skewed.txt"
    article.write_text("An article from a server with a fast clock.", encoding="utf-8")
    later = time.time() + 3600
    os.utime(article, (later, later))
    seen: list[str] = []
    passes: list[float] = []

    def sleep(seconds: float) -> None:
        passes.append(seconds)
        if len(passes) == 3:
            raise KeyboardInterrupt
        time.sleep(seconds)

    with pytest.raises(KeyboardInterrupt):
        watch(inbox, lambda item: seen.append(item.name), settle_seconds=0.2, poll_seconds=0.15, sleep=sleep)
    assert seen == ["skewed.txt"]


def test_a_pass_does_not_reread_files_it_has_decided_on(inbox: Path, monkeypatch) -> None:
    for name in ("a.txt", "b.md"):
        (inbox / name).write_text(f"Article {name}.", encoding="utf-8")
    reads: list[str] = []
    real_read = watch_module.read_regular
    monkeypatch.setattr(
        watch_module, "read_regular", lambda fd, name, *a: reads.append(name) or real_read(fd, name, *a)
    )
    watch(inbox, lambda item: None, once=True)
    watch(inbox, lambda item: None, once=True)
    (inbox / "a.txt").rename(inbox / "a-renamed.txt")  # same inode, size and mtime: still decided
    watch(inbox, lambda item: None, once=True)
    assert sorted(reads) == ["a.txt", "b.md"]


def test_a_hostile_article_is_held_back_under_strict_and_said_so(inbox: Path, model) -> None:
    (inbox / "injected.txt").write_text(INJECTED.read_text(encoding="utf-8"), encoding="utf-8")
    _old(inbox / "injected.txt")
    with ChatReceiver("mattermost") as hook:
        held = _watch(inbox, hook, "--settle", "0")
        again = _watch(inbox, hook, "--settle", "0")
    assert hook.requests == []
    assert "injected.txt: held back, not posted: 1 flagged item in the brief's own words" in held.stderr
    assert held.exit_code == EXIT_DELIVERY and again.exit_code == EXIT_DELIVERY
    assert model.sources == ["injected.txt"]  # decided once: not briefed again on the next pass


def test_no_strict_posts_a_flagged_brief_with_its_flag_shown(inbox: Path, model) -> None:
    (inbox / "injected.txt").write_text(INJECTED.read_text(encoding="utf-8"), encoding="utf-8")
    _old(inbox / "injected.txt")
    with ChatReceiver("mattermost") as hook:
        result = _watch(inbox, hook, "--settle", "0", "--no-strict")
    assert result.exit_code == 0 and len(hook.accepted) == 1
    assert f"Flagged: {FLAG}" in hook.accepted[0]["text"]


def test_the_issue_inbox_posts_exactly_the_one_safe_brief_once(inbox: Path, tmp_path: Path, model) -> None:
    """A symlink out, a 200 MB file, a half-written file, a hostile article and one safe article."""
    outside = tmp_path / "secret.txt"
    outside.write_text("Not for the channel.", encoding="utf-8")
    (inbox / "link.txt").symlink_to(outside)
    with (inbox / "huge.txt").open("wb") as f:
        f.truncate(200 * 1024 * 1024)
    (inbox / "injected.txt").write_text(INJECTED.read_text(encoding="utf-8"), encoding="utf-8")
    (inbox / "safe.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("link.txt", "huge.txt", "injected.txt", "safe.txt"):
        _old(inbox / name)
    (inbox / "half.txt").write_text("Blinken travels to the Middle East again this", encoding="utf-8")
    with ChatReceiver("slack") as hook:
        first = _watch(inbox, hook, "--settle", "30")
        second = _watch(inbox, hook, "--settle", "30")
    assert [visible("slack", p["blocks"][0]["text"]["text"]) for p in hook.accepted] == [sample_brief().headline]
    assert len(hook.requests) == 1 and hook.violations == []
    assert sorted(model.sources) == ["injected.txt", "safe.txt"]
    for line in ("link.txt: refused", "huge.txt: refused", "injected.txt: held back"):
        assert line in first.stderr and line in second.stderr
    assert "half.txt" not in first.stderr
    assert first.exit_code == second.exit_code == EXIT_DELIVERY  # held back: not delivered


# --- One watcher, readable state, visible failures ---------------------------------------------


def test_a_second_watcher_on_the_same_folder_exits_with_a_clear_message(inbox: Path, model) -> None:
    (inbox / "safe.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    _old(inbox / "safe.txt")
    with folder_lock(inbox), ChatReceiver("slack") as hook:
        result = _watch(inbox, hook, "--settle", "0")
    assert result.exit_code == EXIT_INPUT and hook.requests == []
    assert "another brief watch" in result.stderr and "already watching this folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_lock_is_released_when_a_watch_ends(inbox: Path) -> None:
    watch(inbox, lambda item: None, once=True)
    with folder_lock(inbox):
        pass


def test_a_second_lock_in_another_process_is_refused(inbox: Path) -> None:
    import subprocess
    import sys

    with folder_lock(inbox):
        code = (
            "import pathlib, sys\n"
            "from summarizer.chat.watch import folder_lock\n"
            "with folder_lock(pathlib.Path(sys.argv[1])): pass"
        )
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        done = subprocess.run([sys.executable, "-c", code, str(inbox)], capture_output=True, text=True, env=env)
    assert done.returncode != 0 and "WatchLocked" in done.stderr and f"pid {os.getpid()}" in done.stderr


def test_a_corrupt_state_file_is_one_line_and_exit_2_not_a_traceback(inbox: Path, model) -> None:
    (inbox / "safe.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (inbox / ".brief-watch.json").write_text("{not json", encoding="utf-8")
    with ChatReceiver("slack") as hook:
        result = _watch(inbox, hook, "--settle", "0")
    assert result.exit_code == EXIT_INPUT and hook.requests == []
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "the watch state cannot be read" in lines[0] and "posted again" in lines[0]


def test_state_errors_belong_to_the_brief_error_tree() -> None:
    assert issubclass(WatchStateError, BriefError) and WatchStateError("x").exit_code == EXIT_INPUT
    assert issubclass(WatchLocked, BriefError) and WatchLocked("x").exit_code == EXIT_INPUT
    assert issubclass(ChatDeliveryError, BriefError)
    assert ChatDeliveryError("x", platform="slack", host="h").exit_code == EXIT_DELIVERY
    assert HeldBack("x").exit_code == EXIT_DELIVERY


def test_an_article_given_up_on_is_reported_and_the_run_exits_non_zero(inbox: Path, model, monkeypatch) -> None:
    from summarizer.errors import ModelError

    def failing(*_a: object, **_k: object) -> Brief:
        raise ModelError("the model at 127.0.0.1:9 did not answer")

    monkeypatch.setattr(Summarizer, "summarize", failing)
    (inbox / "safe.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    _old(inbox / "safe.txt")
    with ChatReceiver("slack") as hook:
        results = [_watch(inbox, hook, "--settle", "0", "--max-failures", "2") for _ in range(3)]
    assert [r.exit_code for r in results] == [EXIT_MODEL] * 3
    assert "failed (attempt 1 of 2)" in results[0].stderr
    assert "safe.txt: gave up after 2 failures (the model at 127.0.0.1:9 did not answer)" in results[1].stderr
    assert "gave up after 2 failures" in results[2].stderr  # still there, still said


def test_a_delivery_failure_under_once_exits_3(inbox: Path, model) -> None:
    (inbox / "safe.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    _old(inbox / "safe.txt")
    with ChatReceiver("slack", [rejected("slack")]) as hook:
        result = _watch(inbox, hook, "--settle", "0")
    assert result.exit_code == EXIT_DELIVERY
    assert "invalid_blocks" in result.stderr and hook.secret not in result.stderr


def test_a_failed_delivery_is_retried_next_pass_without_a_second_brief(inbox: Path) -> None:
    (inbox / "safe.txt").write_text("US strikes militias.", encoding="utf-8")
    briefs: list[str] = []
    posts: list[str] = []

    def deliver(item: InboxFile, brief: str) -> None:
        posts.append(brief)
        if len(posts) == 1:
            raise ChatDeliveryError("slack at h: HTTP 503", platform="slack", host="h", transient=True)

    passes: list[float] = []

    def sleep(_s: float) -> None:
        passes.append(_s)
        if len(passes) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        watch(inbox, lambda item: briefs.append(item.name) or f"brief of {item.name}", deliver=deliver, sleep=sleep)
    assert briefs == ["safe.txt"] and posts == ["brief of safe.txt", "brief of safe.txt"]


# --- At most once -------------------------------------------------------------------------------


@pytest.fixture
def silent_server() -> Iterator[tuple[str, list[bytes]]]:
    """A webhook that reads the whole request, then never answers: the post may well have arrived."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    received: list[bytes] = []
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        server.settimeout(0.05)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            held.append(conn)
            data = b""
            conn.settimeout(2)
            while b"\r\n\r\n" not in data and (chunk := conn.recv(65536)):
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lengths = [h.split(b":")[1] for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")]
            while lengths and len(body) < int(lengths[0]) and (chunk := conn.recv(65536)):
                body += chunk
            received.append(body)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/hooks/secretmattermosthookid0123", received
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    server.close()


def test_a_post_that_timed_out_after_sending_is_not_sent_again(silent_server) -> None:
    url, received = silent_server
    with pytest.raises(ChatDeliveryError) as caught:
        post_brief(sample_brief(), url, "mattermost", timeout=0.5, max_attempts=5, sleep=lambda _: None)
    assert len(received) == 1
    assert caught.value.may_have_arrived and caught.value.attempts == 1
    assert "it may have been posted, so it is not sent again" in str(caught.value)
    assert "secretmattermosthookid0123" not in str(caught.value)


def test_a_refused_connection_surely_did_not_arrive_and_is_retried() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(ChatDeliveryError) as caught:
        post_brief(sample_brief(), f"http://127.0.0.1:{port}/hooks/x", "slack", max_attempts=3, sleep=lambda _: None)
    assert caught.value.attempts == 3 and not caught.value.may_have_arrived


def test_a_5xx_with_an_answer_is_retried_and_posted_once() -> None:
    with ChatReceiver("discord", [server_error("discord")]) as hook:
        result = post_brief(sample_brief(), hook.url, "discord", sleep=lambda _: None)
    assert result.attempts == 2 and len(hook.accepted) == 1


def test_watch_does_not_resend_a_post_that_may_have_arrived(inbox: Path, model, silent_server, monkeypatch) -> None:
    url, received = silent_server
    monkeypatch.setitem(post_brief.__kwdefaults__, "timeout", 0.5)  # the CLI posts with the default timeout
    (inbox / "safe.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    _old(inbox / "safe.txt")
    args = ["watch", str(inbox), "--post", "mattermost", "--webhook", url, "--once", "--settle", "0"]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert len(received) == 1
    assert first.exit_code == second.exit_code == EXIT_DELIVERY
    assert "may have been posted" in first.stderr and "may have been posted" in second.stderr


def test_a_run_killed_mid_post_does_not_post_again_after_a_restart(inbox: Path, model) -> None:
    article = inbox / "safe.txt"
    article.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    _old(article)
    info = article.stat()
    import hashlib

    digest = hashlib.sha256(article.read_bytes()).hexdigest()
    state = {
        "version": 2,
        "done": {},
        "failed": {},
        "seen": {},
        "posting": {"sha256": digest, "path": "safe.txt", "sig": watch_module.signature(info)},
    }
    (inbox / ".brief-watch.json").write_text(json.dumps(state), encoding="utf-8")
    with ChatReceiver("slack") as hook:
        result = _watch(inbox, hook, "--settle", "0")
    assert hook.requests == [] and model.sources == []
    assert "a previous run stopped while posting it" in result.stderr and result.exit_code == EXIT_DELIVERY


# --- The single-article path ----------------------------------------------------------------------


def test_post_with_strict_holds_back_a_flagged_brief(model) -> None:
    with ChatReceiver("discord") as hook:
        result = runner.invoke(app, [str(INJECTED), "--post", "discord", "--webhook", hook.url, "--strict", "-q"])
    assert hook.requests == [] and result.exit_code == EXIT_DELIVERY
    assert f"flagged: {FLAG}" in result.stderr and "held back, not posted" in result.stderr


def test_post_without_strict_posts_a_flagged_brief_with_its_flag_shown(model, monkeypatch) -> None:
    monkeypatch.setattr(Summarizer, "summarize", lambda *_a, **_k: flagged_brief())
    with ChatReceiver("discord") as hook:
        result = runner.invoke(app, [str(INJECTED), "--post", "discord", "--webhook", hook.url, "-q"])
    assert result.exit_code == 0 and len(hook.accepted) == 1
    fields = {f["name"]: f["value"] for f in hook.accepted[0]["embeds"][0]["fields"]}
    assert f"Flagged: {FLAG}" in fields["⚠ Check before use"]


def test_strict_without_post_is_a_usage_error(model) -> None:
    result = runner.invoke(app, [str(SAMPLE), "--strict", "-q"])
    assert result.exit_code == EXIT_INPUT and "--strict needs --post" in result.stderr


# --- One Retry-After parser -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "2"}, 2.0),
        ({"Retry-After": "0.5"}, 0.5),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "inf"}, None),
        ({"Retry-After": "-3"}, 0.0),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),  # in the past
        ({"X-RateLimit-Reset-After": "1.25"}, 1.25),
        ({}, None),
    ],
)
def test_one_retry_after_parser_serves_both_callers(headers: dict[str, str], seconds: float | None) -> None:
    """The LLM retry and the chat post read a server's wait the same way; junk is no answer, never a crash."""
    import httpx2

    from summarizer.chat.post import response_retry_after as chat_wait
    from summarizer.chat.transport import HttpResponse
    from summarizer.llm.retry import error_retry_after as llm_wait

    class Answer(Exception):
        response = httpx2.Response(429, headers=headers)

    assert llm_wait(Answer()) == seconds
    assert chat_wait(HttpResponse(429, b"", headers)) == seconds


def test_a_file_swapped_for_a_symlink_after_listing_is_not_read(inbox: Path, tmp_path: Path) -> None:
    article = inbox / "story.txt"
    article.write_text("US strikes militias.", encoding="utf-8")
    listed = os.stat(article, follow_symlinks=False)
    outside = tmp_path / "secret.txt"
    outside.write_text("US strikes militias.", encoding="utf-8")  # same size: only the open can tell
    article.unlink()
    article.symlink_to(outside)
    fd = os.open(inbox, os.O_RDONLY | os.O_DIRECTORY)
    try:
        assert watch_module.read_regular(fd, "story.txt", listed, 1000) is None
    finally:
        os.close(fd)


def test_a_file_name_with_terminal_escapes_is_printed_as_plain_text(inbox: Path, model) -> None:
    name = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J.txt"  # an OSC 52 clipboard write, then a screen clear
    (inbox / name).write_bytes(b"%PDF-1.7")  # a PDF: refused before any brief, so its name is printed
    _old(inbox / name)
    with ChatReceiver("slack") as hook:
        result = _watch(inbox, hook, "--settle", "0")
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "?]52;c;cm0gLXJmIH4=??[2J.txt: refused:" in result.stderr
