"""``brief batch --engine ray``: the options only the Ray engine has, checked, and the run shown.

``batch/command.py`` parses the arguments and calls ``ray_batch``; this module holds what the Ray
path adds (the endpoint list, the input format, the cluster address) and the summary it prints.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..settings import Settings
from .job import INPUT_FORMATS, RayJob, RaySummary, run_ray_job


def check_ray_options(input_format: str, workers: int, per_endpoint: int | None, output: Path) -> None:
    if input_format not in INPUT_FORMATS:
        raise InputError(f"unknown --input-format {input_format!r}: use one of {', '.join(INPUT_FORMATS)}")
    if workers < 1:
        raise InputError("--workers must be at least 1")
    if per_endpoint is not None and per_endpoint < 1:
        raise InputError("--per-endpoint must be at least 1")
    from .store import layout_of

    layout_of(output)


def ray_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("ray") is not None and importlib.util.find_spec("pyarrow") is not None


def quiet_ray(verbose: bool) -> None:
    """Ray Data logs every operator's progress at INFO and draws its own bars: ours is the one line a run needs."""
    if verbose:
        return
    from ray.data import DataContext  # first: importing Ray Data sets its loggers' levels

    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)
    context = DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False


def ray_batch(job: RayJob, console: Any, *, quiet: bool, verbose: bool) -> RaySummary:
    """Run ``job`` with a running count on stderr; returns the tally (the caller prints ``ray_summary_lines``)."""
    if not ray_available():
        raise InputError("--engine ray needs Ray: pip install 'brief-summarizer[ray]'")
    from .job import connect

    connect(job.address, logging_level=logging.INFO if verbose else logging.WARNING)
    quiet_ray(verbose)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("briefing on Ray"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[failed]}"),
        TimeElapsedColumn(), console=console, disable=quiet,
    ) as bar:
        task = bar.add_task("briefing", total=None, failed="")
        failed = 0

        def advance(rows: list[dict[str, Any]]) -> None:
            nonlocal failed
            failed += sum(row.get("brief") is None for row in rows)
            bar.update(task, advance=len(rows), failed=f"{failed} failed" if failed else "")

        return run_ray_job(job, on_rows=advance)


def ray_summary_lines(summary: RaySummary, output: Path) -> list[str]:
    lines = [
        f"done {summary.done}, failed {summary.failed} this run; {summary.already} already in {output} (skipped)",
        f"tokens in {summary.prompt_tokens:,} / out {summary.completion_tokens:,} in {summary.calls} call(s); "
        f"wall time {summary.seconds:.1f}s",
    ]
    if summary.failed:
        lines.append(f"failures are rows with 'error' and 'reason' in {output}; a rerun retries the model failures")
    return lines


def ray_job_from_options(paths: list[str], output: Path, settings: Settings, **options: Any) -> RayJob:
    """The job the command's options describe; ``endpoints`` is ``URL1,URL2`` or a file of URLs."""
    from ..llm.pool import parse_endpoints

    endpoints = options.pop("endpoints", None)
    urls = parse_endpoints(endpoints) if endpoints else []
    return RayJob(inputs=list(paths), output=output, settings=settings, endpoints=urls, **options)


__all__ = ["check_ray_options", "ray_batch", "ray_job_from_options", "ray_summary_lines"]
