"""``create_app``: the HTTP API, the page and the slash commands over ONE shared ``Summarizer``.

    app = create_app(settings=settings_from_env())     # or create_app(summarizer=Summarizer(...))
    uvicorn.run(app, host="127.0.0.1", port=8000)

Routes (OpenAPI at ``/openapi.json``, from the same Pydantic models):

* ``POST /v1/briefs`` ``{text | url | html, published?, lang?}`` → the Brief (``?format=html|markdown``);
  a brief not ready within ``?wait=`` seconds (default ``ServeConfig.wait``) → ``202`` and a job;
* ``GET /v1/briefs/{id}`` → the job's state (and brief); ``GET /v1/briefs/{id}/events`` → progress as SSE;
* ``GET /`` → a page that uses only the above; ``/healthz``, ``/readyz``;
* ``POST /slack/commands``, ``POST /mattermost/commands`` (``commands.py``).

Every brief goes through ``JobQueue`` (bounded; 429 + Retry-After when full).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from importlib.resources import files
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse

from ..article import Article
from ..errors import BriefError, InputError
from ..lane import off_loop
from ..language import check_lang
from ..llm.redact import redact
from ..pipeline import Prepared, Summarizer
from ..progress import Progress
from ..render import to_html, to_markdown
from ..schema import Brief
from ..settings import Settings
from .commands import add_commands
from .config import ServeConfig, config_from_env
from .guard import Guard
from .jobs import Job, JobQueue, QueueFull
from .models import BriefRequest, ErrorBody, JobAccepted, JobStatus

log = logging.getLogger("brief.serve")

Format = Literal["json", "html", "markdown"]


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": redact(message)}, status_code=status, headers=headers)


def _busy(busy: QueueFull) -> JSONResponse:
    return _error(429, f"busy: {busy}", {"Retry-After": str(busy.retry_after)})


@cache
def _page() -> str:
    return (files("summarizer.serve") / "assets" / "page.html").read_text(encoding="utf-8")


# --- the service: one Summarizer, one queue -----------------------------------------------------------


class Service:
    def __init__(self, summarizer: Summarizer, config: ServeConfig) -> None:
        self.summarizer = summarizer
        self.config = config
        s = summarizer.settings
        workers = config.workers or (4 if s.uses_endpoint else 1)
        self.queue = JobQueue(summarizer.abrief, workers=workers, depth=config.queue, deadline=config.deadline,
                              keep=config.keep)
        # The one Summarizer's listener: each event goes to the job it belongs to (and to a listener
        # the caller gave, if any).
        given = summarizer.on_progress

        def listen(event: Progress) -> None:
            self.queue.progress(event)
            given(event)

        summarizer.on_progress = listen
        self.ready = False
        self.draining = False
        self.tasks: set[asyncio.Task[Any]] = set()

    async def load(self, request: BriefRequest) -> Prepared:
        """The request's article, read and prepared (CPU on the lane, a fetch on a thread)."""
        lang = check_lang(request.lang)
        s = self.summarizer.settings
        article: str | Article
        if request.url is not None:
            from ..sources import load_article

            # sources.load_article owns the URL rules (schemes, size, types, where it may connect): a service
            # that fetches what a caller names must not reach its own host, network or cloud metadata.
            article = await asyncio.to_thread(
                load_article, request.url, max_bytes=s.max_input_bytes, timeout=s.fetch_timeout,
                allow_private=s.allow_private_urls,
            )
        elif request.html is not None:
            from ..sources import load_bytes

            data = request.html.encode("utf-8")
            if len(data) > s.max_input_bytes:
                raise InputError(f"the page is over the {s.max_input_bytes:,}-byte input limit")
            article = await off_loop(load_bytes, data, request.source or "page.html")
        else:
            article = request.text or ""
            if len(article.encode("utf-8")) > s.max_input_bytes:
                raise InputError(f"the article is over the {s.max_input_bytes:,}-byte input limit")
        return await off_loop(self._prepare, article, request.published, request.source, lang)

    def _prepare(self, article: str | Article, published: str | None, source: str | None,
                 lang: str | None) -> Prepared:
        return self.summarizer.prepare(article, published=published, source=source, lang=lang)

    def spawn(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def authorized(self, request: Request, job: Job | None = None) -> bool:
        token = self.config.token
        if not token:
            return True
        given = request.headers.get("authorization", "")
        if given[:7].lower() == "bearer " and hmac.compare_digest(given[7:].strip().encode(), token.encode()):
            return True
        ticket = request.query_params.get("ticket")
        return bool(job and ticket and hmac.compare_digest(ticket.encode(), job.ticket.encode()))


def _render(brief: Brief, article: str, fmt: Format) -> Response:
    if fmt == "html":
        return HTMLResponse(to_html(brief, article))
    if fmt == "markdown":
        return Response(to_markdown(brief), media_type="text/markdown; charset=utf-8")
    return Response(brief.model_dump_json(), media_type="application/json")


def _accepted(job: Job) -> JSONResponse:
    status_url = f"/v1/briefs/{job.id}"
    body = JobAccepted(id=job.id, state=job.state, status_url=status_url,
                       events_url=f"{status_url}/events?ticket={job.ticket}")
    return JSONResponse(body.model_dump(), status_code=202, headers={"Location": status_url})


def _sse(event: dict[str, Any]) -> bytes:
    return f"event: {event.get('type', 'message')}\ndata: {json.dumps(event)}\n\n".encode()


_UNAUTHORIZED = {"error": "a bearer token is required (Authorization: Bearer $BRIEF_SERVE_TOKEN)"}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody}, 413: {"model": ErrorBody}, 422: {"model": ErrorBody},
    429: {"model": ErrorBody, "description": "The queue is full; see Retry-After."},
    502: {"model": ErrorBody}, 503: {"model": ErrorBody}, 504: {"model": ErrorBody},
}


def create_app(
    summarizer: Summarizer | None = None,
    *,
    settings: Settings | None = None,
    config: ServeConfig | None = None,
) -> FastAPI:
    """The ASGI app. ``summarizer`` is shared by every request (made from ``settings`` if not given)."""
    config = config or config_from_env()
    owned = summarizer is None
    service = Service(summarizer or Summarizer(settings), config)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        service.queue.start()
        # Load the model (or open the endpoint's client) before saying ready: the first brief should not pay.
        await asyncio.to_thread(lambda: service.summarizer.transport)
        service.ready = True
        log.info("ready: %s at %s, %d brief(s) at once, %d may wait", service.summarizer.settings.model_name,
                 service.summarizer.settings.endpoint_label, service.queue.workers,
                 service.queue.capacity - service.queue.workers)
        try:
            yield
        finally:
            service.ready, service.draining = False, True
            await service.queue.shutdown(config.grace)
            for task in list(service.tasks):
                task.cancel()
            if owned:
                await service.summarizer.aclose()

    app = FastAPI(
        title="brief",
        summary="Grounded news briefs over HTTP: the Brief JSON, its evidence view, and slash commands.",
        version="1",
        lifespan=lifespan,
    )
    app.state.service = service

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(_page(), headers={"Content-Security-Policy": (
            "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-src 'self'; "
            "img-src data:; connect-src 'self'"), "Referrer-Policy": "no-referrer"})

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], responses={503: {"model": ErrorBody}})
    async def readyz() -> JSONResponse:
        if not service.ready or service.draining:
            return _error(503, "shutting down" if service.draining else "loading the model")
        s = service.summarizer.settings
        return JSONResponse({"status": "ready", "model": s.model_name, "endpoint": s.endpoint_label,
                             "queued": service.queue.pending, "capacity": service.queue.capacity})

    @app.post(
        "/v1/briefs",
        tags=["briefs"],
        response_model=Brief,
        responses={
            200: {"content": {"text/html": {}, "text/markdown": {}}},
            202: {"model": JobAccepted, "description": "Still working: poll status_url or follow events_url."},
            **_RESPONSES,
        },
    )
    async def create_brief(
        body: BriefRequest,
        request: Request,
        format: Annotated[Format, Query(description="json (the Brief), html (evidence view) or markdown")] = "json",
        wait: Annotated[float | None, Query(ge=0, description="Seconds to wait for the brief before a 202.")] = None,
    ) -> Response:
        if not service.authorized(request):
            return JSONResponse(_UNAUTHORIZED, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        if service.draining:
            return _error(503, "the server is shutting down: try again later")
        try:
            service.queue.check_room()  # before any fetch or parsing: a full queue answers at once
            prepared = await service.load(body)
            job = service.queue.submit(prepared)
        except QueueFull as busy:
            return _busy(busy)
        except BriefError as error:
            return _error(422, str(error))
        # Never longer than the deadline (plus a moment for the job to settle): the job ends by then.
        limit = min(config.wait if wait is None else wait, config.deadline + 1.0)
        if limit > 0:
            try:
                await asyncio.wait_for(asyncio.shield(job.settled.wait()), timeout=limit)
            except TimeoutError:
                pass
        if job.state == "done" and job.brief is not None:
            return _render(job.brief, job.article, format)
        if job.state == "failed":
            return _error(job.status or 502, job.error or "the brief failed")
        return _accepted(job)

    @app.get("/v1/briefs/{job_id}", tags=["briefs"], response_model=JobStatus,
             responses={200: {"content": {"text/html": {}, "text/markdown": {}}}, 404: {"model": ErrorBody},
                        409: {"model": ErrorBody}, 401: {"model": ErrorBody}})
    async def get_brief(
        job_id: str,
        request: Request,
        format: Annotated[Format, Query(description="Finished: json (the job), html or markdown")] = "json",
    ) -> Response:
        job = service.queue.get(job_id)
        if not service.authorized(request, job):
            return JSONResponse(_UNAUTHORIZED, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        if job is None:
            return _error(404, "no such brief (finished ones are kept for a while, then forgotten)")
        if format != "json":
            if job.brief is None:
                return _error(409, f"the brief is {job.state}, not done")
            return _render(job.brief, job.article, format)
        return Response(JobStatus.model_validate(job.view()).model_dump_json(), media_type="application/json")

    @app.get("/v1/briefs/{job_id}/events", tags=["briefs"],
             responses={200: {"content": {"text/event-stream": {}}}, 404: {"model": ErrorBody}})
    async def brief_events(job_id: str, request: Request) -> Response:
        """Progress as server-sent events: ``state``, ``progress`` (stage, message, done/total), then ``done`` or
        ``failed``. Past events are replayed first, so a late listener misses nothing."""
        job = service.queue.get(job_id)
        if not service.authorized(request, job):
            return JSONResponse(_UNAUTHORIZED, status_code=401)
        if job is None:
            return _error(404, "no such brief")

        async def stream() -> AsyncIterator[bytes]:
            queue = job.listen()
            try:
                yield b"retry: 2000\n\n"
                while True:
                    try:
                        event = await asyncio.wait_for(queue.get(), timeout=15)
                    except TimeoutError:
                        yield b": keep-alive\n\n"
                        continue
                    yield _sse(event)
                    if event.get("type") in ("done", "failed"):
                        return
            finally:
                job.listeners.discard(queue)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    add_commands(app, service)
    app.add_middleware(Guard, max_body=config.max_body)
    return app


__all__ = ["Service", "create_app"]
