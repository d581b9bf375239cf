"""The one way a command reports failure: one line on stderr, the exit code of the error."""

from __future__ import annotations

from typing import Any, NoReturn

import typer

from .errors import BriefError


def stderr() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def fail(error: BriefError, verbose: bool, *, prog: str = "brief") -> NoReturn:
    """Print ``prog: message`` (a traceback only with -v) and exit with the error's code."""
    stderr().print(f"[bold red]{prog}:[/] {error}", markup=True, soft_wrap=True)
    if verbose:
        import traceback

        traceback.print_exception(error)
    raise typer.Exit(error.exit_code)
