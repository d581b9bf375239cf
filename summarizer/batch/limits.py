"""Requests-per-minute and tokens-per-minute limits, one pair per endpoint.

Each limiter is a GCRA (a leaky bucket kept as one timestamp): a caller reserves its slot
at once and then sleeps until it, so waiting callers are served in order and nothing has
to be locked. Token costs are not known before a call, so a call reserves an estimate and
the difference is charged when the usage comes back.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    """At most ``per_minute`` units a minute, with bursts of at most ``burst`` units.

    >>> limiter = RateLimiter(per_minute=600)   # 10 a second, evenly spaced
    >>> await limiter.acquire()                  # doctest: +SKIP
    """

    per_minute: float
    burst: float = 1.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep
    _tat: float = field(default=0.0, init=False)  # when the bucket would be empty again

    def __post_init__(self) -> None:
        if self.per_minute <= 0:
            raise ValueError("a rate limit must be positive")
        self.burst = max(self.burst, 1.0)

    @property
    def interval(self) -> float:
        return 60.0 / self.per_minute

    def reserve(self, amount: float = 1.0) -> float:
        """Take ``amount`` units now; returns how long to wait before using them."""
        now = self.clock()
        self._tat = max(self._tat, now) + amount * self.interval
        return max(0.0, self._tat - self.burst * self.interval - now)

    async def acquire(self, amount: float = 1.0) -> None:
        wait = self.reserve(amount)
        if wait > 0:
            await self.sleep(wait)

    def charge(self, amount: float) -> None:
        """Account for units used after the fact (negative gives back an over-estimate)."""
        self._tat = max(self._tat + amount * self.interval, self.clock())


@dataclass
class EndpointLimits:
    """The limits of one endpoint: requests and tokens a minute (either may be off)."""

    rpm: RateLimiter | None = None
    tpm: RateLimiter | None = None

    @classmethod
    def per_minute(cls, rpm: float | None = None, tpm: float | None = None) -> EndpointLimits:
        return cls(
            rpm=RateLimiter(rpm, burst=max(1.0, rpm / 60)) if rpm else None,
            # A token budget is spent by whole requests: allow a tenth of a minute's tokens at once.
            tpm=RateLimiter(tpm, burst=max(1.0, tpm / 10)) if tpm else None,
        )

    async def before_call(self, estimated_tokens: int) -> None:
        if self.rpm is not None:
            await self.rpm.acquire()
        if self.tpm is not None:
            await self.tpm.acquire(estimated_tokens)

    def after_call(self, estimated_tokens: int, used_tokens: int) -> None:
        if self.tpm is not None:
            self.tpm.charge(used_tokens - estimated_tokens)


@dataclass
class Pacer:
    """Starts requests no closer together than the CPU time this process spends on each answer.

    A fixed-latency endpoint returns a burst of requests as a burst of answers, round after round,
    and the answers of a burst wait for the CPU one behind the other (parsing, grounding: ~5 ms
    each). Spacing the starts by that cost spreads the answers out, so each is checked as it
    arrives; it never lowers the rate, since the CPU could not check answers any faster. The cost
    is learned as the batch goes: process CPU time per answer over the last ``window`` answers.
    """

    window: int = 16
    max_gap: float = 0.02  # other work in the process counts too: never slower than 50 starts a second
    cpu_clock: Callable[[], float] = time.process_time
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep
    gap: float = 0.005  # seconds between starts: a guess until two answers are in, then measured
    _next_start: float = field(default=0.0, init=False)
    _answered_at: deque[float] = field(default_factory=deque, init=False)  # CPU clock at each answer

    async def before_call(self) -> None:
        now = self.clock()
        start = max(now, self._next_start)
        self._next_start = start + self.gap
        if start > now:
            await self.sleep(start - now)

    def answered(self) -> None:
        marks = self._answered_at
        marks.append(self.cpu_clock())
        if len(marks) > self.window + 1:
            marks.popleft()
        if len(marks) > 1:
            self.gap = min(self.max_gap, (marks[-1] - marks[0]) / (len(marks) - 1))


_SHARED: dict[tuple[str, float | None, float | None], EndpointLimits] = {}


def limits_for(endpoint: str, rpm: float | None = None, tpm: float | None = None) -> EndpointLimits | None:
    """One ``EndpointLimits`` per endpoint and limit pair in this process, shared by every batch using it."""
    if not rpm and not tpm:
        return None
    key = (endpoint, rpm, tpm)
    if key not in _SHARED:
        _SHARED[key] = EndpointLimits.per_minute(rpm, tpm)
    return _SHARED[key]
