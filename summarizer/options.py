"""Command-line options shared by every command that asks a model, declared once.

Each is a field of ``settings.Settings`` of the same name: ``settings.resolve_settings`` applies the
flags over the environment and validates them there, so a flag and its variable accept the same values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .modes import MODES

ModelOption = Annotated[str | None, typer.Option(help="Model name at the endpoint [env BRIEF_MODEL].")]
BaseUrlOption = Annotated[
    str | None, typer.Option(help="OpenAI-compatible endpoint [env OPENAI_BASE_URL].", show_default=False)
]
ModeOption = Annotated[
    str | None, typer.Option(help=f"Structured-output mode: {', '.join(MODES)} [env BRIEF_MODE].")
]
MaxRetriesOption = Annotated[
    int | None, typer.Option(help="Re-asks when the answer fails validation, 0 to 10 [env BRIEF_MAX_RETRIES].")
]
GgufOption = Annotated[Path | None, typer.Option(help="Run this GGUF model in-process [env BRIEF_GGUF].")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Log requests; show tracebacks.")]
