"""Slack: Block Kit for an incoming webhook (https://api.slack.com/messaging/webhooks).

Every piece of brief text goes through :func:`slack_safe` (``&``, ``<``, ``>`` escaped as Slack's
formatting reference asks, so no ``<!channel>``, ``<@U…>`` or ``<url|label>`` survives), every
mrkdwn object is ``verbatim`` (Slack then links no URL, channel name or mention found in plain
text), and ``unfurl_links``/``unfurl_media`` are off, so no preview of any URL is fetched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from summarizer.schema import Brief

from .limits import (
    FACT_CAP,
    ITEM_CAP,
    SLACK_FALLBACK_TEXT,
    SLACK_FIELD_TEXT,
    SLACK_HEADER_TEXT,
    SLACK_MAX_BLOCKS,
    SLACK_SECTION_TEXT,
    SLACK_TOTAL_TEXT_BUDGET,
    SUMMARY_CAP,
)
from .outline import WARNINGS_HEADING, footer_line, outline, stated_line, warnings_list
from .text import join_within, more_text, shorten, slack_safe

Block = dict[str, Any]


def render_slack(brief: Brief) -> dict[str, Any]:
    """Block Kit payload: header, summary, who/where/when, positions, open questions, footer.

    Positions come last in the budget: when a brief is too long they are the part that is cut,
    with a "…and N more positions" line, because every other part is short by construction.
    """
    o = outline(brief)
    head: list[Block] = [_header(shorten(o.headline, SLACK_HEADER_TEXT, slack_safe))]
    if o.summary:
        head.append(_section(shorten(o.summary, min(SUMMARY_CAP, SLACK_SECTION_TEXT), slack_safe)))
    facts = [
        _fact("Who", o.who, "name"),
        _fact("Where", o.where, "place"),
        _fact("When", o.when, "date"),
    ]
    fields = [f for f in facts if f]
    if fields:
        head.append({"type": "section", "fields": [_mrkdwn(f) for f in fields]})
    head.append({"type": "divider"})

    tail: list[Block] = []
    if o.questions:
        bullets = [f"• {shorten(q, ITEM_CAP, slack_safe)}" for q in o.questions]
        body = join_within(bullets, FACT_CAP, sep="\n", more=more_text("question"))
        tail.append(_section(f"*Open questions*\n{body}"))
    if o.warnings:
        tail.append(_section(f"*{WARNINGS_HEADING}*\n{warnings_list(o.warnings, slack_safe, bullet='• ')}"))
    footer = footer_line(o.footer, slack_safe)
    tail.append({"type": "context", "elements": [_mrkdwn(footer)]})

    fixed = sum(_text_length(b) for b in head + tail)
    lines = [f"• {stated_line(s, slack_safe, _bold)}" for s in o.positions]
    sections = _chunk_lines(
        lines,
        heading="*Positions*",
        chunk_limit=SLACK_SECTION_TEXT,
        total_limit=SLACK_TOTAL_TEXT_BUDGET - fixed,
        max_chunks=SLACK_MAX_BLOCKS - len(head) - len(tail),
        more=more_text("position"),
    )
    blocks = head + [_section(text) for text in sections] + tail
    notification = f"{o.headline}: {o.summary}" if o.summary else o.headline
    fallback = shorten(notification, SLACK_FALLBACK_TEXT, slack_safe)
    return {"text": fallback, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


def _bold(text: str) -> str:
    return f"*{text}*"


def _fact(label: str, items: list[str], noun: str) -> str:
    if not items:
        return ""
    shortened = [shorten(item, ITEM_CAP, slack_safe) for item in items]
    limit = min(FACT_CAP, SLACK_FIELD_TEXT) - len(label) - 3
    return f"*{label}*\n" + join_within(shortened, limit, sep="\n", more=more_text(noun))


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack's own "automatic parsing" of plain text (URLs, #channels, @names) stays off.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _text_length(block: Block) -> int:
    texts = [block.get("text") or {}, *block.get("fields", []), *block.get("elements", [])]
    return sum(len(t.get("text", "")) for t in texts)


def _chunk_lines(
    lines: list[str],
    *,
    heading: str,
    chunk_limit: int,
    total_limit: int,
    max_chunks: int,
    more: Callable[[int], str],
) -> list[str]:
    """Pack lines into section texts, whole lines only, and name how many did not fit.

    Room for the "…and N more" line is kept free in every chunk and in the total, so adding it
    at the end can never push past a limit.
    """
    if not lines:
        return []
    everything = _pack(lines, heading, chunk_limit, total_limit, max_chunks, reserve=0)
    if len(everything) == len(lines):
        return _join(everything, heading)
    shown = _pack(lines, heading, chunk_limit, total_limit, max_chunks, reserve=len("\n" + more(len(lines))))
    if not shown and len(heading) + len("\n" + more(len(lines))) > min(chunk_limit, total_limit):
        return []
    chunks = _join(shown, heading) or [heading]
    chunks[-1] += "\n" + more(len(lines) - len(shown))
    return chunks


def _pack(
    lines: list[str], heading: str, chunk_limit: int, total_limit: int, max_chunks: int, *, reserve: int
) -> list[tuple[int, str]]:
    """(chunk number, text) for each line that fits, with ``reserve`` characters kept free."""
    if max_chunks < 1 or len(heading) + reserve > min(chunk_limit, total_limit):
        return []
    placed: list[tuple[int, str]] = []
    chunk, chunk_size, used = 0, len(heading), len(heading)
    for line in lines:
        if used + 1 + len(line) + reserve > total_limit:
            break
        if chunk_size + 1 + len(line) + reserve <= chunk_limit:
            chunk_size += 1 + len(line)
            used += 1 + len(line)
        elif chunk + 1 < max_chunks and len(line) + reserve <= chunk_limit:
            chunk, chunk_size = chunk + 1, len(line)
            used += len(line)
        else:
            break
        placed.append((chunk, line))
    return placed


def _join(placed: list[tuple[int, str]], heading: str) -> list[str]:
    chunks: list[list[str]] = []
    for number, line in placed:
        if number == len(chunks):
            chunks.append([heading] if number == 0 else [])
        chunks[number].append(line)
    return ["\n".join(chunk) for chunk in chunks]
