"""The same batch with the plain engine and with Ray (1 and 2 workers), then Ray over a pool of 1, 2 and 4 endpoints.

Endpoints are ``openai_stub.py`` (the recorded sample answer after a fixed 200 ms; a stub, named as one).
Every run briefs the same 2,000 article files (copies of the sample, one line each added) into a fresh
JSONL output. For each it prints briefs/s and the client's CPU ms per brief: the CPU time of every process
of this benchmark except the stubs (the driver and, for Ray, its GCS, raylet and worker processes, counted
through /proc, sampled every 0.1 s so workers that exit are counted too), divided by the briefs.

    .venv/bin/python bench/ray_scale.py                 # 2,000 articles, concurrency 16 per worker
    .venv/bin/python bench/ray_scale.py --articles 500  # quicker

Linux only (/proc). Prints figures; it is not a timed test. On a shared machine, other load shows in
briefs/s but not in CPU ms per brief, which counts only this benchmark's processes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from _stub import stub

from summarizer.batch.job import BatchJob, run_batch
from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = (ROOT / "fixtures/articles/us-strikes-iraq-syria-2024-02-02.txt").read_text(encoding="utf-8")
LATENCY = 0.2
TICK = os.sysconf("SC_CLK_TCK")


def write_articles(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"a{number:05d}.txt").write_text(f"{SAMPLE}\n\n(Archive copy {number}.)\n", encoding="utf-8")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds the process itself has used)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()  # after "pid (comm) "
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def tree(root: int, exclude: set[int]) -> dict[int, float]:
    """CPU seconds of ``root`` and each of its descendants, less the ``exclude``d processes (the stubs)."""
    stats = {int(p.name): s for p in Path("/proc").iterdir() if p.name.isdigit() and (s := _stat(int(p.name)))}
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in exclude or pid not in stats:
            continue
        found[pid] = stats[pid][1]
        todo.extend(children.get(pid, []))
    return found


class CpuSampler:
    """CPU time of a process tree over a run, worker processes that exit during it included.

    Ray's workers end with their dataset and are not reaped into their parent's times, so each
    process is sampled every ``every`` seconds and counted up to its last sample.
    """

    def __init__(self, exclude: set[int], every: float = 0.1) -> None:
        self.exclude, self.every = exclude, every
        self.first = tree(os.getpid(), exclude)
        self.last = dict(self.first)
        self.stopping = threading.Event()
        self.own = 0.0
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self) -> None:
        while not self.stopping.wait(self.every):
            self.last.update(tree(os.getpid(), self.exclude))
        self.own = time.thread_time()  # the sampling's own CPU, taken out of the figure

    def stop(self) -> float:
        self.stopping.set()
        self.thread.join()
        self.last.update(tree(os.getpid(), self.exclude))
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items()) - self.own


def measure(label: str, run: Callable[[], int], stubs: set[int]) -> float:
    """Run it, print its line, and return its CPU ms per brief."""
    sampler, wall0 = CpuSampler(stubs), time.perf_counter()
    done = run()
    wall, cpu = time.perf_counter() - wall0, sampler.stop()
    print(f"{label:<46} {done:>5} briefs {wall:7.1f} s {done / wall:7.1f} briefs/s {cpu / max(done, 1) * 1000:7.1f} "
          "CPU ms/brief", flush=True)
    return cpu / max(done, 1) * 1000


def settings_for(url: str) -> Settings:
    return Settings(base_url=url, api_key="stub", model="stub", mode="tools", timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16, help="briefs in flight per process / per worker")
    parser.add_argument("--per-endpoint", type=int, default=4, help="pool runs: in flight per endpoint, per worker")
    args = parser.parse_args()
    print(f"{args.articles} articles, stub latency {LATENCY * 1000:.0f} ms, concurrency {args.concurrency}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        urls = [stack.enter_context(stub(latency=LATENCY)) for _ in range(4)]
        stubs = {child for child in _children(os.getpid())}
        folder = Path(tmp, "in")
        write_articles(folder, args.articles)
        outputs = iter(range(100))

        def plain() -> int:
            job = BatchJob([str(folder)], Path(tmp, f"plain{next(outputs)}.jsonl"), settings_for(urls[0]),
                           published="2024-02-02", concurrency=args.concurrency)
            return asyncio.run(run_batch(job)).done

        write_articles(Path(tmp, "warm"), 4)  # imports paid before the clock starts
        asyncio.run(run_batch(BatchJob([str(Path(tmp, "warm"))], Path(tmp, "warm.jsonl"), settings_for(urls[0]))))
        plain_ms = measure("plain engine, 1 endpoint", plain, stubs)

        import ray

        from summarizer.distributed.command import quiet_ray
        from summarizer.distributed.job import RayJob, run_ray_job

        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False)
        quiet_ray(verbose=False)

        def on_ray(workers: int, endpoints: list[str], per_endpoint: int | None = None) -> Callable[[], int]:
            def go() -> int:
                job = RayJob([str(folder)], Path(tmp, f"ray{next(outputs)}.jsonl"), settings_for(endpoints[0]),
                             published="2024-02-02", endpoints=endpoints, concurrency=args.concurrency,
                             per_endpoint=per_endpoint, workers=workers, worker_cpus=0.5, batch_size=64)
                return run_ray_job(job).done

            return go

        try:
            one = measure("ray, 1 worker, 1 endpoint", on_ray(1, urls[:1]), stubs)
            two = measure("ray, 2 workers, 1 endpoint", on_ray(2, urls[:1]), stubs)
            print(f"Ray's CPU per brief over the plain engine's: {one / plain_ms:.2f}x with 1 worker, "
                  f"{two / plain_ms:.2f}x with 2", flush=True)
            for count in (1, 2, 4):
                label = f"ray, 2 workers, pool of {count} ({args.per_endpoint}/endpoint/worker)"
                measure(label, on_ray(2, urls[:count], args.per_endpoint), stubs)
        finally:
            ray.shutdown()
    print(f"load average {os.getloadavg()[0]:.1f} at the end", flush=True)


def _children(pid: int) -> list[int]:
    stats = ((int(p.name), _stat(int(p.name))) for p in Path("/proc").iterdir() if p.name.isdigit())
    return [child for child, stat in stats if stat and stat[0] == pid]


if __name__ == "__main__":
    main()
