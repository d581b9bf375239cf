"""Configuration, resolved once into one typed, validated object: flags > environment > defaults.

Every field can be set from the environment: ``BRIEF_`` and its name in capitals (``max_parts``:
``BRIEF_MAX_PARTS``), except the few in ``_ENV_NAMES``. A bad value, from a variable or a flag, is an
``InputError`` (exit 2) whose one line names the variable or the flag and what it accepts.

``Settings`` is a pydantic dataclass: the same checks run on ``Settings(...)``, ``dataclasses.replace``
and ``with_overrides``. pydantic-settings is not used: its environment source reads only ``os.environ``
(``settings_from_env`` takes any mapping, and tests pass one) and its constructor reads the
environment implicitly, where ``Settings(...)`` must mean exactly the values given.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import field, fields, replace
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

from pydantic import ConfigDict, Field, ValidationError, field_validator
from pydantic.dataclasses import dataclass

from .article import MAX_INPUT_BYTES
from .errors import InputError
from .modes import MODES, ModeName

DEFAULT_HOSTED_MODEL = "gpt-4o-mini"
EMBEDDED_MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"

Count = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(gt=0)]
Seconds = Annotated[float, Field(gt=0)]


# hide_input_in_errors: a pydantic error never quotes a value (the key is one of them).
@dataclass(frozen=True, config=ConfigDict(extra="forbid", hide_input_in_errors=True))
class Settings:
    """Everything a brief run needs to know about where and how to ask a model.

    ``api_key`` is kept out of ``repr`` so it never lands in a log or a traceback.
    """

    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    model: str | None = None
    mode: ModeName = "auto"
    max_retries: Annotated[int, Field(ge=0, le=10)] = 1  # validation re-asks after the first answer
    repair_calls: Count = 1  # targeted re-asks for quotes that grounding could not verify
    follow_up_calls: Count = 1  # questions about the paragraphs a first answer left out (followup.py); 0: none
    transport_attempts: Positive = 4  # tries per HTTP call for timeouts, 429 and 5xx
    timeout: Seconds = 180.0  # seconds per HTTP request; local models are slow
    deadline: Seconds = 900.0  # ceiling for one whole brief, all calls included
    gguf: Path | None = None
    n_ctx: Positive = 8192
    n_threads: Positive | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] = 0.0
    prompt: str = "brief"  # the system prompt: prompts/NAME.md (its id and version go in meta and the cache key)
    # Long articles and input limits (see chunking.py): what one call may carry, and what a run may read.
    context_window: Positive | None = None  # hosted model's window in tokens; None: known by name, else 8192
    output_tokens: Positive = 1536  # kept free in the window for the answer
    max_article_tokens: Positive | None = None  # tokens of article per call; None: the window less prompt and answer
    max_parts: Positive = 32  # an article needing more parts than this is refused (cost grows with parts)
    max_input_bytes: Positive = MAX_INPUT_BYTES  # every way in: a file, stdin, a saved page, a download
    fetch_timeout: Seconds = 20.0  # seconds for fetching a URL, all redirects and reads included
    allow_private_urls: bool = False  # fetch loopback/private/link-local addresses (intranet pages)

    @field_validator("gguf")
    @classmethod
    def _expand_home(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

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
        """A copy with every override that is not None applied (how CLI flags beat the environment).

        A bad value is an ``InputError`` naming the field.
        """
        return _checked(lambda: replace(self, **{k: v for k, v in overrides.items() if v is not None}), {}, overrides)


class SettingsError(InputError):
    """A setting has a value it cannot take; the message names the variable or flag and what it accepts."""


# Fields read from other variables than BRIEF_<NAME>; the first one set wins.
_ENV_NAMES: dict[str, tuple[str, ...]] = {
    "base_url": ("BRIEF_BASE_URL", "OPENAI_BASE_URL"),
    "api_key": ("BRIEF_API_KEY", "OPENAI_API_KEY"),
    "n_threads": ("BRIEF_THREADS",),
}
_SECRET = frozenset({"api_key"})


def env_names(name: str) -> tuple[str, ...]:
    """The environment variables that set field ``name``, in the order they are looked at."""
    return _ENV_NAMES.get(name, (f"BRIEF_{name.upper()}",))


def flag_name(name: str) -> str:
    return "--" + name.replace("_", "-")


def settings_from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Read ``OPENAI_*`` and ``BRIEF_*`` variables; unset or empty ones keep the defaults.

    A bad value is a ``SettingsError`` naming the variable: a typo must not silently run another configuration.
    """
    env = os.environ if env is None else env
    values: dict[str, str] = {}
    named: dict[str, str] = {}
    for spec in fields(Settings):
        found = next((var for var in env_names(spec.name) if (env.get(var) or "").strip()), None)
        if found is not None:
            values[spec.name], named[spec.name] = env[found].strip(), found
    return _checked(lambda: Settings(**values), named, values)


def resolve_settings(env: Mapping[str, str] | None = None, **flags: object) -> Settings:
    """The commands' settings: the environment, then every flag that was given (not None) on top.

    Errors name the flag (``--max-retries``) or the variable (``BRIEF_MAX_RETRIES``) that holds the bad value.
    """
    base = settings_from_env(env)
    given = {k: v for k, v in flags.items() if v is not None}
    return _checked(lambda: replace(base, **given), {k: flag_name(k) for k in given}, given)


def allowed(name: str) -> str:
    """What field ``name`` accepts, in words: ``"one of auto, tools, …"``, ``"a whole number from 0 to 10"``."""
    hint = get_type_hints(Settings, include_extras=True)[name]
    bounds: dict[str, float] = {}
    while True:
        if get_origin(hint) is Annotated:
            base, *meta = get_args(hint)
            # A Field(ge=…) keeps its bounds as annotated-types objects in .metadata.
            for rule in (r for f in meta for r in (f, *getattr(f, "metadata", ()))):
                for attr in ("ge", "gt", "le"):
                    if hasattr(rule, attr):
                        bounds[attr] = getattr(rule, attr)
            hint = base
        elif type(None) in get_args(hint):
            hint = next(arg for arg in get_args(hint) if arg is not type(None))
        else:
            break
    if hint is ModeName:
        return f"one of {', '.join(MODES)}"
    if hint is bool:
        return "true or false"
    if hint in (int, float):
        return _number(hint is int, bounds)
    return "a path" if hint is Path else "text"


def _number(whole: bool, bounds: Mapping[str, float]) -> str:
    kind = "a whole number" if whole else "a number"
    low = bounds.get("ge")
    if low is not None and "le" in bounds:
        return f"{kind} from {low:g} to {bounds['le']:g}"
    if low is not None:
        return f"{kind}, {low:g} or more"
    if "gt" in bounds:
        return f"{kind} above {bounds['gt']:g}" if not whole else f"{kind}, {bounds['gt'] + 1:g} or more"
    return kind


def _checked(build: Any, named: Mapping[str, str], given: Mapping[str, object]) -> Settings:
    """Run ``build``; turn pydantic's error into one line naming the variable or flag (``named``), else the field."""
    try:
        return build()
    except ValidationError as error:
        first = error.errors()[0]
        field_name = str(first["loc"][0]) if first["loc"] else ""
        raise SettingsError(_explain(field_name, named.get(field_name, field_name), given.get(field_name))) from None


def _explain(field_name: str, name: str, value: object) -> str:
    if field_name not in {spec.name for spec in fields(Settings)}:
        return f"unknown setting {field_name!r}"
    what = allowed(field_name)
    shown = "" if field_name in _SECRET else f", not {value!r}"
    if what.startswith("one of"):
        return f"unknown {name}{'' if field_name in _SECRET else f' {value!r}'}: use {what}"
    return f"{name} must be {what}{shown}"


__all__ = [
    "DEFAULT_HOSTED_MODEL",
    "EMBEDDED_MODEL_NAME",
    "MODES",
    "ModeName",
    "Settings",
    "SettingsError",
    "allowed",
    "env_names",
    "resolve_settings",
    "settings_from_env",
]
