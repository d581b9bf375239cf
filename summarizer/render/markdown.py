"""A brief as Markdown: for wikis, tickets and chat tools that read Markdown.

Every piece of data (the model's words, the article's quotes and names, the source) is escaped:
no raw HTML, link, image, emphasis or heading is produced by data, only by the layout here.
"""

from __future__ import annotations

import re

from ..schema import Brief, Position
from .common import date_label, footer

# Markdown's inline specials: backslash, code, emphasis, links and images ([ ]), raw HTML (< >), tables.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(\s*\d*)([#>+=.)-])")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|www)(:|\.)")


def escape(text: str) -> str:
    """``text`` as inert Markdown: one line, specials backslash-escaped, no autolink or entity.

    >>> escape("<img src=x> [login](https://phish.example) *now*")
    '\\\\<img src=x\\\\> \\\\[login\\\\](https&#58;//phish.example) \\\\*now\\\\*'
    """
    text = " ".join(text.split())  # data never breaks a line: no heading or list starts inside it
    text = _ENTITY.sub("&amp;", text)
    text = _SPECIAL.sub(r"\\\1", text)
    # GFM links bare URLs and www. names: an entity for ':' or '.' keeps them text, and renders the same.
    text = _AUTOLINK.sub(lambda m: m.group(1) + ("&#58;" if m.group(2) == ":" else "&#46;"), text)
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _position_line(position: Position) -> str:
    """A quote is shown in quotation marks only when it was found verbatim in the article."""
    if position.quote and position.quote_verified:
        return f"{escape(position.actor)}: “{escape(position.quote)}” — {escape(position.stance)}"
    return f"{escape(position.actor)}: {escape(position.stance)}"


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"## {title}", "", *[f"- {line}" for line in lines], ""] if lines else []


def to_markdown(brief: Brief) -> str:
    who = [
        f"**{escape(a.name)}** ({escape(a.kind)}{', ' + escape(a.role) if a.role else ''})" for a in brief.who
    ]
    out = [f"# {escape(brief.headline)}", "", escape(brief.summary), ""]
    out += _section("Who", who)
    out += _section("What", [escape(item) for item in brief.what])
    out += _section("Where", [escape(p.name) for p in brief.where])
    out += _section("When", [escape(date_label(d)) for d in brief.when])
    out += _section("Stated positions", [_position_line(p) for p in brief.positions])
    out += _section("Open questions", [escape(q) for q in brief.open_questions])
    out += _section("Warnings", [escape(w) for w in brief.meta.warnings])
    out += ["---", f"_{escape(footer(brief))}_", ""]
    return "\n".join(out)
