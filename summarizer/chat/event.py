"""An event brief posted to a chat platform: the editor's view within each platform's limits.

Headline, summary, then the shared core (items more than one source supports), where the sources
differ, what only one source reports, and the source list. Every section is cut to a cap that keeps
the whole message inside the platform's smallest budget (``limits.py``), with "…and N more" lines;
all event text goes through the platform's own escaping, as a single brief's does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..event.schema import CoreItem, Disagreement, EventBrief
from .limits import (
    DISCORD_DESCRIPTION,
    DISCORD_FIELD_VALUE,
    DISCORD_TITLE,
    ITEM_CAP,
    MATTERMOST_POST_TEXT,
    SLACK_FALLBACK_TEXT,
    SLACK_HEADER_TEXT,
    SLACK_SECTION_TEXT,
    SUMMARY_CAP,
    TEAMS_CARD_VERSION,
)
from .teams import CARD_CONTENT_TYPE
from .text import commonmark_safe, join_within, markdown_safe, more_text, shorten, slack_safe

# One cap per section, sized so four sections, the headline and the summary fit Discord's 6,000
# (the smallest whole-message budget); the other platforms get the same view.
SECTION_CAP = DISCORD_FIELD_VALUE
EVENT_SUMMARY_CAP = 1_000
MAX_CORE = 8


def _ids(supports: list[Any]) -> str:
    return ", ".join(s.source for s in supports)


def _core_line(item: CoreItem) -> str:
    return f"{item.kind}: {item.label} ({_ids(item.sources)})"


def _disagreement_line(d: Disagreement) -> str:
    values = " → ".join(f"{v.value} ({_ids(v.sources)})" for v in d.values)
    return f"{d.subject}: {values}{' — update?' if d.maybe_update else ''}"


def editor_sections(event: EventBrief) -> list[tuple[str, list[str], str]]:
    """(title, raw lines, noun) of the editor's view; raw: the platform escapes and cuts them."""
    shared = [i for i in event.who + event.what + event.where + event.when if len(i.sources) > 1]
    shared.sort(key=lambda i: -len(i.sources))
    by_id = {s.id: s for s in event.sources}
    only = [f"{o.kind}: {o.label} ({o.source.source} {by_id[o.source.source].outlet})" for o in event.only_in
            if o.source.source in by_id]
    sources = [f"{s.id} {s.outlet} {s.published or ''}".strip() for s in event.sources]
    return [
        ("Shared core", [_core_line(i) for i in shared[:MAX_CORE]], "item"),
        ("Where the sources differ", [_disagreement_line(d) for d in event.disagreements], "difference"),
        ("Only in one source", only, "item"),
        ("Sources", sources, "source"),
    ]


def _section_text(lines: list[str], noun: str, safe: Callable[[str], str], bullet: str) -> str:
    items = [bullet + shorten(line, ITEM_CAP, safe) for line in lines]
    return join_within(items, SECTION_CAP, sep="\n", more=more_text(noun))


def _slack(event: EventBrief) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text",
                                    "text": shorten(event.headline, SLACK_HEADER_TEXT, slack_safe)}},
        {"type": "section", "text": {"type": "mrkdwn", "verbatim": True,
                                     "text": shorten(event.summary, EVENT_SUMMARY_CAP, slack_safe)}},
    ]
    for title, lines, noun in editor_sections(event):
        if lines:
            body = _section_text(lines, noun, slack_safe, "• ")
            text = f"*{title}*\n{body}"[:SLACK_SECTION_TEXT]
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "verbatim": True, "text": text}})
    return {"text": shorten(event.headline, SLACK_FALLBACK_TEXT, slack_safe), "blocks": blocks,
            "unfurl_links": False, "unfurl_media": False}


def _mattermost(event: EventBrief) -> dict[str, Any]:
    parts = [f"#### {shorten(event.headline, ITEM_CAP, commonmark_safe)}",
             shorten(event.summary, EVENT_SUMMARY_CAP, commonmark_safe)]
    for title, lines, noun in editor_sections(event):
        if lines:
            parts.append(f"**{title}**\n{_section_text(lines, noun, commonmark_safe, '- ')}")
    return {"text": "\n\n".join(parts)[:MATTERMOST_POST_TEXT]}


def _discord(event: EventBrief) -> dict[str, Any]:
    fields = [{"name": title, "value": _section_text(lines, noun, commonmark_safe, "• "), "inline": False}
              for title, lines, noun in editor_sections(event) if lines]
    embed = {"title": shorten(event.headline, DISCORD_TITLE, commonmark_safe),
             "description": shorten(event.summary, min(EVENT_SUMMARY_CAP, DISCORD_DESCRIPTION), commonmark_safe),
             "fields": fields}
    return {"embeds": [embed], "allowed_mentions": {"parse": []}}


def _teams(event: EventBrief) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": shorten(event.headline, ITEM_CAP, markdown_safe), "wrap": True,
         "size": "Large", "weight": "Bolder", "style": "heading"},
        {"type": "TextBlock", "text": shorten(event.summary, SUMMARY_CAP, markdown_safe), "wrap": True},
    ]
    for title, lines, noun in editor_sections(event):
        if lines:
            body.append({"type": "TextBlock", "text": title, "wrap": True, "weight": "Bolder", "spacing": "Medium"})
            body.append({"type": "TextBlock", "text": _section_text(lines, noun, markdown_safe, "- "), "wrap": True})
    card = {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": TEAMS_CARD_VERSION, "msteams": {"width": "Full"}, "body": body}
    return {"type": "message", "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card}]}


_RENDERERS: dict[str, Callable[[EventBrief], dict[str, Any]]] = {
    "slack": _slack, "mattermost": _mattermost, "discord": _discord, "teams": _teams,
}


def render_event_payload(event: EventBrief, platform: str) -> dict[str, Any]:
    """The webhook body for ``platform`` (slack, mattermost, discord, teams), within its limits."""
    from .platforms import check_platform

    return _RENDERERS[check_platform(platform)](event)
