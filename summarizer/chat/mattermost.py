"""Mattermost: one Markdown post via an incoming webhook.

Markdown rather than Slack-style attachments: it renders the same on web, desktop and mobile,
and one ``text`` field makes the 16,383-character limit one number to keep under.
(https://developers.mattermost.com/integrate/webhooks/incoming/)
"""

from __future__ import annotations

from typing import Any

from summarizer.schema import Brief

from .limits import FACT_CAP, ITEM_CAP, MATTERMOST_POST_TEXT, SUMMARY_CAP
from .outline import WARNINGS_HEADING, footer_line, outline, stated_line, warnings_list
from .text import commonmark_safe, join_within, more_text, shorten

# Mattermost renders CommonMark with autolinked URLs, images, @mentions and ~channel links.
_SAFE = commonmark_safe


def render_mattermost(brief: Brief) -> dict[str, Any]:
    o = outline(brief)
    head = [f"#### {shorten(o.headline, ITEM_CAP, _SAFE)}"]
    if o.summary:
        head.append(shorten(o.summary, SUMMARY_CAP, _SAFE))
    facts = [
        _fact("Who", o.who, "name"),
        _fact("Where", o.where, "place"),
        _fact("When", o.when, "date"),
    ]
    if any(facts):
        head.append("\n".join(f for f in facts if f))

    tail = []
    if o.questions:
        bullets = [f"- {shorten(q, ITEM_CAP, _SAFE)}" for q in o.questions]
        listed = join_within(bullets, FACT_CAP, sep="\n", more=more_text("question"))
        tail.append(f"**Open questions**\n{listed}")
    if o.warnings:
        tail.append(f"**{WARNINGS_HEADING}**\n{warnings_list(o.warnings, _SAFE, bullet='- ')}")
    tail.append(f"_{footer_line(o.footer, _SAFE)}_")

    blocks = head
    if o.positions:
        # Everything but the positions is short by construction; they get the rest.
        fixed = len("\n\n".join(head + tail)) + len("\n\n") * 2 + len("**Positions**\n")
        lines = [f"- {stated_line(s, _SAFE, _bold)}" for s in o.positions]
        body = join_within(lines, MATTERMOST_POST_TEXT - fixed, sep="\n", more=more_text("position"))
        blocks = [*head, f"**Positions**\n{body}"]
    return {"text": "\n\n".join(blocks + tail)}


def _bold(text: str) -> str:
    return f"**{text}**"


def _fact(label: str, items: list[str], noun: str) -> str:
    if not items:
        return ""
    shortened = [shorten(item, ITEM_CAP, _SAFE) for item in items]
    prefix = f"**{label}:** "
    return prefix + join_within(shortened, FACT_CAP - len(prefix), sep="; ", more=more_text(noun))
