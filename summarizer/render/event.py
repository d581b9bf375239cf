"""An event brief for people: plain text (terminal), Markdown, JSON. The editor's view first:
the shared core, then where the outlets differ, then what only one outlet reports.

Every item names its sources as ``s3@412-426`` (source id, then the span in that source's text), so
a reader can go to the words; the source list at the top says which outlet each id is.
Article and model text is data: one line each, controls removed (text), nothing that links,
mentions or formats (Markdown).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ..chat.text import commonmark_safe, plain_line
from ..event.schema import CompetingValue, CoreItem, EventBrief, SourceSpans

MAX_QUOTES_PER_SPEAKER = 3


def source_ref(support: SourceSpans) -> str:
    """'s3@412-426' (the first span; '+2' when the source supports the item in more places)."""
    if not support.spans:
        return support.source
    first = support.spans[0]
    more = f"+{len(support.spans) - 1}" if len(support.spans) > 1 else ""
    return f"{support.source}@{first.start}-{first.end}{more}"


def refs(supports: list[SourceSpans]) -> str:
    return "[" + ", ".join(source_ref(s) for s in supports) + "]"


def _value(v: CompetingValue, safe: Callable[[str], str]) -> str:
    words = "; ".join(f"{s.source}: “{safe(s.text or '')}”" for s in v.sources)
    return f"{safe(v.value)} — {refs(v.sources)} {words}"


def _core(item: CoreItem, safe: Callable[[str], str]) -> str:
    extra = f" ({safe(item.role)})" if item.role else ""
    date = f" = {item.date}{'..' + item.end if item.end else ''}" if item.date else ""
    return f"{safe(item.label)}{extra}{date} {refs(item.sources)}"


def _sections(event: EventBrief, safe: Callable[[str], str]) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, lines, sub-lines per line) for every section, shared by the text and Markdown renderers."""
    n = len(event.sources)
    sources = [f"{s.id}: {safe(s.outlet)}, {s.published or 'time unknown'} — {safe(s.title or s.brief.headline)}"
               for s in event.sources]
    out: list[tuple[str, list[str], list[list[str]]]] = [("Sources", sources, [])]
    for title, items in (("Who", event.who), ("What", event.what), ("Where", event.where), ("When", event.when)):
        shared = [i for i in items if len(i.sources) > 1 or n == 1]
        out.append((f"{title} (reported by more than one source)" if n > 1 else title,
                    [_core(i, safe) for i in shared], []))
    lines, subs = [], []
    for d in event.disagreements:
        update = " — update? (published at different times)" if d.maybe_update else ""
        lines.append(f"{d.kind}: {safe(d.subject)}{update}")
        subs.append([_value(v, safe) for v in d.values])
    out.append(("Where the sources differ", lines, subs))
    out.append(("Only in one source", [f"{o.kind}: {safe(o.label)} {refs([o.source])}" for o in event.only_in], []))
    lines, subs = [], []
    for p in event.positions:
        lines.append(safe(p.speaker))
        quotes = []
        for q in p.quotes[:MAX_QUOTES_PER_SPEAKER]:
            flag = f" — attributed to {', '.join(safe(s) for s in q.speakers)}" if q.attribution_differs else ""
            variants = " | ".join(f"“{safe(v.text)}” {refs(v.sources)}" for v in q.variants)
            quotes.append(variants + flag)
        subs.append(quotes)
    out.append(("Who said what", lines, subs))
    out.append(("Timeline", [f"{t.date}{'..' + t.end if t.end else ''}: {safe(t.what)} {refs(t.sources)}"
                             for t in event.timeline], []))
    if event.meta.warnings:
        out.append(("Warnings", [safe(w) for w in event.meta.warnings], []))
    return out


def _footer(event: EventBrief) -> str:
    m = event.meta
    return (f"{len(event.sources)} sources · headline by {m.headline_from} · {m.calls} model calls · "
            f"{m.cached_briefs} briefs from cache · event schema v{m.schema_version}")


def to_event_text(event: EventBrief) -> str:
    out = [plain_line(event.headline), "", plain_line(event.summary), ""]
    for title, lines, subs in _sections(event, plain_line):
        if not lines:
            continue
        out += [title.upper()]
        for i, line in enumerate(lines):
            out.append(f"  • {line}")
            out += [f"      – {sub}" for sub in (subs[i] if i < len(subs) else [])]
        out.append("")
    out.append(_footer(event))
    return "\n".join(out) + "\n"


def to_event_markdown(event: EventBrief) -> str:
    safe = commonmark_safe
    out = [f"# {safe(plain_line(event.headline))}", "", safe(plain_line(event.summary)), ""]
    for title, lines, subs in _sections(event, lambda t: safe(plain_line(t))):
        if not lines:
            continue
        out += [f"## {title}", ""]
        for i, line in enumerate(lines):
            out.append(f"- {line}")
            out += [f"  - {sub}" for sub in (subs[i] if i < len(subs) else [])]
        out.append("")
    out += ["---", f"_{_footer(event)}_", ""]
    return "\n".join(out)


def to_event_json(event: EventBrief) -> str:
    return json.dumps(event.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


EVENT_RENDERERS: dict[str, Callable[[EventBrief], str]] = {
    "text": to_event_text, "markdown": to_event_markdown, "json": to_event_json,
}
