"""Configuration, resolved once into one typed object: flags > environment > defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

ModeName = Literal["auto", "tools", "json", "md_json", "json_schema"]
MODES: tuple[str, ...] = ("auto", "tools", "json", "md_json", "json_schema")

DEFAULT_HOSTED_MODEL = "gpt-4o-mini"
EMBEDDED_MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"


@dataclass(frozen=True)
class Settings:
    """Everything a brief run needs to know about where and how to ask a model.

    ``api_key`` is kept out of ``repr`` so it never lands in a log or a traceback.
    """

    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    model: str | None = None
    mode: ModeName = "auto"
    max_retries: int = 1  # validation re-asks after the first answer
    repair_calls: int = 1  # targeted re-asks for quotes that grounding could not verify
    transport_attempts: int = 4  # tries per HTTP call for timeouts, 429 and 5xx
    timeout: float = 180.0  # seconds per HTTP request; local models are slow
    deadline: float = 900.0  # ceiling for one whole brief, all calls included
    gguf: Path | None = None
    n_ctx: int = 8192
    n_threads: int | None = None
    temperature: float = 0.0
    prompt: str = "brief"  # the system prompt: prompts/NAME.md (its id and version go in meta and the cache key)
    # Long articles and input limits (see chunking.py): what one call may carry, and what a run may read.
    context_window: int | None = None  # hosted model's window in tokens; None: known by name, else 8192
    output_tokens: int = 1536  # kept free in the window for the answer
    max_article_tokens: int | None = None  # tokens of article per call; None: the window less prompt and answer
    max_parts: int = 32  # an article needing more parts than this is refused (cost grows with parts)
    max_input_bytes: int = 5_000_000  # a file, stdin or a downloaded page
    fetch_timeout: float = 20.0  # seconds for fetching a URL, all redirects and reads included
    allow_private_urls: bool = False  # fetch loopback/private/link-local addresses (intranet pages)

    @property
    def uses_endpoint(self) -> bool:
        """An endpoint is used when one is configured; otherwise the embedded model runs in-process."""
        return bool(self.base_url or self.api_key) and self.gguf is None

    @property
    def endpoint_label(self) -> str:
        """What to call the endpoint in messages: the host only, never a key or a path."""
        if not self.uses_endpoint:
            return "embedded"
        if not self.base_url:
            return "api.openai.com"
        parts = urlsplit(self.base_url)
        return parts.netloc.rsplit("@", 1)[-1] or self.base_url

    @property
    def model_name(self) -> str:
        if self.model:
            return self.model
        if self.uses_endpoint:
            return DEFAULT_HOSTED_MODEL if not self.base_url else "default"
        return self.gguf.name if self.gguf else EMBEDDED_MODEL_NAME

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with every override that is not None applied (how CLI flags beat the environment)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]


def _int(env: Mapping[str, str], name: str) -> int | None:
    value = env.get(name)
    return int(value) if value and value.strip().isdigit() else None


def _bool(env: Mapping[str, str], name: str) -> bool | None:
    value = env.get(name, "").strip().lower()
    return True if value in ("1", "true", "yes", "on") else False if value in ("0", "false", "no", "off") else None


def settings_from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Read ``OPENAI_*`` and ``BRIEF_*`` variables; unset ones keep the defaults."""
    env = os.environ if env is None else env
    gguf = env.get("BRIEF_GGUF")
    mode = env.get("BRIEF_MODE")
    base = Settings()
    return base.with_overrides(
        base_url=env.get("BRIEF_BASE_URL") or env.get("OPENAI_BASE_URL") or None,
        api_key=env.get("BRIEF_API_KEY") or env.get("OPENAI_API_KEY") or None,
        model=env.get("BRIEF_MODEL") or None,
        prompt=env.get("BRIEF_PROMPT") or None,
        mode=mode if mode in MODES else None,
        gguf=Path(gguf).expanduser() if gguf else None,
        n_ctx=_int(env, "BRIEF_N_CTX"),
        n_threads=_int(env, "BRIEF_THREADS"),
        max_retries=_int(env, "BRIEF_MAX_RETRIES"),
        context_window=_int(env, "BRIEF_CONTEXT_WINDOW"),
        max_article_tokens=_int(env, "BRIEF_MAX_ARTICLE_TOKENS"),
        max_parts=_int(env, "BRIEF_MAX_PARTS"),
        max_input_bytes=_int(env, "BRIEF_MAX_INPUT_BYTES"),
        allow_private_urls=_bool(env, "BRIEF_ALLOW_PRIVATE_URLS"),
    )
