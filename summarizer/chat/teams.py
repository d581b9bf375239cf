"""Microsoft Teams: an Adaptive Card for a Workflows webhook.

Office 365 connectors are retired; Workflows accept ``{"type": "message", "attachments": [card]}``
(https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from summarizer.schema import Brief

from .limits import FACT_CAP, ITEM_CAP, SUMMARY_CAP, TEAMS_BODY_BYTES_BUDGET, TEAMS_CARD_VERSION
from .outline import WARNINGS_HEADING, Outline, footer_line, outline, stated_line, warnings_list
from .text import join_within, markdown_safe, more_text, shorten
from .wire import encode

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# Adaptive Card TextBlocks render a Markdown subset with links; no backslash escape is documented.
_SAFE = markdown_safe
Element = dict[str, Any]


def render_teams(brief: Brief) -> dict[str, Any]:
    o = outline(brief)
    head: list[Element] = [
        _text(shorten(o.headline, ITEM_CAP, _SAFE), size="Large", weight="Bolder", style="heading")
    ]
    if o.summary:
        head.append(_text(shorten(o.summary, SUMMARY_CAP, _SAFE)))
    facts = [{"title": label, "value": _fact(items, noun)} for label, items, noun in _facts(o) if items]
    if facts:
        head.append({"type": "FactSet", "facts": facts})

    tail: list[Element] = []
    if o.questions:
        bullets = [f"- {shorten(q, ITEM_CAP, _SAFE)}" for q in o.questions]
        tail.append(_text("Open questions", weight="Bolder", spacing="Medium"))
        tail.append(_text(join_within(bullets, FACT_CAP, sep="\n", more=more_text("question"))))
    if o.warnings:
        tail.append(_text(WARNINGS_HEADING, weight="Bolder", color="Attention", spacing="Medium"))
        tail.append(_text(warnings_list(o.warnings, _SAFE, bullet="- ")))
    tail.append(_text(footer_line(o.footer, _SAFE), size="Small", isSubtle=True))

    middle: list[Element] = []
    if o.positions:
        middle = [_text("Positions", weight="Bolder", spacing="Medium")]
        lines = [_text(stated_line(s, _SAFE, _bold), spacing="Small") for s in o.positions]
        middle += _fit(lines, base=_message(head + middle + tail), more=more_text("position"))
    return _message(head + middle + tail)


def _fit(lines: list[Element], *, base: dict[str, Any], more: Callable[[int], str]) -> list[Element]:
    """As many position blocks as keep the encoded message within budget, then a "more" block.

    Each element adds its own encoded size plus one comma to the body, so the running total is
    exact without re-encoding the whole card for every position.
    """
    size = len(encode(base))
    if size + sum(len(encode(line)) + 1 for line in lines) <= TEAMS_BODY_BYTES_BUDGET:
        return lines
    reserve = len(encode(_text(more(len(lines)), isSubtle=True))) + 1
    kept: list[Element] = []
    for line in lines:
        cost = len(encode(line)) + 1
        if size + cost + reserve > TEAMS_BODY_BYTES_BUDGET:
            break
        kept.append(line)
        size += cost
    if len(kept) < len(lines):
        kept.append(_text(more(len(lines) - len(kept)), isSubtle=True))
    return kept


def _message(body: list[Element]) -> dict[str, Any]:
    card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": TEAMS_CARD_VERSION,
        "msteams": {"width": "Full"},
        "body": body,
    }
    return {"type": "message", "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card}]}


def _text(text: str, **style: Any) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _bold(text: str) -> str:
    return f"**{text}**"


def _fact(items: list[str], noun: str) -> str:
    shortened = [shorten(item, ITEM_CAP, _SAFE) for item in items]
    return join_within(shortened, FACT_CAP, sep="; ", more=more_text(noun))


def _facts(o: Outline) -> list[tuple[str, list[str], str]]:
    return [("Who", o.who, "name"), ("Where", o.where, "place"), ("When", o.when, "date")]
