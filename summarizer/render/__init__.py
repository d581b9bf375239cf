"""Turning a ``Brief`` into output: a terminal layout, Markdown, JSON or an HTML evidence view.

Rendering never loads data.
"""

from __future__ import annotations

from ..schema import Brief
from .html import to_html
from .markdown import to_markdown

FORMATS = ("text", "markdown", "json", "html")


def to_json(brief: Brief) -> str:
    return brief.model_dump_json(indent=2)


__all__ = ["FORMATS", "to_html", "to_json", "to_markdown"]
