"""The embedded model: llama.cpp in-process through ``llama-cpp-python``, shaped like any transport.

One ``Llama`` is loaded per process and used by one request at a time. Before each request the
prompt is read here, not inside ``create_chat_completion``, for two reasons:

* the shared prefix (instructions and tool schema) comes from the on-disk prefix cache
  (``prefix_cache.py``) when an earlier run saved it, so only the article is read;
* the article is read in batches with a progress event after each, so a display can show
  "reading the article 512/661 tokens" instead of a frozen line.

A JSON answer under a schema (what a brief asks for here: the schema stays out of the prompt) or a
forced tool call, at temperature 0, is then written by ``decoding.py``,
which checks the JSON grammar only where it changes the answer: the same tokens, written faster.
Anything else goes to ``create_chat_completion``, which finds all but the last prompt token already
in the KV cache (llama-cpp-python reuses the longest common prefix) and goes straight to writing.
``requests`` keeps where each request's time went, for ``bench/embedded_floor.py``.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
import time
from collections import deque
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import ModelFileError
from ..progress import OnProgress, Progress, ignore
from ..settings import Settings
from .decoding import Written, content_completion, json_grammar, tool_call_completion, tool_grammar, write_constrained
from .prefix_cache import Plan, PrefixStore, common_prefix, model_identity, plan_prompt


@dataclass
class RequestStats:
    """Where one request's time went (seconds) and how much of its prompt was read (tokens)."""

    prompt_tokens: int = 0
    prefix_tokens: int = 0
    prefix: str = "none"  # "kept" (already in memory), "loaded" (from disk), "read" (evaluated now), "none"
    prefix_seconds: float = 0.0
    read_tokens: int = 0  # tokens evaluated for this request beyond the prefix
    read_seconds: float = 0.0
    write_seconds: float = 0.0  # generation (and llama-cpp-python's own bookkeeping)
    written_tokens: int = 0  # by the lazily checked grammar (decoding.py); 0 when llama-cpp-python wrote
    full_checks: int = 0  # of those, steps where the grammar had to check every candidate


class EmbeddedTransport:
    """llama.cpp in the same process. One model instance is shared and used by one call at a time."""

    def __init__(
        self,
        settings: Settings,
        gguf: Path,
        on_progress: OnProgress | None = None,
        prefix_store: PrefixStore | None = None,
    ) -> None:
        self.label = "embedded"
        # With a JSON schema the schema reaches only the grammar, not the prompt: ~550 fewer tokens to
        # read than a tool schema in the chat template (issue #15). ``mode="auto"`` takes this.
        self.preferred_mode = "json_schema"
        self.model = settings.model_name
        self.on_progress = on_progress
        self.prefix_store = prefix_store
        self.requests: deque[RequestStats] = deque(maxlen=64)  # the latest requests, oldest first
        self._settings = settings
        self._gguf = gguf

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
        with _LLAMA_LOCK:
            stats = RequestStats()
            self.requests.append(stats)
            plan = self._read_prompt(llama, kwargs, stats)
            started = time.perf_counter()
            tool = tool_grammar(kwargs) if plan is not None else None
            schema = json_grammar(kwargs) if plan is not None and tool is None else None
            if plan is not None and tool is not None:
                raw = self._write_tool_call(llama, plan, tool, kwargs, stats)
            elif plan is not None and schema is not None:
                raw = content_completion(self._write(llama, plan, schema, kwargs, stats), len(plan.tokens), self.model)
            else:
                raw = llama.create_chat_completion(**kwargs)
            stats.write_seconds = time.perf_counter() - started
        return ChatCompletion.model_validate(raw)

    async def acreate(self, **kwargs: Any) -> Any:
        return await asyncio.to_thread(self.create, **kwargs)

    def _write_tool_call(
        self, llama: Any, plan: Plan, constraint: tuple[str, str], request: dict[str, Any], stats: RequestStats
    ) -> dict[str, Any]:
        name, grammar = constraint
        written = self._write(llama, plan, grammar, request, stats)
        return tool_call_completion(name, written, len(plan.tokens), self.model)

    def _write(self, llama: Any, plan: Plan, grammar: str, request: dict[str, Any], stats: RequestStats) -> Written:
        show = self.on_progress or ignore
        written = write_constrained(
            llama,
            plan.tokens[-1],
            grammar,
            max_tokens=request["max_tokens"],
            repeat_penalty=request["repeat_penalty"],
            on_token=lambda n: show(Progress("writing", f"writing the brief: {n} tokens", n)),
        )
        stats.written_tokens, stats.full_checks = written.tokens, written.full_checks
        return written

    def _read_prompt(self, llama: Any, request: dict[str, Any], stats: RequestStats) -> Plan | None:
        plan = plan_prompt(llama, request)
        if plan is None:
            return None
        tokens = plan.tokens
        stats.prompt_tokens, stats.prefix_tokens = len(tokens), plan.prefix
        have = common_prefix(llama.input_ids[: llama.n_tokens], tokens)
        started = time.perf_counter()
        if have >= plan.prefix:
            stats.prefix = "kept"
        elif self.prefix_store is not None and self.prefix_store.load(llama, tokens[: plan.prefix]):
            stats.prefix, have = "loaded", plan.prefix
        else:
            llama.n_tokens = have  # keep what is shared; eval() drops the KV cells after it
            self._eval(llama, tokens[have : plan.prefix], "reading the instructions (saved for next time)")
            if self.prefix_store is not None:
                self.prefix_store.save(llama, tokens[: plan.prefix])
            stats.prefix, have = "read", plan.prefix
        stats.prefix_seconds = time.perf_counter() - started
        # Everything but the last token: create_chat_completion must evaluate one to get logits.
        target = len(tokens) - 1
        llama.n_tokens = min(have, target)
        started = time.perf_counter()
        stats.read_tokens = self._eval(llama, tokens[llama.n_tokens : target], "reading the article")
        stats.read_seconds = time.perf_counter() - started
        return plan

    def _eval(self, llama: Any, tokens: list[int], what: str) -> int:
        show = self.on_progress or ignore
        step = max(1, llama.n_batch)
        for start in range(0, len(tokens), step):
            show(Progress("reading", f"{what}: {start}/{len(tokens)} tokens", start, len(tokens)))
            llama.eval(tokens[start : start + step])
        return len(tokens)


_LLAMA_LOCK = threading.Lock()


@cache
def _load_llama(path: str, n_ctx: int, n_threads: int | None) -> Any:
    """Load once per process: loading costs seconds, answering reuses it."""
    import os

    from llama_cpp import Llama

    load_cpu_backends()
    # llama-cpp-python defaults to half the cores; a brief is one request, so use them all.
    threads = n_threads or os.cpu_count() or 1
    llama = Llama(model_path=path, n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads, verbose=False)
    # Freed while llama_cpp is still whole: left to the garbage collector at interpreter exit, its
    # __del__ runs after the module's globals are gone and prints a TypeError traceback.
    atexit.register(llama.close)
    return llama


# Variants never loaded: AMX code crashed with a general protection fault on the first token on the
# Xeon virtual machines here (a native build then); AVX-512 variants serve those CPUs instead.
SKIPPED_CPU_VARIANTS = frozenset({"sapphirerapids"})


@cache
def load_cpu_backends() -> str | None:
    """Load the best llama.cpp CPU backend for this CPU when it was built with one per CPU generation.

    ``scripts/dev.sh`` builds llama.cpp with ``GGML_BACKEND_DL`` and ``GGML_CPU_ALL_VARIANTS``, as llama.cpp's
    own releases do: one build holding a backend per CPU generation (SSE4.2, AVX2, AVX-512, VNNI…), instead
    of fixing AVX2 for every machine (reading is ~2x faster on an AVX-512 machine: issue #15).
    llama-cpp-python installs them in ``site-packages/bin`` and loads none (abetlen/llama-cpp-python#2069),
    so this asks each one for its score on this CPU (0: cannot run here), as ggml's own
    ``ggml_backend_load_best`` does, and loads the best. Returns its name ("zen4", "haswell"…), or None
    for a build with its CPU backend linked in (a wheel, a fixed build): nothing to load.
    """
    import ctypes

    import llama_cpp
    from llama_cpp._utils import suppress_stdout_stderr

    package = Path(llama_cpp.__file__).resolve().parent
    folder = package.parent / "bin"
    variants = sorted(folder.glob("libggml-cpu-*.so")) if folder.is_dir() else []
    if not variants:
        return None
    ggml = ctypes.CDLL(str(package / "lib" / "libggml.so.0"))  # the copy libllama uses (same soname)
    if ggml.ggml_backend_reg_count() > 0:
        return "loaded"
    scores = {}
    for path in variants:
        if _variant(path) in SKIPPED_CPU_VARIANTS:
            continue
        score = getattr(ctypes.CDLL(str(path)), "ggml_backend_score", None)
        if score is not None:
            scores[path] = score()
    best = max(scores, key=lambda p: scores[p], default=None)
    if best is None or scores[best] <= 0:
        raise ModelFileError(f"no llama.cpp CPU backend in {folder} runs on this machine")
    ggml.ggml_backend_load.argtypes = [ctypes.c_char_p]
    ggml.ggml_backend_load.restype = ctypes.c_void_p
    with suppress_stdout_stderr(disable=False):  # ggml logs the backend it loads (and registers) to stderr
        ggml.ggml_backend_load(str(best).encode())
    return _variant(best)


def _variant(path: Path) -> str:
    return path.name.removeprefix("libggml-cpu-").removesuffix(".so")


def prefix_store_for(gguf: Path, settings: Settings, directory: Path) -> PrefixStore | None:
    """The prefix cache for this model and context size; None when the GGUF cannot be read."""
    try:
        return PrefixStore(directory, model_identity(gguf, settings.n_ctx))
    except OSError:
        return None


def embedded_available() -> bool:
    try:
        import importlib.util

        return importlib.util.find_spec("llama_cpp") is not None
    except (ImportError, ValueError):
        return False


__all__ = ["EmbeddedTransport", "RequestStats", "embedded_available", "load_cpu_backends", "prefix_store_for"]
