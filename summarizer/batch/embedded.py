"""Reusing the embedded model's work across a batch: the KV cache of the fixed prompt prefix.

Every brief request starts with the same system prompt and tool schema; only the article
differs. llama.cpp already reuses the longest common prefix with the *previous* request
held in its context. A ``LlamaRAMCache`` also keeps the states of earlier requests, so the
prefix survives when requests with other prefixes came in between (the targeted quote
re-asks, or another article's validation re-ask). Measure before turning it on by default:
``bench/batch_prompt_cache.py`` compares prompt-evaluation time with and without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..pipeline import Summarizer

DEFAULT_CAPACITY = 2 << 30  # llama-cpp-python's own default: 2 GiB of saved states


def loaded_llama(summarizer: Summarizer) -> Any | None:
    """The in-process ``Llama`` behind a summarizer, or None when it talks to an endpoint."""
    from ..llm.embedded import EmbeddedTransport
    from ..llm.wrap import innermost

    transport = innermost(summarizer.transport)
    return transport.load() if isinstance(transport, EmbeddedTransport) else None


def enable_prompt_cache(summarizer: Summarizer, capacity_bytes: int = DEFAULT_CAPACITY) -> bool:
    """Give the embedded model a RAM cache of prompt states; False when there is no embedded model."""
    llama = loaded_llama(summarizer)
    if llama is None:
        return False
    from llama_cpp import LlamaRAMCache

    llama.set_cache(LlamaRAMCache(capacity_bytes=capacity_bytes))
    return True
