"""What a person sees while a batch runs: a progress bar on stderr with rate and ETA, then a summary."""

from __future__ import annotations

from typing import Any

from .job import BatchSummary
from .runner import BatchResult


class BarProgress:
    """A ``rich`` progress bar (briefs/s, ETA); a failure prints one line above it and the bar goes on."""

    def __init__(self, console: Any, *, quiet: bool = False) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = console
        self.quiet = quiet
        self.written = 0
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            disable=quiet,
            transient=False,
        )
        self._task: Any = None

    def __enter__(self) -> BarProgress:
        self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.__exit__(None, None, None)

    def start(self, total: int, skipped: int) -> None:
        if skipped and not self.quiet:
            self.console.print(f"[dim]{skipped} already in the output: skipped[/]")
        self._task = self._bar.add_task("briefing", total=total, rate="")

    def phase(self, text: str) -> None:
        if not self.quiet:
            self.console.print(f"… {text}", style="dim", markup=False)

    def advance(self, result: BatchResult) -> None:
        self.written += result.ok
        if not result.ok and not self.quiet:
            from rich.text import Text  # the error quotes the model or the article: never markup

            self.console.print(Text.assemble(("failed", "red"), " ", str(result.error)), soft_wrap=True)
        if self._task is not None:
            task = self._bar.tasks[self._task]
            speed = task.speed  # rich's moving average, in briefs per second
            self._bar.update(self._task, advance=1, rate=f"{speed:.1f}/s" if speed else "")


def summary_lines(summary: BatchSummary) -> list[str]:
    """The end-of-run tally, in plain words."""
    lines = [
        f"done {summary.done} (cached {summary.cached}), failed {summary.failed}, "
        f"skipped {summary.skipped} already done, of {summary.total} input(s)",
        f"tokens in {summary.prompt_tokens:,} / out {summary.completion_tokens:,} in {summary.calls} call(s); "
        f"wall time {summary.seconds:.1f}s",
    ]
    if summary.retried:
        lines.append(f"{summary.retried} earlier failure(s) retried")
    return lines
