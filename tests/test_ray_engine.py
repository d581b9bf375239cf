"""``--engine ray`` on a local Ray cluster: exactly once past a killed actor, a dead endpoint, a killed driver.

One local cluster for the module (``ray.init(num_cpus=2)``); endpoints are the benchmarks' loopback stub
(``bench/openai_stub.py``: the recorded sample answer after a fixed latency, a stub named as one); a
"dead" endpoint is a closed port (connection refused, as a crashed server). Rows are small in number
so the module fits CI's budget: about a minute on a loaded 2-core machine (see the module's timing in
the report of issue 18). Skipped without Ray on a workstation (``pip install 'brief-summarizer[ray]'``);
in CI (``CI`` set) a missing Ray fails instead.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE
from typer.testing import CliRunner

from summarizer.distributed.job import RayJob, run_ray_job
from summarizer.distributed.store import OutputDataset
from summarizer.settings import Settings

try:
    import pyarrow  # noqa: F401
    import ray
except ImportError:
    # A green CI must not hide these tests skipped: there the [ray] extra must be installed.
    if os.environ.get("CI"):
        pytest.fail("the Ray tests must run in CI: install the [ray] extra (BRIEF_EXTRAS=...,ray)", pytrace=False)
    pytest.skip("Ray is not installed: pip install 'brief-summarizer[ray]'", allow_module_level=True)


TEXT = SAMPLE.read_text(encoding="utf-8")
pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A local Ray cluster of two CPUs for the whole module; yields its address for other drivers."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


class Stub:
    """``bench/openai_stub.py`` in its own process: its URL, and how many chat requests it has answered."""

    def __init__(self, latency: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "openai_stub.py"), "--latency", str(latency)],
            stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        self.url = f"http://127.0.0.1:{int(self.process.stdout.readline().split()[1])}/v1"

    def served(self) -> int:
        with urllib.request.urlopen(self.url.removesuffix("/v1") + "/stats", timeout=5) as response:
            return int(json.load(response)["chat_requests"])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def stub() -> Iterator[Stub]:
    endpoint = Stub(latency=0.4)
    try:
        yield endpoint
    finally:
        endpoint.stop()


def dead_url() -> str:
    """A port nothing listens on: every request is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def write_rows(path: Path, count: int) -> list[str]:
    ids = [f"art-{n:03d}" for n in range(count)]
    with path.open("w", encoding="utf-8") as handle:
        for ident in ids:
            handle.write(json.dumps({"id": ident, "text": f"{TEXT}\n\n(Archive copy {ident}.)\n"}) + "\n")
    return ids


def settings_for(url: str) -> Settings:
    # One call a brief (the stub's recorded v3 draft), so the stub's count is the number of briefs.
    return Settings(base_url=url, api_key="stub", model="stub", mode="tools", timeout=30, transport_attempts=4,
                    prompt="brief-v3")


def job_for(inputs: Path, output: Path, url: str, **options: object) -> RayJob:
    defaults: dict[str, object] = {"concurrency": 4, "batch_size": 4, "workers": 2, "worker_cpus": 0.5}
    return RayJob([str(inputs)], output, settings_for(url), input_format="jsonl", published="2024-02-02",
                  **{**defaults, **options})  # type: ignore[arg-type]


def ids_in(output: Path) -> list[str]:
    return [row["id"] for row in OutputDataset(output).rows(["id", "brief"]) if row["brief"] is not None]


def worker_pids() -> list[int]:
    """Processes of the brief actors (Ray names them after the class in their process title)."""
    pids: list[int] = []
    if not Path("/proc").is_dir():
        return pids
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"BriefWorker" in title:
                pids.append(int(entry.name))
    return pids


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the actors' processes through /proc")
def test_actors_killed_mid_run_have_their_rows_redone_and_none_twice(cluster: str, stub: Stub, tmp_path: Path) -> None:
    ids = write_rows(tmp_path / "in.jsonl", 24)
    output = tmp_path / "briefs.parquet"
    outcome: dict[str, object] = {}
    run = threading.Thread(target=lambda: outcome.update(summary=run_ray_job(
        job_for(tmp_path / "in.jsonl", output, stub.url, part_rows=4))))
    run.start()
    deadline = time.monotonic() + 90
    while stub.served() < 6 and time.monotonic() < deadline:
        time.sleep(0.02)
    # The 6th request has just gone out and waits 0.4 s for its answer: its actor is mid-batch. Kill
    # every brief actor, so that one is among them whatever the order Ray started them in.
    victims = worker_pids()
    assert victims, "no brief actor process found"
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    restarted: set[int] = set()
    while run.is_alive() and time.monotonic() < deadline + 60:
        restarted.update(set(worker_pids()) - set(victims))
        time.sleep(0.1)
    run.join(timeout=5)
    assert not run.is_alive()
    assert restarted, "Ray did not start the actors again"
    written = ids_in(output)
    assert sorted(written) == ids  # every row once: the killed actors' batches were briefed again by Ray
    assert stub.served() > len(ids)  # ...which cost the requests answered to the dead ones
    assert outcome["summary"].done == len(ids)  # type: ignore[union-attr]


def test_with_one_endpoint_of_two_down_every_row_is_briefed_through_the_other(
    cluster: str, stub: Stub, tmp_path: Path
) -> None:
    ids = write_rows(tmp_path / "in.jsonl", 12)
    output = tmp_path / "briefs.jsonl"
    summary = run_ray_job(job_for(tmp_path / "in.jsonl", output, stub.url, endpoints=[dead_url(), stub.url]))
    assert (summary.done, summary.failed) == (len(ids), 0)
    assert sorted(ids_in(output)) == ids
    assert stub.served() == len(ids)  # one answered request per row: the dead one answered none


DRIVER = """
import sys
from pathlib import Path
from summarizer.distributed.job import RayJob, connect, run_ray_job
from summarizer.settings import Settings
address, inputs, output, url = sys.argv[1:5]
connect(address)
settings = Settings(base_url=url, api_key="stub", model="stub", mode="tools", timeout=30, prompt="brief-v3")
run_ray_job(RayJob([inputs], Path(output), settings, input_format="jsonl", published="2024-02-02",
                   concurrency=2, batch_size=2, workers=1, worker_cpus=0.5, part_rows=2))
"""


def test_a_rerun_after_a_killed_driver_briefs_only_what_is_missing(cluster: str, stub: Stub, tmp_path: Path) -> None:
    ids = write_rows(tmp_path / "in.jsonl", 16)
    output = tmp_path / "briefs.parquet"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER, cluster, str(tmp_path / "in.jsonl"), str(output), stub.url],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while len(OutputDataset(output).parts()) < 2 and time.monotonic() < deadline and driver.poll() is None:
        time.sleep(0.05)
    driver.kill()
    driver.wait(timeout=30)
    before = ids_in(output)
    assert 0 < len(before) < len(ids), "the driver was to be killed mid-run"
    gone = time.monotonic() + 30
    while worker_pids() and time.monotonic() < gone:  # Ray ends the dead driver's actors: wait for it
        time.sleep(0.1)
    served = stub.served()
    summary = run_ray_job(job_for(tmp_path / "in.jsonl", output, stub.url))
    assert sorted(ids_in(output)) == ids  # every row exactly once, across the two runs
    assert summary.already == len(before) and summary.done == len(ids) - len(before)
    assert stub.served() - served == len(ids) - len(before)  # nothing done before was asked again


def test_brief_batch_engine_ray_writes_parquet_from_files(cluster: str, stub: Stub, tmp_path: Path) -> None:
    from summarizer.cli import app

    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(3):
        (folder / f"a{n}.txt").write_text(f"{TEXT}\n(Copy {n}.)\n", encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    output = tmp_path / "out.parquet"
    args = ["batch", "--engine", "ray", str(folder), "-o", str(output), "--endpoints", f"{stub.url},{stub.url}",
            "--model", "stub", "--mode", "tools", "--published", "2024-02-02", "-q"]
    result = CliRunner().invoke(app, args, env={"OPENAI_API_KEY": "stub"})
    assert result.exit_code == 2, result.output  # only bad input failed
    rows = list(OutputDataset(output).rows())
    assert sorted(r["id"] for r in rows if r["brief"]) == sorted(str(folder / f"a{n}.txt") for n in range(3))
    assert [r["error"] for r in rows if not r["brief"]] == ["InputError"]
    served = stub.served()
    again = CliRunner().invoke(app, args[:-1], env={"OPENAI_API_KEY": "stub"})
    # Everything is settled: the briefs, and the empty article (its text can never brief, so it is not retried).
    assert "done 0, failed 0 this run; 4 already" in again.output and again.exit_code == 0
    assert stub.served() == served
