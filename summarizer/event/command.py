"""``brief event SOURCES…`` and ``brief events BRIEFS.jsonl``: arguments in, event briefs out.

The work is in the library (``summarizer.event``); registered in ``cli.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import BriefError, InputError
from ..options import BaseUrlOption, GgufOption, MaxRetriesOption, ModelOption, ModeOption, VerboseOption

EVENT_HELP = "Merge several articles on one event (files, pages, URLs, a folder) into one grounded event brief."
EVENTS_HELP = "Group a batch's briefs (JSONL) into events by shared actors, places and dates, and brief each."

FormatOption = Annotated[
    str, typer.Option("--format", "-f", help="text, markdown, json, html, or chat: slack, mattermost, discord, teams.")
]
BriefsOption = Annotated[
    Path | None,
    typer.Option("--briefs", help="Briefs written earlier (JSONL with id/source and brief): used instead of the model.",
                 show_default=False),
]
HeadlineOption = Annotated[
    bool, typer.Option("--headline/--no-headline", help="One model call for the shared headline and summary.")
]
CacheOption = Annotated[bool, typer.Option("--cache/--no-cache", help="Use the brief cache for per-source briefs.")]
OfflineOption = Annotated[
    bool, typer.Option("--offline", help="No model: an article without a recorded brief gives code-read facts only.")
]


def _fail(error: BriefError) -> typer.Exit:
    sys.stderr.write(f"brief: {error}\n")
    return typer.Exit(error.exit_code)


def _render(events: list[tuple[str, object]], fmt: str, texts: dict[str, str]) -> str:
    """``texts``: article text by origin (the HTML view shows each source's words)."""
    from ..chat.platforms import PLATFORMS
    from ..render.event import EVENT_RENDERERS

    if fmt == "html":
        from ..render.event_html import to_event_html

        if len(events) != 1:
            raise InputError("--format html writes one event: give one event's articles (no --group-by)")
        event = events[0][1]
        return to_event_html(event, {s.id: texts.get(s.origin, "") for s in event.sources})  # type: ignore[attr-defined]

    if fmt in PLATFORMS:
        import json

        from ..chat.event import render_event_payload

        payloads = [render_event_payload(e, fmt) for _, e in events]  # type: ignore[arg-type]
        return "\n".join(json.dumps(p, indent=1, ensure_ascii=False) for p in payloads) + "\n"
    if fmt not in EVENT_RENDERERS:
        raise InputError(f"--format {fmt!r}: use one of {', '.join((*EVENT_RENDERERS, 'html', *PLATFORMS))}")
    render = EVENT_RENDERERS[fmt]
    if fmt == "json" and len(events) > 1:
        import json

        from ..event.schema import EventBrief

        return json.dumps({name: json.loads(render(e)) for name, e in events if isinstance(e, EventBrief)},
                          indent=2, ensure_ascii=False) + "\n"
    parts = []
    for name, event in events:
        head = f"=== event: {name} ===\n\n" if len(events) > 1 else ""
        parts.append(head + render(event))  # type: ignore[arg-type]
    return "\n".join(parts)


def _progress(quiet: bool):  # type: ignore[no-untyped-def]
    def told(done: int, total: int, article: object, cached: bool) -> None:
        if not quiet:
            origin = getattr(article, "origin", "")
            how = "no model call (cache or --briefs)" if cached else "briefed"
            sys.stderr.write(f"[{done}/{total}] {origin}: {how}\n")

    return told


def event_command(
    sources: Annotated[list[str], typer.Argument(help="Articles: files, saved pages, URLs, or a folder.",
                                                 show_default=False)],
    group_by: Annotated[
        str | None, typer.Option("--group-by", help="Several events: group JSON articles by this field (category).")
    ] = None,
    fmt: FormatOption = "text",
    briefs: BriefsOption = None,
    headline: HeadlineOption = True,
    cache: CacheOption = True,
    offline: OfflineOption = False,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    max_retries: MaxRetriesOption = None,
    gguf: GgufOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
    verbose: VerboseOption = False,
) -> None:
    try:
        from ..settings import resolve_settings
        from .api import summarize_event
        from .inputs import load_articles, read_briefs

        settings = resolve_settings(model=model, base_url=base_url, mode=mode, max_retries=max_retries, gguf=gguf)
        groups = load_articles(sources, group_by)
        recorded = read_briefs(briefs) if briefs else None
        events = [(name, summarize_event(articles, settings=settings, briefs=recorded, cache=cache,
                                         write_headline=headline, on_source=_progress(quiet), offline=offline))
                  for name, articles in sorted(groups.items())]
        texts = {a.origin: a.text for articles in groups.values() for a in articles}
        sys.stdout.write(_render(events, fmt, texts))  # type: ignore[arg-type]
    except BriefError as error:
        raise _fail(error) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def events_command(
    briefs: Annotated[Path, typer.Argument(help="A batch's briefs (brief batch output, or a recording).",
                                           show_default=False)],
    articles: Annotated[
        Path | None,
        typer.Option("--articles", help="Folder of the articles (by file name = record id) when the records "
                     "do not name a readable source file.", show_default=False),
    ] = None,
    window_hours: Annotated[float, typer.Option("--window-hours", help="Briefs further apart are other events.")] = 72,
    min_sources: Annotated[int, typer.Option("--min-sources", help="Leave out events with fewer sources.")] = 1,
    fmt: FormatOption = "text",
    headline: HeadlineOption = False,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    gguf: GgufOption = None,
    verbose: VerboseOption = False,
) -> None:
    try:
        from datetime import timedelta

        from ..settings import resolve_settings
        from .api import summarize_event
        from .batch_events import group_records

        settings = resolve_settings(model=model, base_url=base_url, mode=mode, gguf=gguf)
        groups, recorded = group_records(briefs, articles, window=timedelta(hours=window_hours))
        events = [(f"{n + 1} ({len(g)} sources)", summarize_event(g, settings=settings, briefs=recorded, cache=False,
                                                                 write_headline=headline, offline=not headline))
                  for n, g in enumerate(groups) if len(g) >= min_sources]
        texts = {a.origin: a.text for g in groups for a in g}
        sys.stdout.write(_render(events, fmt, texts))  # type: ignore[arg-type]
    except BriefError as error:
        raise _fail(error) from None
