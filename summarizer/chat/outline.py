"""What a chat post says, before any platform's layout: one place decides the content.

The renderers only arrange and escape; they never reach back into the ``Brief``. Text here is
raw (untrusted article words, white space collapsed); each renderer escapes for its platform.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from summarizer.schema import Brief, DateMention, Position

from .limits import (
    FOOTER_CAP,
    FOOTER_PART_CAP,
    FOOTER_SOURCE_CAP,
    QUOTE_CAP,
    SPEAKER_CAP,
    STANCE_CAP,
    WARNING_CAP,
    WARNINGS_CAP,
)
from .text import clean, join_within, more_text, shorten

WARNINGS_HEADING = "⚠ Check before use"


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
    # Flagged free text first (the brief's own words that the article does not support), then the
    # other warnings; empty when grounding had nothing to say.
    warnings: list[str]


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
        warnings=_warnings(brief),
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


def _warnings(brief: Brief) -> list[str]:
    meta = brief.meta
    flagged = [clean(f) for f in meta.flags if f.strip()]
    rest = [clean(w) for w in meta.warnings if w.strip() and clean(w) not in flagged]
    return [f"Flagged: {f}" for f in flagged] + rest


def _footer(brief: Brief) -> list[str]:
    meta = brief.meta
    parts = [f"Source: {clean(meta.source)}"] if meta.source else []
    if meta.published:
        parts.append(f"Published: {clean(meta.published)}")
    parts += [f"Model: {clean(meta.model)}", f"Faithfulness: {faithfulness_text(brief)}"]
    return parts


def faithfulness_text(brief: Brief) -> str:
    """The footer's verdict. Never "100%" when anything was flagged or warned about.

    ``meta.faithfulness`` counts only quotes and names; a brief with flagged free text or warnings
    is not shown as wholly faithful, whatever that figure says.

    >>> faithfulness_text(clean_brief)  # doctest: +SKIP
    '100%'
    """
    meta = brief.meta
    flagged = sum(1 for f in meta.flags if f.strip())
    warned = len(_warnings(brief))
    if flagged:
        return f"not confirmed, {flagged} flagged"
    if meta.faithfulness is None:
        return "not checked" + (f", {_count(warned, 'warning')}" if warned else "")
    # Floor, not round: 99.6% is not shown as 100%.
    percent = math.floor(meta.faithfulness * 100 + 1e-9)
    if not warned:
        return f"{percent}%"
    if percent >= 100:
        return f"quotes and names checked, {_count(warned, 'warning')}"
    return f"{percent}%, {_count(warned, 'warning')}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def warnings_list(
    warnings: list[str], transform: Callable[[str], str], *, bullet: str, sep: str = "\n", limit: int = WARNINGS_CAP
) -> str:
    """The warnings as escaped bullets, each cut to its cap, as many as fit, then "…and N more"."""
    items = [bullet + shorten(w, WARNING_CAP, transform) for w in warnings]
    return join_within(items, limit, sep=sep, more=more_text("warning"))


def stated_line(stated: Stated, transform: Callable[[str], str], bold: Callable[[str], str]) -> str:
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
