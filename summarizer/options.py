"""Command-line options shared by every command that asks a model, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ModelOption = Annotated[str | None, typer.Option(help="Model name at the endpoint [env BRIEF_MODEL].")]
BaseUrlOption = Annotated[
    str | None, typer.Option(help="OpenAI-compatible endpoint [env OPENAI_BASE_URL].", show_default=False)
]
ModeOption = Annotated[
    str | None, typer.Option(help="Structured-output mode: auto, tools, json, md_json, json_schema.")
]
MaxRetriesOption = Annotated[int | None, typer.Option(help="Re-asks when the answer fails validation.")]
GgufOption = Annotated[Path | None, typer.Option(help="Run this GGUF model in-process [env BRIEF_GGUF].")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Log requests; show tracebacks.")]
