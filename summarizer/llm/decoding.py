"""Writing a tool call under its JSON grammar, checking the grammar only where it changes the answer.

llama-cpp-python's sampler chain applies the repetition penalty and the grammar to all ~152k candidate
tokens at every step, which makes constrained writing ~40 % slower than free writing on a small CPU.
With greedy decoding (temperature 0, what a brief uses) that is wasted work: if the grammar allows the
best token, it is also the best allowed token. So each step takes the best token after the penalty,
asks the grammar about that one token, then about a short list of the next best, and only when none is
allowed about every candidate (llama.cpp's own ``common_sampler`` checks lazily too). The tokens
written are the ones the full check would write; ``Written.full_checks`` counts the steps that needed it.

The penalty and the ties follow llama.cpp's samplers for these settings, with the same arguments
llama-cpp-python passes, so both paths write the same text: ``tests/test_embedded_prefix.py``
compares them on the real model.
"""

from __future__ import annotations

import ctypes
import json
import time
from collections import Counter, deque
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
    import numpy as np

    vocab = llama_cpp.llama_model_get_vocab(llama.model)
    rule = llama_cpp.llama_sampler_init_grammar(vocab, grammar.encode("utf-8"), b"root")
    if not rule:
        raise ValueError("llama.cpp could not parse the tool's grammar")
    n_vocab = llama.n_vocab()
    # The same penalty window llama-cpp-python gives its sampler for these settings, so both paths agree.
    picker = _GreedyPicker(rule, n_vocab, repeat_penalty, llama.last_n_tokens_size)
    written: list[int] = []
    finish = "length"
    try:
        llama.eval([last_prompt_token])
        while len(written) < max_tokens:
            logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llama.ctx, -1), shape=(n_vocab,))
            token = picker.pick(logits)
            if llama_cpp.llama_vocab_is_eog(vocab, token):
                finish = "stop"
                break
            llama_cpp.llama_sampler_accept(rule, token)
            picker.accept(token)
            written.append(token)
            if on_token is not None:
                on_token(len(written))
            llama.eval([token])
    finally:
        llama_cpp.llama_sampler_free(rule)
    text = llama.detokenize(written).decode("utf-8", errors="ignore")
    return Written(text, len(written), finish, picker.full_checks)


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


class _GreedyPicker:
    """The token llama.cpp's chain (repetition penalty, grammar, greedy) would pick, asking the grammar little.

    Sampling through the chain fills a 152k-entry candidate array and looks every candidate up in the
    penalty's counts: ~0.45 ms a token on 2 cores, ~9 ms when the grammar checks every candidate. Here the
    penalty touches only the tokens in its window and the grammar sees the best token alone, then the best
    ``SHORTLIST``, and every candidate only when none of those is allowed: ~0.04 ms a token. Same floats,
    same ties (the lowest token id wins, as in llama.cpp's greedy sampler): the same tokens.
    """

    SHORTLIST = 64

    def __init__(self, rule: Any, n_vocab: int, penalty: float, window: int) -> None:
        import numpy as np

        self.rule = rule
        self.full_checks = 0
        self._penalty = np.float32(penalty)
        self._penalise = window > 0 and penalty != 1.0
        self._recent: deque[int] = deque(maxlen=max(window, 1))
        self._counts: Counter[int] = Counter()
        self._ids = np.arange(n_vocab, dtype=np.intc)

    def accept(self, token: int) -> None:
        if len(self._recent) == self._recent.maxlen:
            old = self._recent[0]
            self._counts[old] -= 1
            if not self._counts[old]:
                del self._counts[old]
        self._recent.append(token)
        self._counts[token] += 1

    def pick(self, logits: Any) -> int:
        import numpy as np

        scores = logits
        if self._penalise and self._counts:  # llama.cpp's penalty: divide a positive logit, multiply a negative
            scores = logits.copy()
            seen = np.fromiter(self._counts, dtype=np.intc, count=len(self._counts))
            values = scores[seen]
            scores[seen] = np.where(values <= 0, values * self._penalty, values / self._penalty)
        best = int(scores.argmax())
        if self._allowed(np.array([best], dtype=np.intc), scores)[0]:
            return best
        shortlist = np.argpartition(-scores, self.SHORTLIST)[: self.SHORTLIST].astype(np.intc)
        shortlist = shortlist[np.lexsort((shortlist, -scores[shortlist]))]  # best first, lower id on ties
        allowed = self._allowed(shortlist, scores)
        if allowed.any():
            first = int(allowed.argmax())
            # A candidate left out of the shortlist could tie with it only if it scores the shortlist's lowest.
            if scores[shortlist[first]] > scores[shortlist[-1]]:
                return int(shortlist[first])
        self.full_checks += 1
        allowed = self._allowed(self._ids, scores)
        return int(np.where(allowed, scores, -np.inf).argmax())

    def _allowed(self, ids: Any, scores: Any) -> Any:
        """Which of ``ids`` the grammar allows next (it sets a refused candidate's logit to -inf)."""
        import llama_cpp
        import numpy as np

        candidates = np.zeros(len(ids), dtype=_candidate_dtype())
        candidates["id"] = ids
        candidates["logit"] = scores[ids]
        array = llama_cpp.llama_token_data_array(
            data=candidates.ctypes.data_as(ctypes.POINTER(llama_cpp.llama_token_data)),
            size=len(ids),
            selected=-1,
            sorted=False,
        )
        llama_cpp.llama_sampler_apply(self.rule, ctypes.byref(array))
        return candidates["logit"] != -np.inf


def _candidate_dtype() -> Any:
    """numpy's view of llama.cpp's ``llama_token_data`` (id, logit, p)."""
    import numpy as np

    global _CANDIDATE
    if _CANDIDATE is None:
        _CANDIDATE = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)
    return _CANDIDATE


__all__ = ["Written", "tool_call_completion", "tool_grammar", "write_constrained"]
