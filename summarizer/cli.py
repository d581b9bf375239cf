"""The ``brief`` command: parse arguments, call the library, render. No logic a Python caller would want.

Heavy modules (openai, instructor, llama_cpp) are imported only when a brief is written, so
``brief --help`` stays fast.
"""

from __future__ import annotations

import io
import logging
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from .console import fail, stderr
from .errors import EXIT_INPUT, EXIT_MODEL, BriefError, InputError
from .options import BaseUrlOption, GgufOption, MaxRetriesOption, ModelOption, ModeOption, VerboseOption
from .progress import Progress

FORMAT_NAMES = ("text", "markdown", "json", "html")
DEFAULT_COMMAND = "summarize"


class _DefaultToSummarize(TyperGroup):
    """``brief FILE`` means ``brief summarize FILE``; named subcommands still work."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultToSummarize,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Turn a news article into a structured, grounded brief.\n\nUsage: brief ARTICLE [OPTIONS]",
    rich_markup_mode=None,
    # Never typer's own traceback pages: older typer versions print local variables (a webhook URL, a key).
    pretty_exceptions_enable=False,
)


class _Progress:
    """A spinner on a terminal, plain phase lines elsewhere: never 30 silent seconds."""

    def __init__(self, quiet: bool) -> None:
        self.console = stderr()
        self.quiet = quiet
        self.status: Any = None
        self.last_topic = ""
        self.started = time.perf_counter()

    def __enter__(self) -> _Progress:
        if not self.quiet and self.console.is_terminal:
            self.status = self.console.status("starting…")
            self.status.__enter__()
        return self

    def __call__(self, event: Progress) -> None:
        if self.quiet:
            return
        from rich.text import Text  # phases name article parts: plain text, never markup

        phase = event.message
        elapsed = time.perf_counter() - self.started
        if self.status is not None:
            self.status.update(Text.assemble(phase, (f"  {elapsed:.0f}s", "dim")))
            return
        topic = phase.split(":")[0]
        if topic != self.last_topic:
            self.last_topic = topic
            self.console.print(Text(f"… {topic}", style="dim"))

    def __exit__(self, *exc: object) -> None:
        if self.status is not None:
            self.status.__exit__(None, None, None)


@app.command(DEFAULT_COMMAND, help="Write a brief of ARTICLE (a text or Markdown file, or - for stdin).")
def summarize_command(
    article: Annotated[
        str,
        typer.Argument(help="Article file (text, Markdown or HTML), http(s) URL, or - for stdin.", show_default=False),
    ],
    published: Annotated[
        str | None,
        typer.Option(
            "--published", "-p", help="Publication date (YYYY-MM-DD) for resolving dates [default: the page's]."
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(help="Brief in this language (en, pt, es, fr…); quotes stay verbatim.", show_default=False),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", help="text, markdown, json or html (the evidence view).", case_sensitive=False),
    ] = "text",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the brief to FILE instead of stdout.", show_default=False),
    ] = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    max_retries: MaxRetriesOption = None,
    gguf: GgufOption = None,
    evidence: Annotated[bool, typer.Option(help="Show each quote in its article context.")] = False,
    allow_private_urls: Annotated[
        bool,
        typer.Option(
            "--allow-private-urls",
            help="Fetch URLs on loopback, private and link-local addresses (intranet pages) "
            "[env BRIEF_ALLOW_PRIVATE_URLS].",
        ),
    ] = False,
    post: Annotated[
        str | None, typer.Option(help="Post the brief to slack, mattermost, teams or discord.", show_default=False)
    ] = None,
    webhook: Annotated[
        str | None,
        typer.Option(help="Incoming-webhook URL [env BRIEF_WEBHOOK_URL]; a secret, never printed.", show_default=False),
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="With --post: print the payload instead of posting.")] = False,
    strict: Annotated[
        bool, typer.Option(help="With --post: hold back (exit 3) a brief whose own words were flagged.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
    verbose: VerboseOption = False,
) -> None:
    try:
        delivery = _delivery(post, webhook, dry_run)
        if strict and delivery is None:
            raise InputError("--strict needs --post PLATFORM")
        if output is not None and delivery is not None:
            raise InputError("--output and --post cannot be used together")
        output_format = output_format.lower()
        if output_format not in FORMAT_NAMES:
            raise InputError(f"unknown --format {output_format!r}: use one of {', '.join(FORMAT_NAMES)}")
        if verbose:
            logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
        else:
            # Without a handler, logging's last resort prints libraries' warnings (instructor logs
            # every failed API call at ERROR) on stderr: the error line must be the only line.
            root = logging.getLogger()
            if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
                root.addHandler(logging.NullHandler())

        from .language import check_lang
        from .pipeline import Summarizer
        from .prepare import parse_published
        from .settings import resolve_settings
        from .sources import load_article

        day, lang = parse_published(published), check_lang(lang)
        settings = resolve_settings(
            model=model, base_url=base_url, mode=mode, max_retries=max_retries, gguf=gguf,
            allow_private_urls=allow_private_urls or None,
        )
        source = load_article(
            article,
            max_bytes=settings.max_input_bytes,
            timeout=settings.fetch_timeout,
            allow_private=settings.allow_private_urls,
        )
        with _Progress(quiet) as progress:
            brief = Summarizer(settings, on_progress=progress).summarize(source, published=day, lang=lang)
    except BriefError as error:
        fail(error, verbose)
    except KeyboardInterrupt:
        stderr().print("brief: interrupted")
        raise typer.Exit(130) from None
    except Exception as error:  # noqa: BLE001 - a bug or an unforeseen failure: one line, traceback with -v
        from .llm.redact import redact

        unexpected = BriefError(redact(f"unexpected error ({type(error).__name__}): {error}; -v shows the traceback"))
        if verbose:
            unexpected.__cause__ = error
        fail(unexpected, verbose)
    if delivery is None:
        _print_brief(brief, output_format, source.text, evidence, output)
    else:
        _deliver(brief, delivery, verbose, strict=strict)


def _delivery(post: str | None, webhook: str | None, dry_run: bool) -> tuple[str, str | None] | None:
    """Validate --post/--webhook before any model time is spent."""
    import os

    if post is None:
        if webhook or dry_run:
            raise InputError("--webhook and --dry-run need --post PLATFORM")
        return None
    from .chat import PLATFORMS

    if post not in PLATFORMS:
        raise InputError(f"unknown --post {post!r}: use one of {', '.join(PLATFORMS)}")
    url = webhook or os.environ.get(f"BRIEF_{post.upper()}_WEBHOOK") or os.environ.get("BRIEF_WEBHOOK_URL")
    if not dry_run and not url:
        raise InputError(f"--post {post} needs --webhook URL (or BRIEF_WEBHOOK_URL)")
    return post, (None if dry_run else url)


def _deliver(brief: Any, delivery: tuple[str, str | None], verbose: bool, *, strict: bool = False) -> None:
    import json

    from .chat import ChatDeliveryError, HeldBack, hold_reason, post_brief, render_payload

    platform, url = delivery
    held = hold_reason(brief, detail=False) if strict else None
    if held is not None:
        from .chat.text import plain_line

        for flag in brief.meta.flags:  # the model's words: plain text, never markup
            sys.stderr.write(f"flagged: {plain_line(flag)}\n")
    if url is None:
        sys.stdout.write(json.dumps(render_payload(brief, platform), indent=2, ensure_ascii=False) + "\n")
        if held is not None:
            fail(HeldBack(held), verbose)
        return
    if held is not None:
        fail(HeldBack(held), verbose)
    try:
        result = post_brief(brief, url, platform)
    except ChatDeliveryError as error:
        fail(error, verbose)
    stderr().print(f"posted to {platform} at {result.host} ({result.attempts} attempt(s))", markup=False)


def _print_brief(brief: Any, output_format: str, article: str, evidence: bool, output: Path | None = None) -> None:
    from .render import to_html, to_json, to_markdown

    if output_format == "json":
        rendered = to_json(brief) + "\n"
    elif output_format == "markdown":
        rendered = to_markdown(brief)
    elif output_format == "html":
        rendered = to_html(brief, article)
    else:
        from rich.console import Console

        from .render.text import to_renderable

        if output is None:
            Console(highlight=False).print(to_renderable(brief, article=article, evidence=evidence))
            return
        capture = Console(highlight=False, record=True, width=100, file=io.StringIO())
        capture.print(to_renderable(brief, article=article, evidence=evidence))
        rendered = capture.export_text()
    if output is None:
        sys.stdout.write(rendered)
        return
    try:
        output.write_text(rendered, encoding="utf-8")
    except OSError as exc:
        fail(InputError(f"{output}: cannot write ({exc.strerror or exc})"), False)
    stderr().print(f"wrote {output}", markup=False)


@app.command("schema", help="Print the JSON Schema of a brief.")
def schema_command(
    draft: Annotated[bool, typer.Option(help="The schema the model fills in, not the full brief.")] = False,
    event: Annotated[bool, typer.Option(help="The schema of an event brief (brief event).")] = False,
) -> None:
    import json

    from pydantic import BaseModel

    from .event.schema import EventBrief
    from .schema import Brief, BriefAnswer

    model: type[BaseModel] = EventBrief if event else BriefAnswer if draft else Brief
    sys.stdout.write(json.dumps(model.model_json_schema(), indent=2) + "\n")


@app.command("watch", help="Brief each new article in DIR once and post it at most once; remembers what it posted.")
def watch_command(
    directory: Annotated[Path, typer.Argument(help="Folder to watch for .txt, .md and .html articles.")],
    post: Annotated[str, typer.Option(help="slack, mattermost, teams or discord.")],
    webhook: Annotated[str | None, typer.Option(help="Webhook URL [env BRIEF_WEBHOOK_URL].")] = None,
    state: Annotated[
        Path | None, typer.Option(help="State file (default DIR/.brief-watch.json).", show_default=False)
    ] = None,
    published_today: Annotated[bool, typer.Option(help="Resolve dates against today's date.")] = True,
    once: Annotated[
        bool, typer.Option(help="One pass, then exit (for cron); the exit code says what needs a person.")
    ] = False,
    poll: Annotated[float, typer.Option(help="Seconds between passes.")] = 5.0,
    settle: Annotated[
        float, typer.Option(help="Seconds a file must be unchanged before it is read (a writer may still be at it).")
    ] = 5.0,
    strict: Annotated[
        bool, typer.Option("--strict/--no-strict", help="Hold back, not post, a brief whose own words were flagged.")
    ] = True,
    max_failures: Annotated[int, typer.Option(help="Give up on an article after this many failures.")] = 5,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks.")] = False,
) -> None:
    import datetime

    def say(line: str) -> None:
        from .chat.text import plain_line

        # File names and errors are data: plain text, never markup or terminal escapes.
        sys.stderr.write(plain_line(line) + "\n")
        sys.stderr.flush()

    try:
        delivery = _delivery(post, webhook, dry_run=False)
        assert delivery is not None and delivery[1] is not None
        platform, url = delivery
        if not directory.is_dir():
            raise InputError(f"{directory}: not a directory")
        if settle < 0 or poll <= 0 or max_failures < 1:
            raise InputError("--settle must be 0 or more, --poll more than 0, --max-failures at least 1")
        from .chat import InboxFile, WatchEvent, check_strict, post_brief, watch
        from .pipeline import Summarizer
        from .sources import load_bytes

        summarizer = Summarizer()

        def handle(item: InboxFile) -> Any:
            document = load_bytes(item.data, item.name, summarizer.settings.max_input_bytes)
            today = datetime.date.today() if published_today else None
            brief = summarizer.summarize(document, published=document.published or today, source=item.name)
            if strict:
                check_strict(brief)
            return brief

        def deliver(item: InboxFile, brief: Any) -> None:
            result = post_brief(brief, url, platform)
            say(f"posted {item.name} to {platform} at {result.host}")

        def on_event(event: WatchEvent) -> None:
            say(f"brief: {event.name}: {event.message}")

        report = watch(
            directory,
            handle,
            deliver=deliver,
            state_path=state or directory / ".brief-watch.json",
            once=once,
            poll_seconds=poll,
            settle_seconds=settle,
            max_failures=max_failures,
            max_bytes=summarizer.settings.max_input_bytes,
            on_event=on_event,
        )
    except BriefError as error:
        fail(error, verbose)
    except KeyboardInterrupt:
        say("brief: interrupted")
        raise typer.Exit(130) from None
    code = report.exit_code()
    if code:
        counts = [
            (len(report.handled), "posted"),
            (len(report.held), "held back"),
            (len(report.uncertain), "may have been posted"),
            (len(report.failed), "failed (retried on the next pass)"),
            (len(report.gave_up), "given up on"),
            (len(report.refused), "refused"),
        ]
        say("brief: watch: " + ", ".join(f"{n} {what}" for n, what in counts if n))
        raise typer.Exit(code)


@app.command("serve", help="Serve briefs over HTTP: an API, a web page and Slack/Mattermost slash commands.")
def serve_command(
    host: Annotated[
        str | None,
        typer.Option(help="Address to listen on [default: 127.0.0.1; env BRIEF_SERVE_HOST]; beyond loopback needs "
                     "a token.", show_default=False),
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: 8000; env BRIEF_SERVE_PORT].",
                                             show_default=False)] = None,
    token: Annotated[
        str | None,
        typer.Option(help="Bearer token for /v1/* [env BRIEF_SERVE_TOKEN; prefer it: flags show in ps].",
                     show_default=False),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Briefs at once [default: 1 for the embedded model, 4 for an endpoint].",
                                 show_default=False)
    ] = None,
    queue: Annotated[int | None, typer.Option(help="Briefs that may wait beyond those running [default: 8].",
                                              show_default=False)] = None,
    deadline: Annotated[float | None, typer.Option(help="Seconds a brief may take, queue included [default: 900].",
                                                   show_default=False)] = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    gguf: GgufOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    try:
        try:
            import fastapi  # noqa: F401
            import uvicorn  # noqa: F401
        except ImportError:
            raise InputError("brief serve needs the serve extra: pip install 'brief-summarizer[serve]'") from None
        from .serve.config import check_config, config_from_env
        from .serve.run import serve
        from .settings import settings_from_env

        config = config_from_env().with_overrides(
            host=host, port=port, token=token, workers=workers, queue=queue, deadline=deadline
        )
        check_config(config)
        settings = settings_from_env().with_overrides(model=model, base_url=base_url, gguf=gguf)
        serve(config, settings, log_level="debug" if verbose else "info")
    except BriefError as error:
        fail(error, verbose)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def _register_subcommands() -> None:
    # Each subcommand module imports only typer and our errors at the top, so --help stays light.
    from .batch.command import batch_command
    from .evaluation.command import HELP as EVAL_HELP
    from .evaluation.command import eval_command
    from .event.command import EVENT_HELP, EVENTS_HELP, event_command, events_command

    app.command("batch", help="Brief many articles into a JSONL file; rerun to finish and retry.")(batch_command)
    app.command("eval", help=EVAL_HELP)(eval_command)
    app.command("event", help=EVENT_HELP)(event_command)
    app.command("events", help=EVENTS_HELP)(events_command)


_register_subcommands()


def main() -> None:
    """The CLI's edge: whatever a command did not catch (a disk full, a database error, a bug) is one line
    and exit code 1; ``-v`` adds the traceback, secrets redacted."""
    try:
        app()
    except BriefError as error:  # commands catch their own; this is the last line of defence
        sys.stderr.write(f"brief: {error}\n")
        sys.exit(error.exit_code)
    except Exception as error:  # noqa: BLE001 - the one broad handler, at the edge
        sys.exit(unexpected_exit(error, verbose=bool({"-v", "--verbose"} & set(sys.argv[1:]))))


def unexpected_exit(error: BaseException, *, verbose: bool) -> int:
    """One line naming an unforeseen failure (secrets redacted), the traceback with ``verbose``; its exit code."""
    import os

    from .chat.transport import secret_parts
    from .console import print_traceback
    from .controls import strip_controls
    from .llm.redact import redact, register, url_secrets

    # The failure may have come before any secret was registered: register what the environment holds.
    hooks = [v for k, v in os.environ.items() if k.startswith("BRIEF_") and k.endswith(("WEBHOOK", "WEBHOOK_URL"))]
    register(os.environ.get("OPENAI_API_KEY"), os.environ.get("BRIEF_API_KEY"), *hooks)
    register(*url_secrets(os.environ.get("OPENAI_BASE_URL")), *url_secrets(os.environ.get("BRIEF_BASE_URL")))
    register(*(part for hook in hooks for part in secret_parts(hook)))
    what = "a disk or file error" if isinstance(error, OSError) else type(error).__name__
    if type(error).__module__ == "sqlite3":
        what = "a cache database error"
    message = " ".join(strip_controls(str(error)).split()) or type(error).__name__
    sys.stderr.write(redact(f"brief: {what}: {message}" + ("" if verbose else "; -v shows the traceback")) + "\n")
    if verbose:
        print_traceback(error)
    return EXIT_MODEL


__all__ = ["EXIT_INPUT", "EXIT_MODEL", "app", "main"]
