"""Running the app under uvicorn: access logs as JSON lines, and a shutdown that drains the queue.

On SIGTERM or Ctrl-C the service stops admitting briefs at once (``/readyz`` turns 503, new requests
get 503), uvicorn stops accepting connections and gives open ones ``grace`` seconds, and the queue
lets running briefs finish for the same ``grace``, then fails what is left with a clear error.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from ..pipeline import Summarizer
from ..settings import Settings
from .app import create_app
from .config import ServeConfig, check_config


def serve(config: ServeConfig, settings: Settings, *, log_level: str = "info") -> None:
    """Run ``brief serve`` until interrupted (blocking)."""
    import uvicorn

    check_config(config)
    # Our lines (readiness, access, refused commands) at INFO; libraries' (httpx logs every model URL) at WARNING.
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("brief.serve").setLevel(logging.DEBUG if log_level == "debug" else logging.INFO)
    summarizer = Summarizer(settings)
    summarizer.transport  # noqa: B018 - load the model (or fail with one clear line) before listening
    app = create_app(summarizer, config=config)

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            app.state.service.draining = True  # refuse new work before the sockets close
            super().handle_exit(sig, frame)

    server = Server(uvicorn.Config(
        app,
        host=config.host,
        port=config.port,
        access_log=False,  # guard.py writes one JSON line per request, without query strings
        log_level=log_level,
        timeout_graceful_shutdown=int(config.grace) or None,
        server_header=False,
    ))
    server.run()


__all__ = ["serve"]
