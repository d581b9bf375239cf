"""A brief as Markdown: for wikis, tickets and chat tools that read Markdown."""

from __future__ import annotations

from ..schema import Brief
from .common import date_label, footer, position_line


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"## {title}", "", *[f"- {line}" for line in lines], ""] if lines else []


def to_markdown(brief: Brief) -> str:
    who = [f"**{a.name}** ({a.kind}{', ' + a.role if a.role else ''})" for a in brief.who]
    out = [f"# {brief.headline}", "", brief.summary, ""]
    out += _section("Who", who)
    out += _section("What", brief.what)
    out += _section("Where", [p.name for p in brief.where])
    out += _section("When", [date_label(d) for d in brief.when])
    out += _section("Stated positions", [position_line(p) for p in brief.positions])
    out += _section("Open questions", brief.open_questions)
    out += _section("Warnings", brief.meta.warnings)
    out += ["---", f"_{footer(brief)}_", ""]
    return "\n".join(out)
