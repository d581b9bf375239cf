"""An event brief as one offline HTML page: the event's items on one side, the sources on the other,
with a source switcher. Every source reference is a link to the words in that source (``#s3-412``):
following it shows that source's text with the span marked. No script (CSS ``:target`` switches the
source), no network, and article text is escaped data.
"""

from __future__ import annotations

from html import escape

from ..event.schema import EventBrief, SourceSpans
from .event import source_ref
from .evidence import EvidenceItem, segments

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#222}
header{padding:12px 20px;border-bottom:1px solid #ddd}
main{display:grid;grid-template-columns:minmax(320px,1fr) minmax(320px,1fr);gap:0}
.items,.sources{padding:8px 20px;max-height:calc(100vh - 90px);overflow:auto}
.sources{border-left:1px solid #ddd;background:#fafafa}
nav.switch a{display:inline-block;margin:2px 4px 2px 0;padding:2px 8px;border:1px solid #bbb;border-radius:12px;
text-decoration:none;color:#222}
.src{display:none}.src:target,.src:has(:target){display:block}
.src .text{white-space:pre-wrap}
mark{background:#fff3b0}mark:target{background:#ffb347;outline:2px solid #d9822b}
h2{font-size:1.05em;margin:1.2em 0 .4em}li{margin:.2em 0}.update{color:#a0522d;font-weight:600}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _links(supports: list[SourceSpans]) -> str:
    return " ".join(
        f'<a href="#{s.source}-{s.spans[0].start}" title="{_e(s.text or "")}">{_e(source_ref(s))}</a>'
        if s.spans else _e(s.source) for s in supports
    )


def _source_marks(event: EventBrief, source_id: str) -> list[EvidenceItem]:
    """Every span the event's items point at in one source, as evidence items for ``segments``."""
    spans = {}
    data = event.model_dump()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("source") == source_id and "spans" in node:
                for s in node["spans"]:
                    spans[(s["start"], s["end"])] = None
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in data.items() if k != "sources"})
    from ..schema import Span

    return [EvidenceItem(f"{source_id}-{a}", "who", "", "name", (Span(start=a, end=b),)) for a, b in sorted(spans)]


def _source_html(event: EventBrief, source_id: str, text: str) -> str:
    items = _source_marks(event, source_id)
    first_id: dict[int, str] = {}
    out = []
    for seg in segments(text, items):
        words = _e(text[seg.start : seg.end])
        if not seg.items:
            out.append(words)
            continue
        anchor = ""
        if seg.start not in first_id and any(i == f"{source_id}-{seg.start}" for i in seg.items):
            first_id[seg.start] = anchor = f' id="{source_id}-{seg.start}"'
        out.append(f"<mark{anchor}>{words}</mark>")
    return "".join(out)


def to_event_html(event: EventBrief, texts: dict[str, str]) -> str:
    """The page; ``texts`` maps each source id to the text its spans index into."""
    lines = [f"<h1>{_e(event.headline)}</h1><p>{_e(event.summary)}</p>"]
    body = []
    for title, items in (("Who", event.who), ("What", event.what), ("Where", event.where), ("When", event.when)):
        if items:
            rows = "".join(f"<li>{_e(i.label)} {_links(i.sources)}</li>" for i in items)
            body.append(f"<h2>{title}</h2><ul>{rows}</ul>")
    if event.disagreements:
        rows = []
        for d in event.disagreements:
            update = ' <span class="update">update?</span>' if d.maybe_update else ""
            values = "".join(f"<li>{_e(v.value)}: {_links(v.sources)}</li>" for v in d.values)
            rows.append(f"<li>{_e(d.kind)}: {_e(d.subject)}{update}<ul>{values}</ul></li>")
        body.append(f"<h2>Where the sources differ</h2><ul>{''.join(rows)}</ul>")
    if event.only_in:
        rows = "".join(f"<li>{_e(o.kind)}: {_e(o.label)} {_links([o.source])}</li>" for o in event.only_in)
        body.append(f"<h2>Only in one source</h2><ul>{rows}</ul>")
    if event.positions:
        rows = "".join(
            f"<li>{_e(p.speaker)}<ul>" + "".join(
                f"<li>“{_e(v.text)}” {_links(v.sources)}</li>" for q in p.quotes for v in q.variants) + "</ul></li>"
            for p in event.positions)
        body.append(f"<h2>Who said what</h2><ul>{rows}</ul>")
    switch = " ".join(f'<a href="#{s.id}">{_e(s.id)} {_e(s.outlet)}</a>' for s in event.sources)
    sources = "".join(
        f'<section class="src" id="{s.id}"><h2>{_e(s.id)}: {_e(s.outlet)}, {_e(s.published or "")}</h2>'
        f'<h3>{_e(s.title or "")}</h3><div class="text">{_source_html(event, s.id, texts.get(s.id, ""))}</div>'
        "</section>"
        for s in event.sources
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        '<meta name="referrer" content="no-referrer">'
        f"<title>{_e(event.headline)}</title><style>{_CSS}</style></head><body>"
        f"<header>{''.join(lines)}</header><main><section class=\"items\">{''.join(body)}</section>"
        f'<section class="sources"><nav class="switch">{switch}</nav>{sources}</section></main></body></html>\n'
    )
