"""Writing a tool call under its JSON grammar, checking the grammar only where it changes the answer.

llama-cpp-python's sampler chain applies the grammar to all ~152k candidate tokens at every step,
which makes constrained writing ~40 % slower than free writing on a small CPU. With greedy decoding
(temperature 0, what a brief uses) that is wasted work: if the grammar allows the best token, it is
also the best allowed token. So each step takes the best token after the repetition penalty, asks
the grammar about that one token, and only when it is refused applies the grammar to every
candidate (llama.cpp's own ``common_sampler`` does the same). The tokens written are the ones the
full check would write; ``Written.full_checks`` counts the steps that needed it.

The chain mirrors llama-cpp-python's for these settings (penalties, grammar, greedy) and is built
with the same arguments, so both paths write the same text: ``tests/test_embedded_prefix.py``
compares them on the real model.
"""

from __future__ import annotations

import ctypes
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_CANDIDATE = None  # numpy dtype of llama_token_data, built on first use (numpy comes with llama_cpp)


@dataclass
class Written:
    text: str
    tokens: int
    finish: str  # "stop" (the grammar's end) or "length" (max_tokens)
    full_checks: int  # steps where the best token was refused and every candidate was checked


def tool_grammar(request: dict[str, Any]) -> tuple[str, str] | None:
    """(tool name, GBNF) when the request forces one tool and decodes greedily; None otherwise."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    choice, tools = request.get("tool_choice"), request.get("tools") or []
    if not isinstance(choice, dict) or request.get("temperature") != 0.0 or request.get("logprobs"):
        return None
    name = choice.get("function", {}).get("name")
    tool = next((t for t in tools if t.get("function", {}).get("name") == name), None)
    if tool is None:
        return None
    return name, json_schema_to_gbnf(json.dumps(tool["function"]["parameters"]))


def json_grammar(request: dict[str, Any]) -> str | None:
    """GBNF of a JSON answer's schema (``response_format``) when the request decodes greedily; None otherwise.

    instructor's JSON_SCHEMA mode sends ``{"type": "json_schema", "json_schema": {"schema": …}}``, which
    llama-cpp-python's chat handlers do not read (they know ``json_object`` with a ``schema``): both
    are constrained here. The schema is then never in the prompt — only in the grammar.
    """
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    fmt = request.get("response_format") or {}
    if request.get("temperature") != 0.0 or request.get("logprobs") or request.get("tools"):
        return None
    if fmt.get("type") == "json_schema":
        schema = (fmt.get("json_schema") or {}).get("schema")
    elif fmt.get("type") == "json_object":
        schema = fmt.get("schema")
    else:
        return None
    return json_schema_to_gbnf(json.dumps(schema)) if isinstance(schema, dict) else None


def write_constrained(
    llama: Any,
    last_prompt_token: int,
    grammar: str,
    *,
    max_tokens: int,
    repeat_penalty: float,
    on_token: Callable[[int], None] | None = None,
) -> Written:
    """Evaluate the prompt's last token, then write greedily under ``grammar`` until it ends."""
    import llama_cpp

    vocab = llama_cpp.llama_model_get_vocab(llama.model)
    rule = llama_cpp.llama_sampler_init_grammar(vocab, grammar.encode("utf-8"), b"root")
    if not rule:
        raise ValueError("llama.cpp could not parse the tool's grammar")
    lazy = _LazyGrammar(rule)
    chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
    # The same arguments llama-cpp-python passes for these settings, so both paths agree.
    penalties = llama_cpp.llama_sampler_init_penalties(
        llama.n_vocab(), llama.last_n_tokens_size, repeat_penalty, 0.0, 0.0
    )
    llama_cpp.llama_sampler_chain_add(chain, penalties)
    llama_cpp.llama_sampler_chain_add(chain, lazy.pointer)
    llama_cpp.llama_sampler_chain_add(chain, llama_cpp.llama_sampler_init_greedy())
    written: list[int] = []
    finish = "length"
    try:
        llama.eval([last_prompt_token])
        while len(written) < max_tokens:
            token = llama_cpp.llama_sampler_sample(chain, llama.ctx, -1)
            if llama_cpp.llama_vocab_is_eog(vocab, token):
                finish = "stop"
                break
            llama_cpp.llama_sampler_accept(rule, token)
            written.append(token)
            if on_token is not None:
                on_token(len(written))
            llama.eval([token])
    finally:
        llama_cpp.llama_sampler_chain_remove(chain, 1)  # ours, not llama.cpp's to free
        llama_cpp.llama_sampler_free(chain)
        llama_cpp.llama_sampler_free(rule)
    text = llama.detokenize(written).decode("utf-8", errors="ignore")
    return Written(text, len(written), finish, lazy.full_checks)


def tool_call_completion(name: str, written: Written, prompt_tokens: int, model: str) -> dict[str, Any]:
    """The answer in the shape llama-cpp-python gives a forced tool call (an OpenAI chat completion)."""
    stamp = int(time.time())
    call = {"id": f"call__0_{name}_{stamp}", "type": "function", "function": {"name": name, "arguments": written.text}}
    message = {"role": "assistant", "content": None, "tool_calls": [call]}
    return _completion(message, "tool_calls", written, prompt_tokens, model)


def content_completion(written: Written, prompt_tokens: int, model: str) -> dict[str, Any]:
    """A JSON answer written under its schema's grammar, as an OpenAI chat completion."""
    message = {"role": "assistant", "content": written.text}
    return _completion(message, "stop" if written.finish == "stop" else "length", written, prompt_tokens, model)


def _completion(
    message: dict[str, Any], finish: str, written: Written, prompt_tokens: int, model: str
) -> dict[str, Any]:
    stamp = int(time.time())
    return {
        "id": f"chatcmpl-{stamp}",
        "object": "chat.completion",
        "created": stamp,
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": written.tokens,
            "total_tokens": prompt_tokens + written.tokens,
        },
    }


class _LazyGrammar:
    """A sampler for llama.cpp's chain: refuse what the grammar refuses, asking it as little as possible."""

    def __init__(self, rule: Any) -> None:
        import llama_cpp

        self.rule = rule
        self.full_checks = 0
        self._one = (llama_cpp.llama_token_data * 1)()
        self._one_array = llama_cpp.llama_token_data_array(data=self._one, size=1, selected=-1, sorted=False)
        iface = llama_cpp.llama_sampler_i()
        self._apply = llama_cpp.llama_sampler_i_apply(self._apply_to)  # kept: llama.cpp holds only the pointer
        iface.apply = self._apply
        self._iface = iface
        self._sampler = llama_cpp.llama_sampler(iface=ctypes.pointer(iface), ctx=None)
        self.pointer = ctypes.pointer(self._sampler)

    def _apply_to(self, _sampler: Any, cur_p: Any) -> None:
        import llama_cpp

        candidates = _as_numpy(cur_p.contents)
        best = int(candidates["logit"].argmax())
        self._one[0].id = int(candidates["id"][best])
        self._one[0].logit = float(candidates["logit"][best])
        llama_cpp.llama_sampler_apply(self.rule, ctypes.byref(self._one_array))
        if self._one[0].logit == float("-inf"):  # refused: now the grammar must see every candidate
            self.full_checks += 1
            llama_cpp.llama_sampler_apply(self.rule, cur_p)


def _as_numpy(array: Any) -> Any:
    import llama_cpp
    import numpy as np

    global _CANDIDATE
    if _CANDIDATE is None:
        _CANDIDATE = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)
    data = (llama_cpp.llama_token_data * array.size).from_address(ctypes.addressof(array.data.contents))
    return np.frombuffer(data, dtype=_CANDIDATE)


__all__ = ["Written", "tool_call_completion", "tool_grammar", "write_constrained"]
