"""Discord: one embed via an execute-webhook call.

Embeds never ping, and ``allowed_mentions: {"parse": []}`` makes sure nothing in the message
does (https://discord.com/developers/docs/resources/message#allowed-mentions-object). Embed
descriptions and field values render Markdown, masked links ``[text](url)`` included, so every
piece of brief text goes through :func:`commonmark_safe`: no link, mention tag or markup survives.
"""

from __future__ import annotations

from typing import Any

from summarizer.schema import Brief

from .limits import (
    DISCORD_DESCRIPTION,
    DISCORD_FIELD_NAME,
    DISCORD_FIELD_VALUE,
    DISCORD_MAX_FIELDS,
    DISCORD_TITLE,
    DISCORD_TOTAL,
    FACT_CAP,
    ITEM_CAP,
    QUOTE_CAP,
    SPEAKER_CAP,
    STANCE_CAP,
    SUMMARY_CAP,
)
from .outline import WARNINGS_HEADING, Outline, Stated, footer_line, outline, warnings_list
from .text import commonmark_safe, join_within, markdown_safe, more_text, shorten

Field = dict[str, Any]
EMBED_COLOUR = 0x2B6CB0  # a neutral news blue; the colour carries no meaning
_SAFE = commonmark_safe
# Footers render no Markdown, so a backslash escape would show: there only invisible breaks are used.
_FOOTER_SAFE = markdown_safe


def render_discord(brief: Brief) -> dict[str, Any]:
    o = outline(brief)
    embed: dict[str, Any] = {"title": shorten(o.headline, DISCORD_TITLE, _SAFE), "color": EMBED_COLOUR}
    if o.summary:
        embed["description"] = shorten(o.summary, min(SUMMARY_CAP, DISCORD_DESCRIPTION), _SAFE)
    embed["footer"] = {"text": footer_line(o.footer, _FOOTER_SAFE)}  # FOOTER_CAP is under DISCORD_FOOTER

    facts = [_field(label, _list(items, noun, sep="; ")) for label, items, noun in _facts(o) if items]
    questions = []
    if o.questions:
        questions = [_field("Open questions", _list(o.questions, "question", sep="\n", bullet="- "))]
    if o.warnings:
        questions.append(_field(WARNINGS_HEADING, warnings_list(o.warnings, _SAFE, bullet="- ")))
    fixed = facts + questions
    used = _embed_length(embed) + sum(_field_length(f) for f in fixed)
    positions = _fit([_position(s) for s in o.positions], used=used, slots=DISCORD_MAX_FIELDS - len(fixed))
    embed["fields"] = facts + positions + questions
    return {"embeds": [embed], "allowed_mentions": {"parse": []}}


def _fit(fields: list[Field], *, used: int, slots: int) -> list[Field]:
    """Position fields while both the 25-field and the 6,000-character limits leave room,
    keeping one slot and its characters for the "…and N more" field."""
    if not fields:
        return []
    if len(fields) <= slots and used + sum(_field_length(f) for f in fields) <= DISCORD_TOTAL:
        return fields
    more = more_text("position")
    reserve = _field_length(_field("More positions", more(len(fields))))
    kept: list[Field] = []
    for field in fields:
        cost = _field_length(field)
        if len(kept) + 2 > slots or used + cost + reserve > DISCORD_TOTAL:
            break
        kept.append(field)
        used += cost
    if len(kept) < len(fields) and slots >= 1 and used + reserve <= DISCORD_TOTAL:
        kept.append(_field("More positions", more(len(fields) - len(kept))))
    return kept


def _position(s: Stated) -> Field:
    parts = [shorten(s.stance, STANCE_CAP, _SAFE)] if s.stance else []
    if s.quote:
        parts.append(f"“{shorten(s.quote, QUOTE_CAP, _SAFE)}”")
    speaker = shorten(s.speaker, min(SPEAKER_CAP, DISCORD_FIELD_NAME), _SAFE)
    return _field(speaker, " ".join(parts) or "(no stance stated)")


def _list(items: list[str], noun: str, *, sep: str, bullet: str = "") -> str:
    shortened = [bullet + shorten(item, ITEM_CAP, _SAFE) for item in items]
    return join_within(shortened, min(FACT_CAP, DISCORD_FIELD_VALUE), sep=sep, more=more_text(noun))


def _field(name: str, value: str) -> Field:
    return {"name": name, "value": value, "inline": False}


def _field_length(field: Field) -> int:
    return len(field["name"]) + len(field["value"])


def _embed_length(embed: dict[str, Any]) -> int:
    return len(embed.get("title", "")) + len(embed.get("description", "")) + len(embed["footer"]["text"])


def _facts(o: Outline) -> list[tuple[str, list[str], str]]:
    return [("Who", o.who, "name"), ("Where", o.where, "place"), ("When", o.when, "date")]
