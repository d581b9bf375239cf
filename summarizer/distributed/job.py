"""A batch on a Ray cluster: inputs as a Ray Dataset, briefed by an actor pool, written once by the driver.

``run_ray_job`` is what ``brief batch --engine ray`` calls; a Python caller (or ``ray job submit``) can too::

    summary = run_ray_job(RayJob(["archive/*.parquet"], Path("briefs.parquet"), settings,
                                 input_format="parquet", endpoints=["http://gpu-1:8000/v1", "http://gpu-2:8000/v1"]))

The pipeline is Ray Data's own: a reader (files, JSONL or Parquet; Ray splits it in blocks),
``map_batches`` over ``workers`` actors of ``BriefWorker`` (Ray restarts an actor that dies and re-runs
its batch; backpressure keeps memory flat), and ``iter_batches`` back to the driver, which writes each
row it receives once (``store.py``). Before it starts, the keys the output already settles are read and
handed to every actor, which drops their rows: a rerun after a killed driver does only what is left.
Ray is imported here, on first use: the core package never needs it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..batch.inputs import expand_paths
from ..errors import EXIT_INPUT, EXIT_MODEL, EXIT_OK, InputError
from ..settings import Settings
from .rows import Loaded, output_row, prompt_identity
from .store import PART_ROWS, OutputDataset
from .worker import BriefWorker

Row = dict[str, Any]
READ_CPUS = 0.25
InputFormat = Literal["files", "jsonl", "parquet"]
INPUT_FORMATS: tuple[str, ...] = ("files", "jsonl", "parquet")


@dataclass
class RayJob:
    inputs: list[str]
    output: Path
    settings: Settings
    input_format: InputFormat = "files"
    published: str | None = None  # for rows without their own
    endpoints: list[str] = field(default_factory=list)  # a pool; empty: settings' endpoint
    concurrency: int = 8  # briefs in flight per worker
    per_endpoint: int | None = None  # requests in flight per endpoint, per worker (default: concurrency)
    rpm: float | None = None  # per endpoint, per worker
    tpm: float | None = None
    workers: int = 2  # actors
    worker_cpus: float = 1.0  # CPUs Ray reserves for each (one event loop uses about one core at full speed)
    batch_size: int = 16  # rows per batch handed to an actor: Ray's unit of retry
    address: str | None = None  # an existing cluster ("auto", "ray://head:10001"); None: local
    fsync: bool = True
    part_rows: int = PART_ROWS  # .parquet output: rows per part (a killed driver loses at most one part's)


@dataclass
class RaySummary:
    already: int = 0  # keys the output settled before this run (their rows were skipped)
    done: int = 0  # briefs written this run
    failed: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    seconds: float = 0.0
    failure_codes: list[int] = field(default_factory=list)

    def add(self, row: Mapping[str, Any]) -> None:
        if row.get("brief") is not None:
            self.done += 1
        else:
            self.failed += 1
            self.failure_codes.append(int(row.get("exit_code") or EXIT_MODEL))
        self.calls += int(row.get("calls") or 0)
        self.prompt_tokens += int(row.get("prompt_tokens") or 0)
        self.completion_tokens += int(row.get("completion_tokens") or 0)

    @property
    def exit_code(self) -> int:
        """0 when nothing failed; 2 when only inputs were bad; 1 when a model call failed."""
        if not self.failure_codes:
            return EXIT_OK
        return EXIT_INPUT if all(code == EXIT_INPUT for code in self.failure_codes) else EXIT_MODEL


def file_rows(patterns: Sequence[str], settings: Settings, run: str) -> tuple[list[Row], list[Row]]:
    """Files, directories and globs (as ``brief batch`` reads them) as rows with absolute paths.

    Returns (rows to brief, rows out for inputs that name nothing: a glob without matches, an empty folder).
    """
    rows, problems = [], []
    for item in expand_paths(patterns):
        if item.problem is not None or item.path is None:
            loaded = Loaded(item.source, item.source, None, error=InputError(f"{item.source}: {item.problem}"))
            problems.append(output_row(loaded, settings, run))
        else:
            # Workers may run elsewhere (another cwd, another node on a shared filesystem): absolute paths.
            rows.append({"id": item.source, "path": str(item.path.resolve())})
    return rows, problems


def read_inputs(job: RayJob, run: str) -> tuple[Any, list[dict[str, Any]]]:
    """The job's inputs as a ``ray.data.Dataset`` of rows in, and rows out for inputs that name nothing."""
    import ray.data

    if job.input_format == "files":
        rows, problems = file_rows(job.inputs, job.settings, run)
        # One block per batch, and at least one per worker, so a small job still reaches every worker.
        blocks = max(1, min(len(rows), max(job.workers, -(-len(rows) // max(1, job.batch_size))), 1000))
        return ray.data.from_items(rows, override_num_blocks=blocks) if rows else None, problems
    missing = [p for p in job.inputs if "://" not in p and not Path(p).exists()]
    if missing:
        raise InputError(f"{missing[0]}: no such file or folder")
    paths = [p if "://" in p else str(Path(p).resolve()) for p in job.inputs]
    # Reading is I/O: a quarter of a CPU per read task leaves the cores to the workers, which need them.
    reader = {"num_cpus": READ_CPUS}
    if job.input_format == "jsonl":
        return ray.data.read_json(paths, lines=True, **reader), []
    return ray.data.read_parquet(paths, **reader), []


def worker_cpus(job: RayJob, cluster_cpus: float) -> float:
    """CPUs per worker, cut down when the workers would take every CPU and leave none for reading
    (Ray would wait for ever: readers and actors both waiting on the other), as on a small machine."""
    room = cluster_cpus - READ_CPUS
    if job.workers * job.worker_cpus <= room or room <= 0:
        return job.worker_cpus
    return round(room / job.workers, 3)


def connect(address: str | None, **options: Any) -> None:
    """Join the cluster at ``address`` (or start a local one), once per process."""
    import ray

    if not ray.is_initialized():
        ray.init(address=address, log_to_driver=False, **options)


def run_ray_job(job: RayJob, on_rows: Callable[[list[dict[str, Any]]], None] | None = None) -> RaySummary:
    """Brief every input row the output does not settle yet; rows are written as they come back."""
    started = time.perf_counter()
    prompt_identity(job.settings.prompt)  # an unknown prompt is the caller's error, before any work
    store = OutputDataset(job.output)
    done = store.done_keys()
    summary = RaySummary(already=len(done))
    run = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]
    connect(job.address)
    import ray
    import ray.data

    dataset, problems = read_inputs(job, run)
    writer = store.writer(run, fsync=job.fsync, part_rows=job.part_rows)

    def take(rows: list[Row]) -> None:
        writer.write(rows)
        for row in rows:
            summary.add(row)
        if on_rows is not None:
            on_rows(rows)

    try:
        take(problems)  # inputs that name nothing (a glob without matches): rows out, without Ray
        if dataset is not None:
            briefed = dataset.map_batches(
                BriefWorker,
                fn_constructor_kwargs={
                    "settings": job.settings, "endpoints": list(job.endpoints), "concurrency": job.concurrency,
                    "per_endpoint": job.per_endpoint, "rpm": job.rpm, "tpm": job.tpm,
                    "published": job.published, "done": frozenset(done), "run": run,
                },
                batch_size=job.batch_size,
                batch_format="pyarrow",
                compute=ray.data.ActorPoolStrategy(size=job.workers),
                num_cpus=worker_cpus(job, float(ray.cluster_resources().get("CPU", 1))),
            )
            for batch in briefed.iter_batches(batch_size=None, batch_format="pyarrow"):
                take(batch.to_pylist())
    finally:
        writer.close()
        summary.seconds = round(time.perf_counter() - started, 3)
    return summary


__all__ = ["INPUT_FORMATS", "RayJob", "RaySummary", "connect", "file_rows", "read_inputs", "run_ray_job"]
