"""The one way a command reports failure: one line on stderr, the exit code of the error."""

from __future__ import annotations

from typing import Any, NoReturn

import typer

from .errors import BriefError


def stderr() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def error_line(prog: str, message: object, style: str = "bold red") -> Any:
    """``prog: message`` as rich ``Text``: the message (often the model's or the article's words) is never markup."""
    from rich.text import Text

    return Text.assemble((f"{prog}:", style), " ", str(message))


def fail(error: BriefError, verbose: bool, *, prog: str = "brief") -> NoReturn:
    """Print ``prog: message`` (a traceback only with -v, secrets redacted) and exit with the error's code."""
    stderr().print(error_line(prog, error), soft_wrap=True)
    if verbose:
        print_traceback(error)
    raise typer.Exit(error.exit_code)


def print_traceback(error: BaseException) -> None:
    """The traceback of ``error`` on stderr, with every registered secret (keys, webhook URLs) masked."""
    import sys
    import traceback

    from .llm.redact import redact

    sys.stderr.write(redact("".join(traceback.format_exception(error))))
