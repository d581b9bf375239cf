"""Rows in and out of a distributed batch, and the output dataset that records what is done. No Ray needed.

The briefs come from the recorded sample answer, served by the scripted loopback fake (``fake_openai.py``).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SAMPLE
from fake_openai import fake_openai, recorded_ok

from summarizer.distributed.job import RayJob, worker_cpus
from summarizer.distributed.rows import brief_key, output_row, read_row, settles
from summarizer.distributed.store import OutputDataset, ParquetParts
from summarizer.distributed.worker import BriefWorker
from summarizer.errors import InputError
from summarizer.settings import Settings

TEXT = SAMPLE.read_text(encoding="utf-8")
SETTINGS = Settings(base_url="http://127.0.0.1:9/v1", api_key="x", model="stub", mode="tools", prompt="brief-v3")


def test_the_key_changes_with_what_the_brief_depends_on_and_not_with_the_endpoint() -> None:
    key = brief_key("sha256:abc", SETTINGS, "2024-02-02")
    assert brief_key("sha256:abc", replace(SETTINGS, base_url="http://elsewhere/v1"), "2024-02-02") == key
    assert brief_key("sha256:abd", SETTINGS, "2024-02-02") != key
    assert brief_key("sha256:abc", replace(SETTINGS, model="other"), "2024-02-02") != key
    assert brief_key("sha256:abc", SETTINGS, "2024-02-03") != key
    assert brief_key("sha256:abc", replace(SETTINGS, prompt="brief"), "2024-02-02") != key


def test_a_row_is_read_from_its_text_or_its_file_with_the_same_key(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_text(TEXT, encoding="utf-8")
    by_text = read_row({"id": "a", "text": TEXT}, 0, SETTINGS, "2024-02-02")
    by_path = read_row({"path": str(file)}, 1, SETTINGS, "2024-02-02")
    assert by_text.error is None and by_path.error is None
    assert by_text.key == by_path.key and by_text.content_hash == by_path.content_hash
    assert (by_text.id, by_path.id) == ("a", str(file))


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"id": "n"}, "no text, path or url"),
        ({"id": "m", "path": "/nonexistent/article.txt"}, "article.txt"),
        ({"id": "d", "text": "x", "published": "last tuesday"}, "published"),
    ],
)
def test_a_row_that_cannot_be_read_becomes_an_error_row_with_exit_code_2(row: dict, reason: str) -> None:
    loaded = read_row(row, 0, SETTINGS)
    assert isinstance(loaded.error, InputError)
    out = output_row(loaded, SETTINGS, "run-1")
    assert out["id"] == row["id"] and out["brief"] is None
    assert out["error"] == "InputError" and reason in out["reason"] and out["exit_code"] == 2


def test_a_brief_and_bad_input_settle_their_key_but_a_model_failure_does_not() -> None:
    assert settles({"key": "k", "brief": "{}", "exit_code": 0})
    assert settles({"key": "k", "brief": None, "exit_code": 2})
    assert not settles({"key": "k", "brief": None, "exit_code": 1})
    assert not settles({"key": None, "brief": None, "exit_code": 2})


def test_the_worker_briefs_each_row_once_and_skips_rows_already_done() -> None:
    rows = [{"id": f"a{i}", "text": f"{TEXT}\n(copy {i})"} for i in range(3)] + [{"id": "bad", "text": "   "}]
    rows[2]["published"] = "2024-03-01"  # a row's own date beats the job's
    with fake_openai([recorded_ok() for _ in range(3)]) as server:
        settings = replace(SETTINGS, base_url=server.url)
        done = {read_row(rows[0], 0, settings, "2024-02-02").key}
        worker = BriefWorker(settings, concurrency=2, published="2024-02-02", done=done, run="r")
        try:
            out = worker.brief_rows(rows)
        finally:
            worker.close()
    assert sorted(row["id"] for row in out) == ["a1", "a2", "bad"]
    briefs = [row for row in out if row["brief"] is not None]
    assert len(briefs) == 2 and len(server.requests) == 2
    bad = next(row for row in out if row["id"] == "bad")
    assert (bad["error"], bad["exit_code"]) == ("InputError", 2) and "empty" in bad["reason"]
    published = {row["id"]: json.loads(row["brief"])["meta"]["published"] for row in briefs}
    assert published == {"a1": "2024-02-02", "a2": "2024-03-01"}
    assert all(row["prompt_tokens"] > 0 and row["seconds"] > 0 for row in briefs)


def _row(ident: str, key: str, brief: str | None, exit_code: int = 0) -> dict:
    loaded = read_row({"id": ident, "text": f"{TEXT} {ident}"}, 0, SETTINGS)
    row = output_row(loaded, SETTINGS, "r")
    return {**row, "key": key, "brief": brief, "exit_code": exit_code, "error": None if brief else "ModelError"}


def test_jsonl_output_keeps_the_brief_as_json_and_a_half_written_line_is_cut(tmp_path: Path) -> None:
    path = tmp_path / "briefs.jsonl"
    store = OutputDataset(path)
    writer = store.writer("r", fsync=False)
    writer.write([_row("a", "k1", '{"headline": "x"}'), _row("b", "k2", None, exit_code=1)])
    writer.close()
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "c", "key": "k3", "brief": {"head')  # a kill mid-line
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["brief"] == {"headline": "x"}
    assert store.done_keys() == {"k1"}  # the model failure is retried; the half line is gone
    assert path.read_text(encoding="utf-8").endswith("\n")


def test_parquet_parts_appear_whole_and_an_unfinished_one_is_cleared(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    folder = tmp_path / "briefs.parquet"
    folder.mkdir()
    (folder / ".part-old-00000.parquet.tmp").write_bytes(b"PAR1 half a part")  # a killed run's
    parts = ParquetParts(folder, "r", part_rows=2)
    parts.write([_row("a", "k1", "{}")])
    assert OutputDataset(folder).parts() == []  # not a whole part yet
    parts.write([_row("b", "k2", "{}"), _row("c", "k3", None, exit_code=2)])
    parts.close()
    assert not list(folder.glob(".part-*.tmp"))
    assert len(OutputDataset(folder).parts()) == 1
    assert OutputDataset(folder).done_keys() == {"k1", "k2", "k3"}


def test_an_output_that_is_neither_jsonl_nor_parquet_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.jsonl .* \.parquet"):
        OutputDataset(tmp_path / "briefs.csv")


def test_workers_leave_room_for_reading_on_a_small_cluster() -> None:
    job = RayJob(["in.jsonl"], Path("out.jsonl"), SETTINGS, workers=2, worker_cpus=1.0)
    assert worker_cpus(job, 2.0) == 0.875  # two workers and a quarter CPU for the readers fit two CPUs
    assert worker_cpus(job, 16.0) == 1.0  # a cluster with room keeps what was asked
