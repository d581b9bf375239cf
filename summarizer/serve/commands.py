"""``/brief <url>`` from a Slack or Mattermost channel: verify, acknowledge at once, post the brief later.

Slack wants an answer within 3 s, and a brief takes longer: the route checks the request (signature
or token, the URL, room in the queue) and answers with an ephemeral "working on it"; a task then
fetches the article (``sources.load_article``: the same URL rules as everywhere), waits for the brief
and posts it to the command's ``response_url`` with the chat renderer of that platform. A request
that fails the check gets 401 and nothing is done.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ..chat import ChatDeliveryError, post_payload, render_payload
from ..chat.text import commonmark_safe, slack_safe
from ..errors import BriefError
from .jobs import QueueFull
from .models import BriefRequest
from .slash import Forged, allowed_response_url, command_url, verify_slack, verify_token

if TYPE_CHECKING:
    from .app import Service

log = logging.getLogger("brief.serve")

USAGE = "Usage: /brief <article URL>"


def message(platform: str, text: str, *, visible: bool = False) -> dict[str, Any]:
    """A short reply (ours, with article or error text inside made inert) in the platform's shape."""
    kind = "in_channel" if visible else "ephemeral"
    if platform == "slack":
        safe = slack_safe(text)
        return {"response_type": kind, "text": safe, "unfurl_links": False, "unfurl_media": False,
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": safe, "verbatim": True}}]}
    return {"response_type": kind, "text": commonmark_safe(text)}


def _form(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}


async def _command(service: Service, platform: str, form: dict[str, str]) -> JSONResponse:
    url = command_url(form.get("text", ""))
    if url is None:
        return JSONResponse(message(platform, USAGE))
    response_url = form.get("response_url", "")
    if not allowed_response_url(response_url, service.config.response_hosts):
        log.warning("%s command refused: its response_url is not an allowed host", platform)
        return JSONResponse({"error": "response_url is not an allowed host"}, status_code=400)
    if service.draining:
        return JSONResponse(message(platform, "The brief service is restarting: try again in a minute."))
    try:
        service.queue.check_room()
    except QueueFull as busy:
        return JSONResponse(message(platform, f"Busy with other briefs: try again in {busy.retry_after} s."))
    service.spawn(_answer(service, platform, url, response_url))
    return JSONResponse(message(platform, "Working on a brief of that article: it will appear here."))


async def _answer(service: Service, platform: str, url: str, response_url: str) -> None:
    try:
        prepared = await service.load(BriefRequest(url=url))
        job = service.queue.submit(prepared)
        await job.settled.wait()
        if job.brief is not None:
            payload = {**render_payload(job.brief, platform), "response_type": "in_channel"}
        else:
            payload = message(platform, f"No brief: {job.error}")
    except QueueFull as busy:
        payload = message(platform, f"Busy with other briefs: try again in {busy.retry_after} s.")
    except BriefError as error:
        payload = message(platform, f"No brief: {error}")
    except Exception as error:  # a bug must still answer the channel, not vanish in a task
        log.exception("%s command failed", platform)
        payload = message(platform, f"No brief: unexpected error ({type(error).__name__})")
    try:
        await asyncio.to_thread(post_payload, payload, response_url, platform, max_attempts=3)
    except ChatDeliveryError as error:  # its message names the host only, never the URL's secret path
        log.warning("%s: could not post the answer: %s", platform, error)


def add_commands(app: FastAPI, service: Service) -> None:
    @app.post("/slack/commands", tags=["chat"], responses={401: {}, 404: {}})
    async def slack_command(request: Request) -> JSONResponse:
        """Slack's slash command (``/brief <url>``), signed with the app's signing secret."""
        secret = service.config.slack_secret
        if not secret:
            return JSONResponse({"error": "Slack commands are not set up (BRIEF_SLACK_SIGNING_SECRET)"}, 404)
        body = await request.body()
        try:
            verify_slack(secret, request.headers.get("x-slack-request-timestamp"),
                         request.headers.get("x-slack-signature"), body, time.time())
        except Forged as forged:
            log.warning("slack command refused: %s", forged)
            return JSONResponse({"error": "invalid request signature"}, status_code=401)
        return await _command(service, "slack", _form(body))

    @app.post("/mattermost/commands", tags=["chat"], responses={401: {}, 404: {}})
    async def mattermost_command(request: Request) -> JSONResponse:
        """Mattermost's slash command (``/brief <url>``), carrying the command's token."""
        expected = service.config.mattermost_token
        if not expected:
            return JSONResponse({"error": "Mattermost commands are not set up (BRIEF_MATTERMOST_TOKEN)"}, 404)
        form = _form(await request.body())
        header = request.headers.get("authorization", "")
        given = form.get("token") or (header[6:].strip() if header[:6].lower() == "token " else None)
        try:
            verify_token(expected, given)
        except Forged:
            log.warning("mattermost command refused: bad token")
            return JSONResponse({"error": "invalid command token"}, status_code=401)
        return await _command(service, "mattermost", form)


__all__ = ["USAGE", "add_commands", "message"]
