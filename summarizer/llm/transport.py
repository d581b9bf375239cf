"""Transports send one chat-completions request and return an OpenAI ``ChatCompletion``.

Two kinds share one shape so everything above them (instructor, retries, token
accounting) is written once:

* ``EndpointTransport``: any OpenAI-compatible HTTP endpoint through the ``openai`` client
  (OpenAI, Ollama, vLLM, llama.cpp's server, LM Studio…);
* ``EmbeddedTransport``: llama.cpp in-process through ``llama-cpp-python``.

Heavy imports (openai, llama_cpp) happen inside, so ``brief --help`` stays fast.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from ..errors import ModelFileError
from ..settings import Settings
from . import redact


class Transport(Protocol):
    label: str  # "embedded" or the endpoint's host: safe to show, never a key
    model: str

    def create(self, **kwargs: Any) -> Any: ...

    async def acreate(self, **kwargs: Any) -> Any: ...


class EndpointTransport:
    def __init__(self, settings: Settings) -> None:
        self.label = settings.endpoint_label
        self.model = settings.model_name
        self.timeout = settings.timeout  # per request; the asker cuts it to what is left of the deadline
        self._settings = settings
        redact.register(settings.api_key, *redact.url_secrets(settings.base_url))
        self._sync: Any = None
        self._async: Any = None

    def _client_kwargs(self) -> dict[str, Any]:
        # tenacity owns retries (retry.py): the client must not retry on its own as well.
        return {
            "base_url": self._settings.base_url,
            # Local servers need no key, but the client insists on one.
            "api_key": self._settings.api_key or "not-needed",
            "max_retries": 0,
            "timeout": self._settings.timeout,
        }

    def create(self, **kwargs: Any) -> Any:
        if self._sync is None:
            import openai

            self._sync = openai.OpenAI(**self._client_kwargs())
        return self._sync.chat.completions.create(**kwargs)

    async def acreate(self, **kwargs: Any) -> Any:
        if self._async is None:
            import openai

            self._async = openai.AsyncOpenAI(**self._client_kwargs())
        return await self._async.chat.completions.create(**kwargs)

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()
            self._sync = None

    async def aclose(self) -> None:
        """Close the async client's connections; the next request opens new ones (on its own loop)."""
        self.close()
        if self._async is not None:
            client, self._async = self._async, None
            await client.close()


TokenCallback = Callable[[int], None]


class EmbeddedTransport:
    """llama.cpp in the same process. One model instance is shared and used by one call at a time."""

    def __init__(self, settings: Settings, gguf: Path, on_token: TokenCallback | None = None) -> None:
        self.label = "embedded"
        self.model = settings.model_name
        self._settings = settings
        self._gguf = gguf
        self.on_token = on_token

    def load(self) -> Any:
        """The ``Llama`` instance (loaded once per process), e.g. to give it a prompt cache."""
        try:
            return _load_llama(str(self._gguf), self._settings.n_ctx, self._settings.n_threads)
        except (ValueError, RuntimeError) as exc:  # llama-cpp-python's "Failed to load model from file"
            raise ModelFileError(f"cannot load GGUF model {self._gguf}: {exc}") from None

    def create(self, **kwargs: Any) -> Any:
        from openai.types.chat import ChatCompletion

        llama = self.load()
        kwargs.pop("model", None)
        kwargs.pop("timeout", None)
        # llama.cpp generates until the context is full unless told otherwise; a small model
        # looping inside a JSON list would run for minutes. A brief needs ~300-600 tokens.
        kwargs.setdefault("max_tokens", self._settings.output_tokens)
        # llama.cpp's server samples with repeat_penalty 1.1 and the in-process default is 1.0;
        # without it the 1.5B model loops inside the `when` list until max_tokens.
        kwargs.setdefault("repeat_penalty", 1.1)
        if self.on_token is not None:
            kwargs["logits_processor"] = _token_counter(self.on_token)
        with _LLAMA_LOCK:
            raw = llama.create_chat_completion(**kwargs)
        return ChatCompletion.model_validate(raw)

    async def acreate(self, **kwargs: Any) -> Any:
        return await asyncio.to_thread(self.create, **kwargs)


_LLAMA_LOCK = threading.Lock()


@cache
def _load_llama(path: str, n_ctx: int, n_threads: int | None) -> Any:
    """Load once per process: loading costs seconds, answering reuses it."""
    import os

    from llama_cpp import Llama

    # llama-cpp-python defaults to half the cores; a brief is one request, so use them all.
    threads = n_threads or os.cpu_count() or 1
    return Llama(model_path=path, n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads, verbose=False)


def _token_counter(on_token: TokenCallback) -> Any:
    # llama.cpp calls logits processors once per generated token: a cheap progress signal.
    from llama_cpp import LogitsProcessorList

    count = 0

    def count_token(_input_ids: Any, scores: Any) -> Any:
        nonlocal count
        count += 1
        on_token(count)
        return scores

    return LogitsProcessorList([count_token])


def embedded_available() -> bool:
    try:
        import importlib.util

        return importlib.util.find_spec("llama_cpp") is not None
    except (ImportError, ValueError):
        return False
