"""A brief as one self-contained HTML page: the article with its evidence highlighted, the brief beside it.

Inline CSS and JS (``assets/``), no network, no CDN: the file opens offline and prints. Every piece
of article and model text goes through ``html.escape`` and lands in element content or a quoted
attribute; the page's script is static and reads only ``data-*`` attributes, so an article holding
``<script>`` shows it as text.

>>> page = to_html(brief, article_text)   # doctest: +SKIP
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib.resources import files

from ..schema import Brief, Position
from .common import date_label
from .evidence import KIND_LABELS, KIND_ORDER, EvidenceItem, Segment, evidence_items, segments

# Warnings that say an item of the model's was left out of the brief (grounding/check.py's wording).
_DROPPED = ("dropped ", "quote attributed to ")


@cache
def _asset(name: str) -> str:
    return (files("summarizer.render") / "assets" / name).read_text(encoding="utf-8")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _mark(article: str, segment: Segment, labels: dict[str, str]) -> str:
    text = _e(article[segment.start : segment.end])
    if not segment.items:
        return text
    classes = " ".join(f"k-{k}" for k in segment.kinds)
    kinds = ", ".join(KIND_LABELS[k] for k in KIND_ORDER if k in segment.kinds)
    supports = "; ".join(labels[i] for i in segment.items)
    title = f"{kinds} · supports: {supports}"
    return (
        f'<mark class="ev {classes}" data-items="{" ".join(segment.items)}" tabindex="-1" '
        f'title="{_e(title)}">{text}</mark>'
    )


def _article_html(article: str, items: list[EvidenceItem]) -> str:
    labels = {item.id: item.label for item in items}
    return "".join(_mark(article, s, labels) for s in segments(article, items))


def _item(item: EvidenceItem, body: str, badge: str = "") -> str:
    if not item.spans:
        return f'<li><span class="noevidence">{body}{badge}</span></li>'
    where = f"{len(item.spans)} place{'s' if len(item.spans) != 1 else ''} in the article"
    return (
        f'<li><button type="button" class="item k-{item.kind}" data-item="{item.id}" '
        f'aria-label="{_e(item.label)}: show {where}">{body}{badge}</button></li>'
    )


def _badge(kind: str, text: str) -> str:
    return f'<span class="badge {kind}">{_e(text)}</span>'


def _position(item: EvidenceItem, position: Position) -> str:
    body = f"<strong>{_e(position.actor)}</strong>: {_e(position.stance)}"
    if position.quote_verified and position.quote:
        body += f'<span class="quote">“{_e(position.quote)}”</span>'
        badge = _badge("other", "article names another speaker") if item.kind == "quote-reattributed" else ""
    else:
        badge = _badge("paraphrase", "paraphrase — no verified quote")
    return _item(item, body, badge)


def _section(title: str, rows: list[str], cls: str = "items") -> str:
    if not rows:
        return f'<h2>{_e(title)}</h2><p class="sub">—</p>'
    return f'<h2>{_e(title)}</h2><ul class="{cls}">{"".join(rows)}</ul>'


def _brief_html(brief: Brief, items: list[EvidenceItem]) -> str:
    by_id = {item.id: item for item in items}
    who = [
        _item(by_id[f"who-{i}"], f"<strong>{_e(a.name)}</strong> <span class=\"sub\">{_e(a.kind)}"
              f"{', ' + _e(a.role) if a.role else ''}</span>")
        for i, a in enumerate(brief.who)
    ]
    where = [_item(by_id[f"where-{i}"], _e(p.name)) for i, p in enumerate(brief.where)]
    when = [
        _item(by_id[f"when-{i}"], _e(date_label(d)), "" if d.resolved else _badge("unresolved", "unresolved"))
        for i, d in enumerate(brief.when)
    ]
    positions = [_position(by_id[f"pos-{i}"], p) for i, p in enumerate(brief.positions)]
    return "".join(
        [
            f'<p class="summary">{_e(brief.summary)}</p>',
            _section("Who", who),
            _section("What", [f"<li>{_e(w)}</li>" for w in brief.what], "plain"),
            _section("Where", where),
            _section("When", when),
            _section("Stated positions", positions),
            _section("Open questions", [f"<li>{_e(q)}</li>" for q in brief.open_questions], "plain"),
            _warnings(brief.meta.warnings),
            _meta(brief),
        ]
    )


def _warnings(warnings: list[str]) -> str:
    rows = []
    for w in warnings:
        badge = _badge("dropped", "dropped") if w.startswith(_DROPPED) else ""
        rows.append(f"<li>{_e(w)}{badge}</li>")
    return _section("Warnings", rows, "warnings") if rows else ""


def _meta(brief: Brief) -> str:
    m = brief.meta
    rows: list[tuple[str, object]] = [
        ("model", f"{m.model} ({m.endpoint}, {m.mode})"),
        ("prompt", f"{m.prompt_id} v{m.prompt_version}"),
        ("calls", f"{m.calls} ({m.attempts} attempts)" if m.attempts else m.calls),
        ("tokens", f"{m.prompt_tokens:,} in, {m.completion_tokens:,} out"),
        ("seconds", f"{m.seconds:.1f}"),
    ]
    for label, share in (("faithfulness", m.faithfulness), ("free-text support", m.free_text_support),
                         ("coverage", m.coverage)):
        if share is not None:
            rows.append((label, f"{share:.0%}"))
    for label, value in (("published", m.published), ("source", m.source), ("language", m.language),
                         ("parts", m.parts if m.parts > 1 else None)):
        if value:
            rows.append((label, value))
    cells = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    return f'<h2>About this brief</h2><dl class="meta">{cells}</dl>'


def _legend() -> str:
    chips = "".join(
        f'<li><mark class="ev k-{k} swatch">{_e(KIND_LABELS[k])}</mark></li>' for k in KIND_ORDER
    )
    return f'<ul class="legend" aria-label="Highlight kinds">{chips}</ul>'


def to_html(brief: Brief, article: str) -> str:
    """The evidence view of ``brief`` over ``article`` (the text it was briefed from: spans index into it)."""
    items = evidence_items(brief)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # No network at all: the page is read offline, and nothing in it may call out.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        "<meta name=\"referrer\" content=\"no-referrer\">"
        f"<title>{_e(brief.headline)}</title><style>{_asset('evidence.css')}</style></head>"
        f'<body><header class="top"><h1>{_e(brief.headline)}</h1>{_legend()}</header>'
        '<main class="layout">'
        f'<section class="pane article" aria-label="Article"><h2>Article</h2>'
        f'<div class="article-text" id="article">{_article_html(article, items)}</div></section>'
        f'<section class="pane brief" aria-label="Brief">{_brief_html(brief, items)}</section>'
        f"</main><script>{_asset('evidence.js')}</script></body></html>\n"
    )


__all__ = ["to_html"]
