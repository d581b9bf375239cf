"""A brief laid out for the terminal with ``rich``."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..schema import Brief, Position
from .common import date_label, footer


def _heading(title: str) -> Text:
    return Text(title.upper(), style="bold cyan")


def _bullets(items: list[str]) -> RenderableType:
    return Group(*[Text("• " + item) for item in items]) if items else Text("—", style="dim")


def _position(position: Position, article: str | None, evidence: bool) -> RenderableType:
    line = Text()
    line.append(position.actor, style="bold")
    line.append(": " + position.stance)
    parts: list[RenderableType] = [line]
    if position.quote and position.quote_verified:
        parts.append(Padding(Text(f"“{position.quote}”", style="italic green"), (0, 0, 0, 2)))
        if evidence and article and position.quote_span:
            start, end = position.quote_span.start, position.quote_span.end
            before = article[max(0, start - 120) : start].split("\n")[-1]
            after = article[end : end + 120].split("\n")[0]
            context = Text("  …" + before, style="dim")
            context.append(article[start:end], style="underline")
            context.append(after + "…", style="dim")
            context.append(f"  [chars {start}–{end}]", style="dim cyan")
            parts.append(context)
    return Group(*parts)


def to_renderable(brief: Brief, *, article: str | None = None, evidence: bool = False) -> RenderableType:
    who = Table.grid(padding=(0, 2))
    for actor in brief.who:
        who.add_row(Text(actor.name, style="bold"), Text(actor.kind, style="dim"), Text(actor.role or ""))
    body: list[RenderableType] = [
        Text(brief.summary),
        Text(),
        _heading("Who"),
        who if brief.who else Text("—", style="dim"),
        _heading("What"),
        _bullets(brief.what),
        _heading("Where"),
        _bullets([p.name for p in brief.where]),
        _heading("When"),
        _bullets([date_label(d) for d in brief.when]),
        _heading("Stated positions"),
        Group(*[_position(p, article, evidence) for p in brief.positions]) if brief.positions else Text("—"),
        _heading("Open questions"),
        _bullets(brief.open_questions),
    ]
    if brief.meta.warnings:
        body += [_heading("Warnings"), Group(*[Text("! " + w, style="yellow") for w in brief.meta.warnings])]
    body += [Text(), Text(footer(brief), style="dim")]
    return Panel(Group(*body), title=Text(brief.headline, style="bold"), title_align="left")
