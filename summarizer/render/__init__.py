"""Turning a ``Brief`` into output: a terminal layout, Markdown, or JSON. Rendering never loads data."""

from __future__ import annotations

from ..schema import Brief
from .markdown import to_markdown

FORMATS = ("text", "markdown", "json")


def to_json(brief: Brief) -> str:
    return brief.model_dump_json(indent=2)


__all__ = ["FORMATS", "to_json", "to_markdown"]
