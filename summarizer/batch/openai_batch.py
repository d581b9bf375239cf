"""``--via batch-api``: the first question of every brief asked through the OpenAI Batch API.

The requests are exactly those the synchronous path would send (instructor prepares them
for the same mode). Their answers are then fed to the normal pipeline through a
``PrefilledTransport``: instructor parses and validates them, grounding checks them and
``finish_brief`` builds the brief exactly as for a live answer. Whatever the batch could
not settle goes to the endpoint synchronously: a request the Batch API failed, an answer
that does not validate (instructor's re-ask), and the targeted re-ask for unverified quotes.

The Batch job's id is kept beside the output (``briefs.batch-api.json``) until its answers
are written, so an interrupted run resumes polling the same job instead of paying twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BriefError, ModelError
from ..llm.transport import Transport
from ..llm.wrap import TransportWrapper
from ..settings import Settings
from .cache import CacheKey
from .inputs import Item, content_hash
from .metering import Meter

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .job import BatchDisplay
    from .runner import Engine

ENDPOINT = "/v1/chat/completions"
FINISHED = frozenset({"completed", "failed", "expired", "cancelled"})


def messages_key(messages: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(messages, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def request_body(
    messages: list[dict[str, str]], settings: Settings, mode: str, response_model: type[BaseModel]
) -> dict[str, Any]:
    """The chat-completions body the synchronous path sends for these messages, prepared by instructor."""
    from instructor.processing.response import handle_response_model

    from ..llm.ask import instructor_mode

    _, body = handle_response_model(
        response_model, mode=instructor_mode(mode), model=settings.model_name, messages=messages,
        temperature=settings.temperature, max_tokens=settings.output_tokens,
    )
    return body


class Prefilled:
    """The Batch API's answers, filled in once its job is done; ``wrap`` is the summarizer's middleware."""

    def __init__(self, meter: Meter) -> None:
        self.answers: dict[str, Any] = {}  # messages_key -> ChatCompletion
        self.meter = meter

    def wrap(self, inner: Transport) -> Transport:
        return PrefilledTransport(inner, self.answers, self.meter)


class PrefilledTransport(TransportWrapper):
    """Answers a request from the Batch API's output when it has one; asks the real endpoint otherwise."""

    def __init__(self, inner: Transport, answers: dict[str, Any], meter: Meter) -> None:
        super().__init__(inner)
        self.answers = answers  # messages_key -> ChatCompletion
        self.meter = meter

    def _take(self, kwargs: dict[str, Any]) -> Any | None:
        return self.answers.pop(messages_key(kwargs.get("messages", [])), None)

    def create(self, **kwargs: Any) -> Any:
        answer = self._take(kwargs)
        if answer is not None:
            self.meter.record(answer)
            return answer
        return self.inner.create(**kwargs)

    async def acreate(self, **kwargs: Any) -> Any:
        answer = self._take(kwargs)
        if answer is not None:
            self.meter.record(answer)
            return answer
        return await self.inner.acreate(**kwargs)


def _client(settings: Settings) -> Any:
    import openai

    return openai.AsyncOpenAI(
        base_url=settings.base_url, api_key=settings.api_key or "not-needed", timeout=settings.timeout
    )


def _build_requests(engine: Engine, items: list[Item], mode: str) -> tuple[bytes, dict[str, str]]:
    """The Batch input file, and which messages key each custom_id stands for."""
    lines: list[str] = []
    keys: dict[str, str] = {}
    settings = engine.summarizer.settings
    for item in items:
        try:
            text = item.read(settings.max_input_bytes).text
            day = engine.published_for(item.source)
            # The synchronous flow's own first question (language instruction, first part of a long
            # article): its answer is then found by the same messages when the flow asks it.
            first = engine.summarizer.prepare(text, published=day, source=item.source).first_question
        except BriefError:
            continue  # fails in the normal path, with its reason
        if engine.cache is not None and engine.cache.get(CacheKey.for_article(content_hash(text), settings, day)):
            continue
        if first is None:
            continue
        body = request_body(first.messages, settings, mode, first.response_model)
        custom_id = f"{item.index}-{content_hash(text)[7:19]}"
        keys[custom_id] = messages_key(body["messages"])
        lines.append(json.dumps({"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}))
    return ("\n".join(lines) + "\n").encode() if lines else b"", keys


async def _submit_or_resume(client: Any, data: bytes, state: Path, show: BatchDisplay) -> Any:
    digest = hashlib.sha256(data).hexdigest()
    if state.exists():
        saved = json.loads(state.read_text(encoding="utf-8"))
        if saved.get("input_sha256") == digest:
            batch = await client.batches.retrieve(saved["batch_id"])
            if batch.status not in {"failed", "expired", "cancelled"}:
                show.phase(f"resuming Batch job {batch.id}")
                return batch
    show.phase("uploading the Batch input file")
    uploaded = await client.files.create(file=("brief-batch.jsonl", data), purpose="batch")
    batch = await client.batches.create(input_file_id=uploaded.id, endpoint=ENDPOINT, completion_window="24h")
    state.write_text(json.dumps({"batch_id": batch.id, "input_sha256": digest}), encoding="utf-8")
    return batch


async def _poll(client: Any, batch: Any, poll_seconds: float, show: BatchDisplay) -> Any:
    while batch.status not in FINISHED:
        counts = batch.request_counts
        done = f" {counts.completed + counts.failed}/{counts.total}" if counts and counts.total else ""
        show.phase(f"Batch job {batch.id}: {batch.status}{done}")
        await asyncio.sleep(poll_seconds)
        batch = await client.batches.retrieve(batch.id)
    return batch


async def _answers(client: Any, batch: Any, keys: dict[str, str]) -> dict[str, Any]:
    from openai.types.chat import ChatCompletion

    answers: dict[str, Any] = {}
    if not batch.output_file_id:
        return answers
    content = await client.files.content(batch.output_file_id)
    for line in content.text.splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        response = record.get("response") or {}
        key = keys.get(record.get("custom_id", ""))
        if key is None or response.get("status_code") != 200:
            continue  # asked again synchronously
        try:
            answers[key] = ChatCompletion.model_validate(response["body"])
        except ValueError:
            continue
    return answers


async def prefill_from_batch_api(
    prefilled: Prefilled, engine: Engine, items: list[Item], state: Path, poll_seconds: float, show: BatchDisplay
) -> Path | None:
    """Run the Batch job for ``items`` and put its answers in ``prefilled`` (the summarizer's middleware).

    ``state`` keeps the job's id so an interrupted run resumes it. Returns the state file to delete once
    the briefs are written (None when nothing was sent).
    """
    settings = engine.summarizer.settings
    if not settings.uses_endpoint:
        raise ModelError("--via batch-api needs an OpenAI-compatible endpoint (--base-url or OPENAI_API_KEY)")
    mode = settings.mode if settings.mode != "auto" else "tools"
    data, keys = _build_requests(engine, items, mode)
    if not keys:
        return None
    client = _client(settings)
    try:
        batch = await _submit_or_resume(client, data, state, show)
        batch = await _poll(client, batch, poll_seconds, show)
        show.phase(f"Batch job {batch.id}: {batch.status}; downloading answers")
        answers = await _answers(client, batch, keys)
    except Exception as error:  # noqa: BLE001 - typed here; the client's messages never hold the key
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
        raise ModelError(f"the Batch API at {settings.endpoint_label} failed: {first}") from None
    finally:
        await client.close()
    show.phase(f"Batch job {batch.id}: {len(answers)} of {len(keys)} answered; asking the rest directly")
    prefilled.answers.update(answers)
    return state
