"""How ``brief serve`` runs: where it listens, who may call it, how much work it takes on. Plain data.

Resolved once, like ``Settings``: flags > environment (``BRIEF_SERVE_*``) > defaults. Secrets (the
bearer token, Slack's signing secret, Mattermost's command token) are kept out of ``repr``.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..errors import InputError


@dataclass(frozen=True)
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = field(default=None, repr=False)  # BRIEF_SERVE_TOKEN: bearer for /v1/*
    workers: int | None = None  # briefs at once; None: 1 for the embedded model (it runs one), else 4
    queue: int = 8  # briefs waiting beyond those running; more get 429
    deadline: float = 900.0  # seconds a brief may take from admission, queue time included
    wait: float = 20.0  # seconds POST /v1/briefs waits for the brief before answering 202
    max_body: int = 6_000_000  # bytes of request body (an article page is at most BRIEF_MAX_INPUT_BYTES)
    grace: float = 30.0  # seconds shutdown lets running briefs finish before failing them
    keep: int = 256  # finished jobs kept for GET /v1/briefs/{id}
    slack_secret: str | None = field(default=None, repr=False)  # BRIEF_SLACK_SIGNING_SECRET
    mattermost_token: str | None = field(default=None, repr=False)  # BRIEF_MATTERMOST_TOKEN
    # Where a slash command's answer may be posted: the platform's own hosts only, so a signed but
    # crafted response_url cannot turn the service into a proxy. Add your Mattermost's host.
    response_hosts: tuple[str, ...] = ("hooks.slack.com",)

    def with_overrides(self, **overrides: object) -> ServeConfig:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]


def _number(env: Mapping[str, str], name: str, kind: type[int] | type[float]) -> int | float | None:
    value = (env.get(name) or "").strip()
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise InputError(f"{name} must be a number, not {value!r}") from None


def config_from_env(env: Mapping[str, str] | None = None) -> ServeConfig:
    env = os.environ if env is None else env
    hosts = env.get("BRIEF_SERVE_RESPONSE_HOSTS")
    return ServeConfig().with_overrides(
        host=env.get("BRIEF_SERVE_HOST") or None,
        port=_number(env, "BRIEF_SERVE_PORT", int),
        token=env.get("BRIEF_SERVE_TOKEN") or None,
        workers=_number(env, "BRIEF_SERVE_WORKERS", int),
        queue=_number(env, "BRIEF_SERVE_QUEUE", int),
        deadline=_number(env, "BRIEF_SERVE_DEADLINE", float),
        wait=_number(env, "BRIEF_SERVE_WAIT", float),
        max_body=_number(env, "BRIEF_SERVE_MAX_BODY", int),
        grace=_number(env, "BRIEF_SERVE_GRACE", float),
        slack_secret=env.get("BRIEF_SLACK_SIGNING_SECRET") or None,
        mattermost_token=env.get("BRIEF_MATTERMOST_TOKEN") or None,
        response_hosts=tuple(h.strip().lower() for h in hosts.split(",") if h.strip()) if hosts else None,
    )


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve anywhere


def check_config(config: ServeConfig) -> None:
    """Refuse to start in a way that would expose the model (and its cost) without a token."""
    if not is_loopback(config.host) and not config.token:
        raise InputError(
            f"serve: listening on {config.host} (beyond this machine) needs a bearer token: "
            "set BRIEF_SERVE_TOKEN (or --token), or listen on 127.0.0.1"
        )
    if config.workers is not None and config.workers < 1:
        raise InputError("--workers must be at least 1")
    if config.queue < 0 or config.deadline <= 0 or config.wait < 0 or config.max_body < 1:
        raise InputError("--queue and --wait must be 0 or more; the deadline and body limit more than 0")


__all__ = ["ServeConfig", "check_config", "config_from_env", "is_loopback"]
