"""Transports send one chat-completions request and return an OpenAI ``ChatCompletion``.

Two kinds share one shape so everything above them (instructor, retries, token
accounting) is written once:

* ``EndpointTransport``: any OpenAI-compatible HTTP endpoint through the ``openai`` client
  (OpenAI, Ollama, vLLM, llama.cpp's server, LM Studio…);
* ``EmbeddedTransport`` (``embedded.py``): llama.cpp in-process through ``llama-cpp-python``.

Heavy imports (openai, llama_cpp) happen inside, so ``brief --help`` stays fast.
"""

from __future__ import annotations

from typing import Any, Protocol

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
