"""The endpoint pool: requests spread over endpoints, capped per endpoint, a failing endpoint rested and retried.

The endpoints here are fake transports (hand-made, named as such): they count calls and fail when told to;
the faults are exceptions with the status codes real endpoints send. No network, no Ray.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from summarizer.errors import InputError
from summarizer.llm.pool import EndpointPool, parse_endpoints
from summarizer.pipeline import Summarizer
from summarizer.settings import Settings


class Unavailable(Exception):
    """A hand-made 503, as a server behind a load balancer sends while it is down."""

    status_code = 503


class BadRequest(Exception):
    """A hand-made 400: the request's fault, not the endpoint's."""

    status_code = 400


class FakeEndpoint:
    """A transport that answers after ``delay`` seconds, or raises ``fails`` (hand-made, for the pool's tests)."""

    def __init__(self, label: str, delay: float = 0.0, fails: type[Exception] | None = None) -> None:
        self.label = label
        self.model = "stub"
        self.delay = delay
        self.fails = fails
        self.calls = 0
        self.in_flight = 0
        self.most_in_flight = 0

    def create(self, **kwargs: Any) -> Any:
        self.calls += 1
        if self.fails is not None:
            raise self.fails()
        return {"from": self.label}

    async def acreate(self, **kwargs: Any) -> Any:
        self.calls += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            if self.fails is not None:
                raise self.fails()
            return {"from": self.label}
        finally:
            self.in_flight -= 1


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _many(pool: EndpointPool, count: int) -> list[Any]:
    async def one() -> Any:
        try:
            return await pool.acreate(messages=[])
        except Exception as error:  # noqa: BLE001 - the test counts failures
            return error

    return await asyncio.gather(*(one() for _ in range(count)))


def test_requests_are_spread_evenly_over_healthy_endpoints() -> None:
    a, b = FakeEndpoint("a", delay=0.01), FakeEndpoint("b", delay=0.01)
    pool = EndpointPool([a, b], per_endpoint=4)
    asyncio.run(_many(pool, 16))
    assert (a.calls, b.calls) == (8, 8)


def test_no_endpoint_gets_more_than_its_cap_in_flight() -> None:
    a, b = FakeEndpoint("a", delay=0.02), FakeEndpoint("b", delay=0.02)
    pool = EndpointPool([a, b], per_endpoint=3)
    results = asyncio.run(_many(pool, 20))
    assert all(r == {"from": "a"} or r == {"from": "b"} for r in results)
    assert a.most_in_flight == 3 and b.most_in_flight == 3


def test_an_endpoint_failing_repeatedly_rests_and_the_others_take_its_calls() -> None:
    clock = Clock()
    down, up = FakeEndpoint("down", fails=Unavailable), FakeEndpoint("up")
    pool = EndpointPool([down, up], per_endpoint=1, rest_after=3, rest_seconds=30, clock=clock)
    for _ in range(20):
        try:
            pool.create(messages=[])
        except Unavailable:
            pass
    assert down.calls == 3  # three failures in a row, then it rests
    assert up.calls == 17
    assert pool.stats()[0]["resting"] is True


def test_a_rested_endpoint_is_tried_again_and_rests_longer_if_it_still_fails() -> None:
    clock = Clock()
    down = FakeEndpoint("down", fails=Unavailable)
    pool = EndpointPool([down, FakeEndpoint("up")], per_endpoint=1, rest_after=2, rest_seconds=10, clock=clock)
    member = pool.members[0]
    for _ in range(2):
        pool.failed(member, Unavailable())
    assert member.rested_until == clock.now + 10
    clock.now += 10  # the rest is over: one try
    assert pool.pick() is member or pool.pick().label == "up"
    pool.failed(member, Unavailable())  # one failure after a rest sends it back, for twice as long
    assert member.rested_until == clock.now + 20
    clock.now += 20
    pool.succeeded(member)
    assert not pool.resting(member) and member.streak == 0 and member.rests == 0


def test_a_bad_request_does_not_count_against_the_endpoint() -> None:
    picky = FakeEndpoint("picky", fails=BadRequest)
    pool = EndpointPool([picky, FakeEndpoint("other")], per_endpoint=1, rest_after=1)
    with pytest.raises(BadRequest):
        pool.create(messages=[])
    assert pool.members[0].streak == 0 and not pool.resting(pool.members[0])


def test_when_every_endpoint_rests_the_one_back_soonest_is_tried() -> None:
    clock = Clock()
    pool = EndpointPool([FakeEndpoint("a"), FakeEndpoint("b")], rest_after=1, rest_seconds=10, clock=clock)
    pool.failed(pool.members[0], Unavailable())
    clock.now += 5
    pool.failed(pool.members[1], Unavailable())
    assert pool.pick() is pool.members[0]


def test_the_pool_goes_in_at_the_public_seam() -> None:
    settings = Settings(base_url="http://127.0.0.1:9/v1", api_key="x", model="stub")
    pool = EndpointPool.from_urls(settings, ["http://127.0.0.1:9/v1", "http://127.0.0.1:10/v1"])
    with Summarizer(settings, transport=pool) as summarizer:
        assert summarizer.transport is pool
        assert summarizer.transport.label == "127.0.0.1:9+127.0.0.1:10"


def test_endpoints_are_read_from_a_list_or_a_file(tmp_path: Path) -> None:
    assert parse_endpoints("http://a:8000/v1, http://b:8000/v1") == ["http://a:8000/v1", "http://b:8000/v1"]
    listing = tmp_path / "endpoints.txt"
    listing.write_text("# GPU nodes\nhttp://a:8000/v1\n\nhttps://b/v1  # the spare\n", encoding="utf-8")
    assert parse_endpoints(str(listing)) == ["http://a:8000/v1", "https://b/v1"]
    with pytest.raises(InputError, match="not an http"):
        parse_endpoints("a:8000/v1")
    with pytest.raises(InputError, match="empty"):
        parse_endpoints(" ")
