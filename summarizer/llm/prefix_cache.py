"""The embedded model's shared prompt prefix: read once, kept on disk, loaded by every later run.

Every brief starts with the same system prompt and tool schema (~1,280 of the sample's 1,940
prompt tokens). llama.cpp keeps what it has read in its KV cache, but a new process starts empty:
each ``brief article.txt`` would read those tokens again (~30 s on a 2-core machine). So the first
run evaluates the shared prefix alone, saves llama.cpp's state for exactly those tokens, and later
runs load it (tens of milliseconds) and read only the article.

Only the shared prefix is saved, never an article's tokens: the cache holds nothing of what was
briefed. The file name is a hash of everything the state depends on (the GGUF file, llama.cpp's
version, the context size and the prefix tokens themselves), and the file carries a checksum, so a
changed prompt or model, or a torn write, is a miss and never a wrong state.

The prompt is rendered here with the model's own chat template (the formatter llama-cpp-python
builds from the GGUF metadata), so its tokens are the ones ``create_chat_completion`` will read;
were they ever to differ, llama.cpp's prefix match just reuses less: slower, never wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAGIC = b"brief-prefix-state 1\n"
KEEP = 4  # prefix states kept per cache folder (one per prompt version or model in use)


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens ``a`` and ``b`` share."""
    n = 0
    for x, y in zip(a, b, strict=False):  # the shorter one bounds the match
        if x != y:
            break
        n += 1
    return n


def without_user_text(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same conversation with every user turn emptied: what stays is what no article changes."""
    return [{**m, "content": ""} if m.get("role") == "user" else m for m in messages]


@dataclass(frozen=True)
class Plan:
    """What the model must read for one request: ``tokens`` in all, of which ``prefix`` are shared."""

    tokens: list[int]
    prefix: int


def plan_prompt(llama: Any, request: dict[str, Any]) -> Plan | None:
    """Tokens of the request's prompt and the length of its article-independent prefix.

    None when the model has no chat template of its own (its prompt could not be rendered here).
    """
    render = _template_renderer(llama)
    if render is None:
        return None
    tools, tool_choice = request.get("tools"), request.get("tool_choice")
    full = _tokens(llama, render(request["messages"], tools, tool_choice))
    bare = _tokens(llama, render(without_user_text(request["messages"]), tools, tool_choice))
    return Plan(full, common_prefix(full, bare))


@dataclass(frozen=True)
class PrefixStore:
    """Saved llama.cpp states of shared prefixes, one file each, in ``directory``."""

    directory: Path
    identity: str  # the GGUF file, llama.cpp's version and the context size

    def path(self, prefix: Sequence[int]) -> Path:
        digest = hashlib.sha256(self.identity.encode())
        digest.update(json.dumps(list(prefix)).encode())
        return self.directory / f"{digest.hexdigest()[:32]}.state"

    def load(self, llama: Any, prefix: Sequence[int]) -> bool:
        """Put the saved state for ``prefix`` into ``llama``; False (and no change) on any miss."""
        path = self.path(prefix)
        try:
            blob = path.read_bytes()
        except OSError:
            return False
        state = unpack_state(blob, prefix)
        if state is None:
            path.unlink(missing_ok=True)  # torn or foreign: next run writes it again
            return False
        return _set_state(llama, prefix, state)

    def save(self, llama: Any, prefix: Sequence[int]) -> Path | None:
        """Save ``llama``'s state, which must hold exactly ``prefix``; None when it cannot be written."""
        state = _get_state(llama)
        path = self.path(prefix)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pack_state(prefix, state))
            os.replace(tmp, path)  # atomic: a reader sees the old file or the whole new one
            self.prune(keep=path)
        except OSError:
            return None
        return path

    def prune(self, keep: Path) -> None:
        """Remove all but the newest states (``keep`` stays whatever its age)."""
        states = sorted(self.directory.glob("*.state"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in [p for p in states if p != keep][KEEP - 1 :]:
            old.unlink(missing_ok=True)


def model_identity(gguf: Path, n_ctx: int) -> str:
    """What a saved state depends on besides its tokens. A changed file changes size or mtime."""
    import llama_cpp

    stat = gguf.stat()
    return f"{gguf.name}:{stat.st_size}:{stat.st_mtime_ns}:llama-cpp-python {llama_cpp.__version__}:n_ctx {n_ctx}"


def pack_state(prefix: Sequence[int], state: bytes) -> bytes:
    header = {"tokens": list(prefix), "sha256": hashlib.sha256(state).hexdigest(), "size": len(state)}
    return MAGIC + json.dumps(header).encode() + b"\n" + state


def unpack_state(blob: bytes, prefix: Sequence[int]) -> bytes | None:
    if not blob.startswith(MAGIC):
        return None
    head, sep, state = blob[len(MAGIC) :].partition(b"\n")
    try:
        header = json.loads(head)
    except ValueError:
        return None
    if not sep or header.get("tokens") != list(prefix) or header.get("size") != len(state):
        return None
    if hashlib.sha256(state).hexdigest() != header.get("sha256"):
        return None
    return state


def _get_state(llama: Any) -> bytes:
    # llama.cpp's own state (the KV cells in use and the last logits); Llama.save_state would also
    # copy its Python-side score buffer, hundreds of MB for a vocabulary of 152k.
    import ctypes

    import llama_cpp

    size = llama_cpp.llama_state_get_size(llama.ctx)
    buffer = (ctypes.c_uint8 * size)()
    written = llama_cpp.llama_state_get_data(llama.ctx, buffer, size)
    return bytes(buffer)[:written]


def _set_state(llama: Any, prefix: Sequence[int], state: bytes) -> bool:
    import ctypes

    import llama_cpp

    buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
    if llama_cpp.llama_state_set_data(llama.ctx, buffer, len(state)) != len(state):
        llama.reset()
        return False
    llama.n_tokens = len(prefix)
    llama.input_ids[: len(prefix)] = prefix  # what llama-cpp-python matches the next prompt against
    return True


def _template_renderer(llama: Any) -> Any:
    from llama_cpp import llama_chat_format

    template = llama.metadata.get("tokenizer.chat_template")
    if template is None or llama.chat_handler is not None or llama.chat_format != "chat_template.default":
        return None
    eos, bos = llama.token_eos(), llama.token_bos()
    formatter = llama_chat_format.Jinja2ChatFormatter(
        template=template,
        eos_token=_token_text(llama, eos),
        bos_token=_token_text(llama, bos),
        stop_token_ids=[eos],
    )

    def render(messages: list[dict[str, Any]], tools: Any, tool_choice: Any) -> Any:
        return formatter(messages=messages, tools=tools, tool_choice=tool_choice)

    return render


def _token_text(llama: Any, token: int) -> str:
    return "" if token == -1 else llama.detokenize([token], special=True).decode("utf-8", "replace")


def _tokens(llama: Any, rendered: Any) -> list[int]:
    # As llama-cpp-python's chat handler tokenizes a rendered prompt.
    return list(llama.tokenize(rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True))


__all__ = [
    "Plan",
    "PrefixStore",
    "common_prefix",
    "model_identity",
    "pack_state",
    "plan_prompt",
    "unpack_state",
    "without_user_text",
]
