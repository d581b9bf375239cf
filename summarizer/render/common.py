"""Wording shared by every renderer, so the terminal, Markdown and chat say the same thing."""

from __future__ import annotations

from ..schema import Brief, DateMention


def date_label(item: DateMention) -> str:
    if item.resolved and item.date:
        day = item.date if not item.end or item.end == item.date else f"{item.date} – {item.end}"
        return f"{day} ({item.mention})"
    return f"{item.mention} (unresolved)"


def footer(brief: Brief) -> str:
    meta = brief.meta
    parts = [f"model {meta.model} ({meta.endpoint}, {meta.mode})", f"prompt {meta.prompt_id} v{meta.prompt_version}"]
    parts.append(f"{meta.calls} call{'s' if meta.calls != 1 else ''}")
    parts.append(f"{meta.prompt_tokens:,}+{meta.completion_tokens:,} tokens")
    if meta.faithfulness is not None:
        parts.append(f"faithfulness {meta.faithfulness:.0%}")
    if meta.coverage is not None:
        parts.append(f"coverage {meta.coverage:.0%}")
    if meta.source:
        parts.insert(0, meta.source)
    return " · ".join(parts)
