"""One structured question to a model: instructor parses and validates, we count and retry.

Three loops, each with its own bound, never mixed:

* transport retries (``retry.py``) around each HTTP call: timeouts, 429, 5xx;
* validation re-asks inside instructor (``max_retries``) when the answer does not parse;
* mode fallback: when an endpoint rejects a structured-output mode, try the next one.

One deadline (``Asker.deadline`` seconds from a brief's first question) bounds all of them
together: it is checked before every HTTP try (transport retries, validation re-asks and the
repair call alike), no retry waits past it, and each request's timeout is cut to the time left.
The embedded model runs in-process and cannot be interrupted mid-answer: for it the deadline
is checked between calls.

Every call's tokens are recorded, failed attempts included, in a ``Ledger``.
"""

from __future__ import annotations

import inspect
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel

from ..errors import DeadlineExceeded, EndpointRejected, ModelError
from .redact import redact
from .retry import (
    StopAtDeadline,
    async_transport_retrying,
    is_mode_rejection,
    status_of,
    transport_retrying,
)
from .transport import Transport

T = TypeVar("T", bound=BaseModel)

# Cheapest first. TOOLS costs ~1,150 prompt tokens on the sample with llama.cpp; JSON puts
# ~2,200 tokens of schema text in the prompt; llama.cpp's server rejects JSON_SCHEMA.
FALLBACK_ORDER: tuple[str, ...] = ("tools", "json", "md_json")


def instructor_mode(name: str) -> Any:
    import instructor

    return {
        "tools": instructor.Mode.TOOLS,
        "json": instructor.Mode.JSON,
        "md_json": instructor.Mode.MD_JSON,
        "json_schema": instructor.Mode.JSON_SCHEMA,
    }[name]


@cache
def instructor_model(response_model: type[T]) -> type[T]:
    """``response_model`` wrapped once the way instructor wraps it on every call.

    instructor builds a new pydantic subclass per request (~2 ms, and its schema cache never hits
    because the class is new each time); given an already wrapped class it uses it as it is.
    The wrapper subclasses ``response_model``, so answers are still instances of it.
    """
    import instructor

    _remember_async_validator_checks()
    return instructor.openai_schema(response_model)


def _remember_async_validator_checks() -> None:
    """Check a response model for async validators once, not six times a call.

    instructor 1.17 walks every class of the response model (MRO and fields) on each call, in six
    places, to reject async validators: ~0.1 ms each, 0.65 ms a brief spent on the event loop.
    A class's verdict never changes, so the check is wrapped by ``remembering``. If instructor
    moves the function, nothing is patched and it runs as before.
    """
    try:
        from instructor.v2.core import patch
        from instructor.v2.validation import async_validators
    except ImportError:
        return
    original = getattr(async_validators, "reject_async_validators", None)
    if original is None or getattr(original, "remembers", False):
        return
    wrapped = remembering(original)
    async_validators.reject_async_validators = wrapped
    if getattr(patch, "reject_async_validators", None) is original:  # bound at import there
        patch.reject_async_validators = wrapped


def remembering(check: Callable[[Any], None]) -> Callable[[Any], None]:
    """``check`` (raises for a bad model) that skips classes it already passed, kept weakly.

    Only a pass is remembered: a model that fails is checked, and fails, every time.
    """
    passed: weakref.WeakSet[type] = weakref.WeakSet()

    def remembered(response_model: Any) -> None:
        if isinstance(response_model, type) and response_model in passed:
            return
        check(response_model)
        if isinstance(response_model, type):
            passed.add(response_model)

    remembered.remembers = True  # type: ignore[attr-defined]
    return remembered


@dataclass
class CallRecord:
    mode: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float


@dataclass
class Ledger:
    """Every model call of one brief, so cost is visible, failed attempts included."""

    calls: list[CallRecord] = field(default_factory=list)
    attempts: int = 0  # HTTP tries, transport retries included
    deadline_at: float | None = None  # on Asker.clock; set by the brief's first question

    @property
    def prompt_tokens(self) -> int:
        return sum(c.prompt_tokens for c in self.calls)

    @property
    def completion_tokens(self) -> int:
        return sum(c.completion_tokens for c in self.calls)

    def record(self, mode: str, completion: Any, seconds: float) -> None:
        usage = getattr(completion, "usage", None)
        self.calls.append(
            CallRecord(
                mode=mode,
                prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
                completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
                seconds=seconds,
            )
        )


@dataclass
class Asker:
    """Asks a transport for a validated ``response_model``, choosing and remembering a mode."""

    transport: Transport
    mode: str = "auto"
    max_retries: int = 1
    transport_attempts: int = 4
    deadline: float = 900.0
    temperature: float = 0.0
    max_tokens: int | None = None  # sent with every request: bounds what one answer can cost
    sleep: Callable[[float], Any] | None = None  # injectable for tests
    clock: Callable[[], float] = time.monotonic  # injectable for tests; measures the deadline
    chosen_mode: str | None = None

    def _modes(self) -> tuple[str, ...]:
        if self.mode != "auto":
            return (self.mode,)
        if self.chosen_mode:
            return (self.chosen_mode,)
        return FALLBACK_ORDER

    def ask(self, messages: list[dict[str, str]], response_model: type[T], ledger: Ledger) -> T:
        self._start(ledger)
        last: BaseException | None = None
        for mode in self._modes():
            create = self._patched(self._counted_create(mode, ledger), mode)
            try:
                result = create(**self._request(messages, response_model))
            except Exception as exc:  # noqa: BLE001 - sorted into typed errors by _fall_back_or_raise
                last = self._fall_back_or_raise(exc)
                continue
            self.chosen_mode = mode
            return result
        raise self._as_model_error(last or ModelError("no structured-output mode worked"))

    async def aask(self, messages: list[dict[str, str]], response_model: type[T], ledger: Ledger) -> T:
        self._start(ledger)
        last: BaseException | None = None
        for mode in self._modes():
            acreate = self._patched(self._counted_acreate(mode, ledger), mode)
            try:
                result = await acreate(**self._request(messages, response_model))
            except Exception as exc:  # noqa: BLE001
                last = self._fall_back_or_raise(exc)
                continue
            self.chosen_mode = mode
            return result
        raise self._as_model_error(last or ModelError("no structured-output mode worked"))

    @staticmethod
    def _patched(create: Callable[..., Any], mode: str) -> Callable[..., Any]:
        import instructor

        return instructor.patch(create=create, mode=instructor_mode(mode))

    def _request(self, messages: list[dict[str, str]], response_model: type[BaseModel]) -> dict[str, Any]:
        return {
            "model": self.transport.model,
            "messages": messages,
            "response_model": instructor_model(response_model),
            "max_retries": self.max_retries,
            "temperature": self.temperature,
            **({"max_tokens": self.max_tokens} if self.max_tokens else {}),
        }

    def _fall_back_or_raise(self, exc: Exception) -> BaseException:
        """Return the cause when the next mode should be tried; raise a typed error otherwise."""
        cause = _unwrap(exc)
        if is_mode_rejection(cause) and self.mode == "auto":
            return cause
        raise self._as_model_error(cause) from None

    def _start(self, ledger: Ledger) -> None:
        if ledger.deadline_at is None:
            ledger.deadline_at = self.clock() + self.deadline

    def _stop_at(self, ledger: Ledger) -> StopAtDeadline:
        self._start(ledger)
        assert ledger.deadline_at is not None
        return StopAtDeadline(ledger.deadline_at, self.clock)

    def _time_left(self, ledger: Ledger) -> dict[str, float]:
        """The request's timeout, cut to what is left of the deadline; none left is an error, not a request."""
        assert ledger.deadline_at is not None
        left = ledger.deadline_at - self.clock()
        if left <= 0:
            raise DeadlineExceeded(
                f"gave up on {self.transport.label}: the brief's {self.deadline:g}s deadline passed "
                f"({ledger.attempts} HTTP tries)"
            )
        own = getattr(self.transport, "timeout", None)  # None: a transport that cannot time out (embedded)
        return {"timeout": left} if own is not None and left < own else {}

    def _deadline_error(self, stop: StopAtDeadline, exc: BaseException) -> BaseException:
        """When the deadline, not the attempt bound, ended the retries, say so."""
        if not stop.hit or isinstance(exc, ModelError):
            return exc
        return DeadlineExceeded(
            f"gave up on {self.transport.label} ({_what_failed(exc)}): retrying would pass the brief's "
            f"{self.deadline:g}s deadline"
        )

    def _counted_create(self, mode: str, ledger: Ledger) -> Callable[..., Any]:
        def create(**kwargs: Any) -> Any:
            stop = self._stop_at(ledger)
            try:
                for attempt in transport_retrying(self.transport_attempts, stop, self.sleep):
                    with attempt:
                        timeout = self._time_left(ledger)
                        ledger.attempts += 1
                        started = time.perf_counter()
                        completion = self.transport.create(**kwargs, **timeout)
                        ledger.record(mode, completion, time.perf_counter() - started)
                        return completion
            except Exception as exc:
                error = self._deadline_error(stop, exc)
                if error is exc:
                    raise
                raise error from exc
            raise AssertionError("unreachable: tenacity reraises")

        return create

    def _async_sleep(self) -> Callable[[float], Any] | None:
        """``sleep`` for the async loop: one injected sleep (sync or async) serves both twins."""
        sleep = self.sleep
        if sleep is None or inspect.iscoroutinefunction(sleep):
            return sleep

        async def call(seconds: float) -> None:
            sleep(seconds)

        return call

    def _counted_acreate(self, mode: str, ledger: Ledger) -> Callable[..., Any]:
        async def acreate(**kwargs: Any) -> Any:
            stop = self._stop_at(ledger)
            try:
                async for attempt in async_transport_retrying(self.transport_attempts, stop, self._async_sleep()):
                    with attempt:
                        timeout = self._time_left(ledger)
                        ledger.attempts += 1
                        started = time.perf_counter()
                        completion = await self.transport.acreate(**kwargs, **timeout)
                        ledger.record(mode, completion, time.perf_counter() - started)
                        return completion
            except Exception as exc:
                error = self._deadline_error(stop, exc)
                if error is exc:
                    raise
                raise error from exc
            raise AssertionError("unreachable: tenacity reraises")

        return acreate

    def _as_model_error(self, exc: BaseException) -> ModelError:
        """A message that names the endpoint (host only) and never a key."""
        if isinstance(exc, ModelError):
            return exc
        where = self.transport.label
        status = status_of(exc)
        if status in {401, 403}:
            return EndpointRejected(f"{where} refused the request (HTTP {status}): check the API key", status)
        if status == 404:
            return EndpointRejected(f"{where} answered 404: check --base-url and --model ({self.transport.model})", 404)
        if status == 400:
            return EndpointRejected(f"{where} rejected the request (HTTP 400): {_short(exc)}", 400)
        if status is not None:
            return ModelError(f"{where} kept failing (HTTP {status}) after retries: {_short(exc)}")
        name = type(exc).__name__
        if name in {"APITimeoutError"}:
            return ModelError(f"{where} timed out after retries")
        if name in {"APIConnectionError"}:
            cause = type(exc.__cause__).__name__ if exc.__cause__ is not None else "ConnectError"
            if cause != "ConnectError":  # connected, then the connection broke (reset, bad HTTP)
                return ModelError(f"the connection to {where} kept breaking ({cause}) after retries")
            return ModelError(f"cannot connect to {where}: is the server running?")
        if name == "IncompleteOutputException":
            # Not re-asked: at temperature 0 the same request is cut at the same place.
            return ModelError(
                f"the model at {where} ran out of tokens before finishing the brief (finish_reason: length): "
                "raise the server's max_tokens or context size"
            )
        if isinstance(exc, AssertionError) and str(exc).startswith(_REFUSAL):
            return ModelError(f"the model at {where} refused to write the brief: {_short(exc)[len(_REFUSAL) :]}")
        if _is_validation_failure(exc):
            tries = getattr(exc, "n_attempts", None)
            after = f"in {tries} tries" if isinstance(tries, int) else "after re-asking"
            return ModelError(f"the model at {where} did not return a valid brief {after}: {_short(exc)}")
        return ModelError(f"{where} failed: {_short(exc)}")


_REFUSAL = "Unable to generate a response due to "  # instructor's AssertionError for a message's ``refusal``


def _what_failed(exc: BaseException) -> str:
    status = status_of(exc)
    if status is not None:
        return f"HTTP {status}"
    return {"APITimeoutError": "timed out", "APIConnectionError": "connection failed"}.get(
        type(exc).__name__, type(exc).__name__
    )


def _unwrap(exc: BaseException) -> BaseException:
    """instructor wraps API errors in InstructorRetryException; the cause tells what really happened."""
    if type(exc).__name__ == "InstructorRetryException":
        cause = exc.__cause__
        if cause is not None and not _is_validation_failure(cause):
            return cause
    return exc


def _is_validation_failure(exc: BaseException) -> bool:
    from pydantic import ValidationError

    names = {"InstructorRetryException", "IncompleteOutputException", "JSONDecodeError", "ResponseParsingError"}
    if type(exc).__name__ in names:
        return True
    return isinstance(exc, ValidationError)


def _short(exc: BaseException, limit: int = 300) -> str:
    if type(exc).__name__ == "InstructorRetryException" and exc.args:
        exc = Exception(exc.args[0])  # its str() is every failed attempt, model output included: keep the last error
    text = redact(str(getattr(exc, "message", None) or exc)).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return first if len(first) <= limit else first[: limit - 1] + "…"
