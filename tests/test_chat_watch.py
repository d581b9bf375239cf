"""The bot loop: each new article handled once, across restarts; failures retried, not lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.chat import InboxFile, WatchStateError, watch


class Handler:
    """Records what it was handed; fails for the names in ``failing``."""

    def __init__(self, failing: set[str] | None = None) -> None:
        self.failing = failing or set()
        self.seen: list[str] = []

    def __call__(self, item: InboxFile) -> None:
        self.seen.append(item.name)
        if item.name in self.failing:
            raise RuntimeError("webhook said no")


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "strikes.txt").write_text("US strikes militias in Syria and Iraq.", encoding="utf-8")
    (folder / "blinken.md").write_text("Blinken travels to the Middle East.", encoding="utf-8")
    return folder


def test_new_article_files_are_handled_once(inbox: Path, tmp_path: Path) -> None:
    handle = Handler()
    state = tmp_path / "state.json"
    watch(inbox, handle, state_path=state, once=True)
    watch(inbox, handle, state_path=state, once=True)
    assert sorted(handle.seen) == ["blinken.md", "strikes.txt"]


def test_restart_with_the_same_state_file_skips_handled_files(inbox: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    watch(inbox, Handler(), state_path=state, once=True)
    (inbox / "hamas.html").write_text("<p>Hamas signals acceptance.</p>", encoding="utf-8")
    after_restart = Handler()
    watch(inbox, after_restart, state_path=state, once=True)
    assert after_restart.seen == ["hamas.html"]


def test_failed_file_is_recorded_and_retried_on_the_next_pass(inbox: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    handle = Handler(failing={"strikes.txt"})
    first = watch(inbox, handle, state_path=state, once=True)
    assert [p.name for p in first.failed] == ["strikes.txt"]
    [failure] = json.loads(state.read_text())["failed"].values()
    assert failure["path"] == "strikes.txt" and failure["error"] == "RuntimeError: webhook said no"
    handle.failing.clear()
    second = watch(inbox, handle, state_path=state, once=True)
    assert [p.name for p in second.handled] == ["strikes.txt"]
    assert json.loads(state.read_text())["failed"] == {}


def test_file_that_keeps_failing_is_left_alone_after_max_failures(inbox: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    handle = Handler(failing={"strikes.txt"})
    for _ in range(4):
        report = watch(inbox, handle, state_path=state, once=True, max_failures=2)
    assert handle.seen.count("strikes.txt") == 2
    assert [p.name for p in report.skipped] == ["strikes.txt"]


def test_files_that_are_not_articles_are_ignored(inbox: Path, tmp_path: Path) -> None:
    for name in ("photo.jpg", ".draft.txt", "notes.txt~"):
        (inbox / name).write_text("x", encoding="utf-8")
    (inbox / "archive").mkdir()
    (inbox / "archive" / "old.txt").write_text("old", encoding="utf-8")
    handle = Handler()
    watch(inbox, handle, state_path=tmp_path / "state.json", once=True)
    assert sorted(handle.seen) == ["blinken.md", "strikes.txt"]


def test_edited_article_is_handled_again_and_a_renamed_one_is_not(inbox: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    watch(inbox, Handler(), state_path=state, once=True)
    (inbox / "strikes.txt").write_text("US strikes militias. Update: Iraq protests.", encoding="utf-8")
    (inbox / "blinken.md").rename(inbox / "blinken-trip.md")
    handle = Handler()
    watch(inbox, handle, state_path=state, once=True)
    assert handle.seen == ["strikes.txt"]


def test_state_file_is_complete_json_with_no_temporary_files_left(inbox: Path, tmp_path: Path) -> None:
    state = tmp_path / "state" / "watch.json"
    watch(inbox, Handler(), state_path=state, once=True)
    assert {e["path"] for e in json.loads(state.read_text())["done"].values()} == {
        "strikes.txt",
        "blinken.md",
    }
    assert [p.name for p in state.parent.iterdir()] == ["watch.json"]


def test_unreadable_state_is_an_error_rather_than_a_fresh_start(inbox: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("{not json", encoding="utf-8")
    handle = Handler()
    with pytest.raises(WatchStateError):
        watch(inbox, handle, state_path=state, once=True)
    assert handle.seen == []


def test_loop_picks_up_files_that_arrive_between_passes(inbox: Path, tmp_path: Path) -> None:
    class Stop(Exception):
        pass

    passes: list[float] = []

    def sleep(seconds: float) -> None:
        passes.append(seconds)
        if len(passes) == 1:
            (inbox / "later.txt").write_text("Haniyeh demands a total stop of fighting.", encoding="utf-8")
        else:
            raise Stop

    handle = Handler()
    with pytest.raises(Stop):
        watch(inbox, handle, state_path=tmp_path / "state.json", poll_seconds=0.5, sleep=sleep)
    assert passes == [0.5, 0.5]
    assert handle.seen[-1] == "later.txt" and len(handle.seen) == 3
