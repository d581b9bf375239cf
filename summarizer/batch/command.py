"""``brief batch PATH... -o briefs.jsonl``: argument parsing and display over ``run_batch``.

Registered in ``cli.py`` with ``app.command("batch")(batch_command)``. Heavy modules load
only once a batch really runs, so ``brief --help`` stays fast.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..console import fail
from ..console import stderr as _stderr
from ..errors import BriefError, InputError
from ..options import BaseUrlOption, GgufOption, MaxRetriesOption, ModelOption, ModeOption, VerboseOption

VIA_NAMES = ("direct", "batch-api")
ENGINE_NAMES = ("plain", "ray")


def _fail(error: BriefError, verbose: bool) -> None:
    fail(error, verbose, prog="brief batch")


def _check(concurrency: int, rpm: float | None, tpm: float | None, via: str) -> None:
    if concurrency < 1:
        raise InputError("--concurrency must be at least 1")
    if (rpm is not None and rpm <= 0) or (tpm is not None and tpm <= 0):
        raise InputError("--rpm and --tpm must be positive")
    if via not in VIA_NAMES:
        raise InputError(f"unknown --via {via!r}: use one of {', '.join(VIA_NAMES)}")


def batch_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Article files, directories (walked for .txt/.md/.html) and globs.", show_default=False),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="JSONL file: one brief a line, appended (ray: or .parquet).")
    ] = Path("briefs.jsonl"),
    published: Annotated[
        str | None, typer.Option("--published", "-p", help="Publication date (YYYY-MM-DD) for every article.")
    ] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", "-j", help="Briefs in flight at once.")] = 8,
    rpm: Annotated[float | None, typer.Option(help="Requests per minute at most, for this endpoint.")] = None,
    tpm: Annotated[float | None, typer.Option(help="Tokens per minute at most, for this endpoint.")] = None,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse briefs of articles seen before.")] = True,
    clear_cache: Annotated[bool, typer.Option("--clear-cache", help="Empty the brief cache first.")] = False,
    via: Annotated[str, typer.Option(help="direct, or batch-api (the OpenAI Batch API, then re-asks).")] = "direct",
    poll: Annotated[float, typer.Option(help="With --via batch-api: seconds between status checks.")] = 30.0,
    prompt_cache_mb: Annotated[
        int, typer.Option(help="Embedded model: MiB of prompt KV states kept in RAM (0: off).")
    ] = 0,
    fsync: Annotated[bool, typer.Option("--fsync/--no-fsync", help="Sync each line to disk as written.")] = True,
    engine: Annotated[
        str, typer.Option(help="plain (this process), or ray (a Ray cluster; -o .jsonl or .parquet).")
    ] = "plain",
    address: Annotated[
        str | None, typer.Option(help="--engine ray: the cluster to join (auto, ray://HOST:10001); default local.")
    ] = None,
    input_format: Annotated[
        str, typer.Option(help="--engine ray: files (as above), or jsonl / parquet rows with text, path or url.")
    ] = "files",
    endpoints: Annotated[
        str | None, typer.Option(help="--engine ray: a pool, URL1,URL2,... or a file with one URL a line.")
    ] = None,
    workers: Annotated[int, typer.Option(help="--engine ray: Ray actors, each with --concurrency in flight.")] = 2,
    per_endpoint: Annotated[
        int | None, typer.Option(help="--engine ray: requests in flight per endpoint, per worker.")
    ] = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    max_retries: MaxRetriesOption = None,
    gguf: GgufOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary on stderr.")] = False,
    verbose: VerboseOption = False,
) -> None:
    """Brief many articles into a JSONL file; run it again to finish what is left and retry failures."""
    console = _stderr()
    progress: Any = None
    try:
        _check(concurrency, rpm, tpm, via)
        from ..settings import resolve_settings

        # Before --clear-cache or any work: a bad flag or variable stops the run here.
        settings = resolve_settings(model=model, base_url=base_url, mode=mode, max_retries=max_retries, gguf=gguf)
        if clear_cache:
            from .cache import clear_cache as clear

            removed = clear()
            if not quiet:
                console.print(f"cache cleared ({removed} brief(s))")
            if not paths:
                return
        if not paths:
            raise InputError("name at least one article file, directory or glob")
        if verbose:
            logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
        if engine not in ENGINE_NAMES:
            raise InputError(f"unknown --engine {engine!r}: use one of {', '.join(ENGINE_NAMES)}")
        if engine == "ray":
            if via != "direct" or prompt_cache_mb:
                raise InputError("--via batch-api and --prompt-cache-mb are for the plain engine, not --engine ray")
            ray_options = {
                "input_format": input_format, "endpoints": endpoints, "workers": workers, "address": address,
                "per_endpoint": per_endpoint, "concurrency": concurrency, "rpm": rpm, "tpm": tpm, "fsync": fsync,
            }
            _ray(paths, output, settings, published, ray_options, console, quiet, verbose)
            return
        if address or endpoints or input_format != "files":
            raise InputError("--address, --endpoints and --input-format need --engine ray")

        import asyncio

        from ..pipeline import parse_published
        from .cache import BriefCache
        from .job import BatchJob, run_batch
        from .progress import BarProgress, summary_lines

        store = BriefCache.open() if cache else None
        job = BatchJob(
            paths=list(paths), output=output, settings=settings, published=parse_published(published),
            concurrency=concurrency, rpm=rpm, tpm=tpm, cache=store, via=via,  # type: ignore[arg-type]
            fsync=fsync, prompt_cache_bytes=prompt_cache_mb * 2**20 or None, poll_seconds=poll,
        )
        try:
            with BarProgress(console, quiet=quiet) as progress:
                summary = asyncio.run(run_batch(job, progress))
        finally:
            if store is not None:
                store.close()
    except BriefError as error:
        _fail(error, verbose)
    except KeyboardInterrupt:
        written = progress.written if progress is not None else 0
        console.print(f"brief batch: interrupted after {written} brief(s) written; run it again to continue")
        raise typer.Exit(130) from None
    if not quiet:
        for line in summary_lines(summary):
            console.print(line, markup=False)
        if summary.failed:
            console.print(f"failures and reasons: {job.failures_path}", markup=False)
    if summary.exit_code:
        raise typer.Exit(summary.exit_code)


def _ray(paths: list[str], output: Path, settings: Any, published: str | None, options: dict[str, Any],
         console: Any, quiet: bool, verbose: bool) -> None:
    """``--engine ray``: the same inputs and summary, briefed on a Ray cluster (``summarizer/distributed``)."""
    from ..distributed.command import check_ray_options, ray_batch, ray_job_from_options, ray_summary_lines
    from ..pipeline import parse_published

    check_ray_options(options["input_format"], options["workers"], options["per_endpoint"], output)
    day = parse_published(published)
    job = ray_job_from_options(paths, output, settings, published=day.isoformat() if day else None, **options)
    try:
        summary = ray_batch(job, console, quiet=quiet, verbose=verbose)
    except KeyboardInterrupt:
        console.print(f"brief batch: interrupted; what was written stays in {output}; run it again to continue")
        raise typer.Exit(130) from None
    if not quiet:
        for line in ray_summary_lines(summary, output):
            console.print(line)
    if summary.exit_code:
        raise typer.Exit(summary.exit_code)


__all__ = ["batch_command"]
