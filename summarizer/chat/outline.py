"""What a chat post says, before any platform's layout: one place decides the content.

The renderers only arrange and escape; they never reach back into the ``Brief``. Text here is
raw (untrusted article words, white space collapsed); each renderer escapes for its platform.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from summarizer.schema import Brief, DateMention, Position

from .limits import FOOTER_CAP, FOOTER_PART_CAP, FOOTER_SOURCE_CAP, QUOTE_CAP, SPEAKER_CAP, STANCE_CAP
from .text import clean, shorten


@dataclass(frozen=True)
class Stated:
    """One position: the speaker, their stance, and a quote only when it was verified."""

    speaker: str
    stance: str
    quote: str | None


@dataclass(frozen=True)
class Outline:
    headline: str
    summary: str
    who: list[str]
    where: list[str]
    when: list[str]
    positions: list[Stated]
    questions: list[str]
    footer: list[str]


def outline(brief: Brief) -> Outline:
    return Outline(
        headline=clean(brief.headline) or "Untitled brief",
        summary=clean(brief.summary),
        who=[_actor(a.name, a.role) for a in brief.who if a.name.strip()],
        where=[clean(p.name) for p in brief.where if p.name.strip()],
        when=[_date(d) for d in brief.when],
        positions=[_stated(p) for p in brief.positions if p.actor.strip() or p.stance.strip()],
        questions=[clean(q) for q in brief.open_questions if q.strip()],
        footer=_footer(brief),
    )


def _actor(name: str, role: str | None) -> str:
    return f"{clean(name)} ({clean(role)})" if role and role.strip() else clean(name)


def _date(d: DateMention) -> str:
    if d.date and d.end:
        resolved = f" ({d.date} to {d.end})"
    elif d.date:
        resolved = f" ({d.date})"
    else:
        resolved = ""
    return f"{clean(d.mention)}{resolved}: {clean(d.event)}"


def _stated(p: Position) -> Stated:
    # An unverified quote may be invented or misattributed: showing it in quotation marks
    # would put words in a real person's mouth, so only the paraphrased stance is shown.
    quote = clean(p.quote) if p.quote and p.quote_verified else None
    return Stated(speaker=clean(p.actor) or "Unnamed", stance=clean(p.stance), quote=quote or None)


def _footer(brief: Brief) -> list[str]:
    meta = brief.meta
    faithfulness = "not checked" if meta.faithfulness is None else f"{round(meta.faithfulness * 100)}%"
    parts = [f"Source: {clean(meta.source)}"] if meta.source else []
    if meta.published:
        parts.append(f"Published: {clean(meta.published)}")
    parts += [f"Model: {clean(meta.model)}", f"Faithfulness: {faithfulness}"]
    return parts


def position_line(stated: Stated, transform: Callable[[str], str], bold: Callable[[str], str]) -> str:
    """``Speaker: stance “quote”`` in one platform's escaping and bold syntax, within the caps."""
    speaker = bold(shorten(stated.speaker, SPEAKER_CAP, transform))
    parts = [shorten(stated.stance, STANCE_CAP, transform)] if stated.stance else []
    if stated.quote:
        parts.append(f"“{shorten(stated.quote, QUOTE_CAP, transform)}”")
    return f"{speaker}: {' '.join(parts)}" if parts else speaker


def footer_line(parts: list[str], transform: Callable[[str], str]) -> str:
    """Source · Published · Model · Faithfulness, each part cut to its own cap."""
    caps = [FOOTER_SOURCE_CAP if part.startswith("Source:") else FOOTER_PART_CAP for part in parts]
    return shorten(
        " · ".join(shorten(p, cap, transform) for p, cap in zip(parts, caps, strict=True)), FOOTER_CAP
    )
