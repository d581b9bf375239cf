"""``brief serve``: the HTTP API, a web page and slash commands over one shared ``Summarizer``.

An optional extra (``pip install 'brief-summarizer[serve]'``: FastAPI and uvicorn)::

    from summarizer.serve import create_app
    app = create_app(settings=settings_from_env())   # any ASGI server; `brief serve` runs uvicorn

    config.py   — ServeConfig: host, port, token, queue size, deadline, limits (BRIEF_SERVE_*)
    models.py   — the request and response bodies (and so /openapi.json)
    jobs.py     — the bounded work queue, per-request deadline, progress per job
    guard.py    — request-size limit and structured access logs (plain ASGI)
    slash.py    — Slack signatures, Mattermost tokens, the URL in `/brief <url>`
    commands.py — the slash-command routes: acknowledge, brief, post to response_url
    app.py      — create_app: the routes, the page, health and readiness
    run.py      — running it under uvicorn with a graceful shutdown
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .app import create_app
    from .config import ServeConfig, config_from_env

__all__ = ["ServeConfig", "config_from_env", "create_app"]

__getattr__ = lazy_exports(__name__, {"create_app": "app", "ServeConfig": "config", "config_from_env": "config"})
