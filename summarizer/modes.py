"""The structured-output mode names, declared once.

Its own light module (no pydantic) so the commands' ``--mode`` help can list them while ``brief --help``
stays fast; ``settings.py`` validates against the same tuple.
"""

from __future__ import annotations

from typing import Literal, get_args

ModeName = Literal["auto", "tools", "json", "md_json", "json_schema"]
MODES: tuple[str, ...] = get_args(ModeName)
