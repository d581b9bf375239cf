"""``brief eval``: arguments in, an evaluation out. The work is in the library (``summarizer.evaluation``).

Registered in ``cli.py`` as ``app.command("eval", ...)(eval_command)``.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..console import error_line, print_traceback
from ..errors import EXIT_BELOW, BriefError, InputError
from ..options import BaseUrlOption, MaxRetriesOption, ModelOption, ModeOption, VerboseOption

HELP = (
    "Score briefs against human gold: brief eval DATASET — a folder of Giveme5W1H .json files (5W1H answers) "
    "or a PolNeAR .jsonl (who said what) — or brief eval --compare A.json B.json."
)


def eval_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="DATASET: Giveme5W1H folder (or one .json), or PolNeAR .jsonl; with --compare, two --json reports.",
            show_default=False,
        ),
    ],
    compare: Annotated[bool, typer.Option("--compare", help="Show the difference between two --json reports.")] = False,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the full report as JSON here.", show_default=False)
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N articles (by file name).")] = None,
    ids: Annotated[
        str | None, typer.Option(help="Comma-separated file-name prefixes of the articles to use.", show_default=False)
    ] = None,
    prompt: Annotated[
        str | None, typer.Option(help="System prompt file prompts/NAME.md instead of prompts/brief.md.")
    ] = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    max_retries: MaxRetriesOption = None,
    timeout: Annotated[
        float | None, typer.Option(help="Seconds per request (a busy shared server queues requests).")
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option(help="Exit 3 when overall precision (six questions; PolNeAR: speaker accuracy) is below this."),
    ] = None,
    events: Annotated[
        Path | None,
        typer.Option("--events", help="Event mode: merge each category's articles from these recorded briefs "
                     "(JSONL, no model) and score the event briefs against the pooled gold.", show_default=False),
    ] = None,
    briefs: Annotated[
        Path | None,
        typer.Option("--briefs", help="Score these recorded briefs (JSONL lines {id, brief}, e.g. a brief batch "
                     "output) instead of writing new ones: no model.", show_default=False),
    ] = None,
    per_article: Annotated[bool, typer.Option("--articles/--no-articles", help="Show the per-article table.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
    verbose: VerboseOption = False,
) -> None:
    from rich.console import Console

    stdout, stderr = Console(highlight=False), Console(stderr=True, highlight=False)
    try:
        if verbose:
            logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
        if compare:
            if len(paths) != 2:
                raise InputError("--compare takes two reports: brief eval --compare A.json B.json")
            from .compare import compare_reports, load_report, render_comparison

            diff = compare_reports(load_report(paths[0]), load_report(paths[1]))
            stdout.print(render_comparison(diff))
            if json_out:
                json_out.write_text(json.dumps(diff, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            return
        if len(paths) != 1:
            raise InputError("brief eval takes one DATASET (or --compare A.json B.json)")
        if events is not None:
            from .events import evaluate_events, render_events

            event_report = evaluate_events(paths[0], events)
            sys.stdout.write(render_events(event_report) + "\n")
            if json_out:
                json_out.write_text(json.dumps(event_report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            return
        from ..settings import resolve_settings

        settings = resolve_settings(model=model, base_url=base_url, mode=mode, max_retries=max_retries, timeout=timeout)
        from .attribution import is_polnear, load_polnear
        from .loader import load_dataset
        from .scorecard import evaluate, evaluate_attribution

        wanted = [i.strip() for i in ids.split(",")] if ids else None
        attribution = is_polnear(paths[0])
        loader = load_polnear if attribution else load_dataset
        articles = loader(paths[0], limit=limit, ids=wanted)
        total = len(articles)

        def progress(done: int, run: object) -> None:
            if quiet:
                return
            from .runner import ArticleRun

            assert isinstance(run, ArticleRun)
            state = f"failed: {run.error}" if run.error else "ok"
            line = f"[{done}/{total}] {run.article.id[:10]} {run.seconds:.0f}s {state}"
            stderr.print(line, style="dim", markup=False)

        if briefs is not None:
            from .scorecard import evaluate_recorded

            report = evaluate_recorded(articles, briefs, dataset=str(paths[0]))
        else:
            run = evaluate_attribution if attribution else evaluate
            report = run(articles, settings, dataset=str(paths[0]), prompt=prompt, on_progress=progress)
    except BriefError as error:
        stderr.print(error_line("brief", error), soft_wrap=True)
        if verbose:
            print_traceback(error)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        stderr.print("brief: interrupted")
        raise typer.Exit(130) from None

    from .report import render_attribution, render_report

    render = render_attribution if attribution else render_report
    stdout.print(render(report, per_article=per_article))
    if json_out:
        json_out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    headline = "speaker_accuracy" if attribution else "precision"
    if fail_under is not None and (report["overall"][headline] or 0.0) < fail_under:
        stderr.print(f"brief: overall {headline} {report['overall'][headline]} is below --fail-under {fail_under}")
        raise typer.Exit(EXIT_BELOW)
