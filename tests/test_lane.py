"""The CPU lane: grounding runs off the event loop, and a batch keeps its requests going meanwhile.

Model answers come from the recorded sample cassette, served by the loopback fake in
``fake_openai_batch.py``.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE
from fake_openai_batch import fake_openai_batch

from summarizer import flow, lane
from summarizer.batch.inputs import Item
from summarizer.batch.metering import Meter, MeteredTransport
from summarizer.batch.runner import Engine
from summarizer.llm.ask import instructor_model, remembering
from summarizer.llm.wrap import TransportWrapper
from summarizer.pipeline import Summarizer
from summarizer.schema import BriefDraft
from summarizer.settings import Settings

TEXT = SAMPLE.read_text(encoding="utf-8")

pytestmark = pytest.mark.usefixtures("clean_env")


def settings_for(url: str) -> Settings:
    return Settings(base_url=url, api_key="sk-test", model="m", mode="tools", timeout=10, prompt="brief-v3")


# --- the lane itself ----------------------------------------------------------------


def test_off_loop_runs_the_work_on_one_other_thread_in_order() -> None:
    async def run() -> tuple[threading.Thread, list[tuple[int, threading.Thread]]]:
        seen: list[tuple[int, threading.Thread]] = []

        def step(number: int) -> int:
            time.sleep(0.01 * (3 - number))  # the first is the slowest: order must still hold
            seen.append((number, threading.current_thread()))
            return number * 10

        results = await asyncio.gather(*(lane.off_loop(step, n) for n in range(3)))
        assert results == [0, 10, 20]
        return threading.current_thread(), seen

    loop_thread, seen = asyncio.run(run())
    assert [number for number, _ in seen] == [0, 1, 2]
    assert len({thread for _, thread in seen}) == 1 and seen[0][1] is not loop_thread


def test_off_loop_raises_the_work_s_own_exception() -> None:
    def fail() -> None:
        raise ValueError("bad article")

    with pytest.raises(ValueError, match="bad article"):
        asyncio.run(lane.off_loop(fail))


def test_drain_waits_for_a_step_whose_caller_was_cancelled() -> None:
    finished: list[str] = []

    def slow() -> None:
        time.sleep(0.1)
        finished.append("slow")

    async def run() -> None:
        task = asyncio.ensure_future(lane.off_loop(slow))
        await asyncio.sleep(0.02)  # the step is running on the lane now
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert finished == []  # cancelled: the caller stopped waiting, the step did not stop
        await lane.drain()
        assert finished == ["slow"]

    asyncio.run(run())


def test_prompt_handoffs_shortens_the_switch_interval_only_while_it_lasts() -> None:
    before = sys.getswitchinterval()
    with lane.prompt_handoffs(0.0005):
        assert sys.getswitchinterval() == pytest.approx(0.0005)
    assert sys.getswitchinterval() == before


# --- in the pipeline and the batch engine ---------------------------------------------


def test_asummarize_grounds_the_answer_off_the_event_loop_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    grounding_threads: list[threading.Thread] = []
    real_ground = flow.ground

    def spy(*args: Any, **kwargs: Any) -> Any:
        grounding_threads.append(threading.current_thread())
        return real_ground(*args, **kwargs)

    monkeypatch.setattr(flow, "ground", spy)

    async def run(url: str) -> tuple[threading.Thread, Any]:
        brief = await Summarizer(settings_for(url)).asummarize(TEXT, published="2024-02-02")
        return threading.current_thread(), brief

    with fake_openai_batch() as srv:
        loop_thread, brief = asyncio.run(run(srv.url))
    assert brief.positions and brief.when  # a real, grounded brief
    assert grounding_threads and all(thread is not loop_thread for thread in grounding_threads)


def test_the_engine_prepares_ahead_but_keeps_concurrency_requests_in_flight(tmp_path: Path) -> None:
    in_flight = peak = answered = 0
    begun_before_first_answer = 0

    class Counted(TransportWrapper):
        """Middleware under the meter (applied first): what the endpoint sees in flight."""

        async def acreate(self, **kwargs: Any) -> Any:
            nonlocal in_flight, peak, answered
            in_flight += 1
            peak = max(peak, in_flight)
            try:
                return await self.inner.acreate(**kwargs)
            finally:
                in_flight -= 1
                answered += 1

    class CountingSummarizer(Summarizer):
        def prepare(self, *args: Any, **kwargs: Any) -> Any:
            nonlocal begun_before_first_answer
            begun_before_first_answer += answered == 0
            return super().prepare(*args, **kwargs)

    def metered(transport: Any) -> Any:
        return MeteredTransport(transport, Meter())

    async def run(url: str) -> list[Any]:
        async with CountingSummarizer(settings_for(url), middleware=[Counted, metered]) as summarizer:
            engine = Engine(summarizer, concurrency=3, published="2024-02-02")
            items = (Item(i, f"<text {i}>", text=f"{TEXT}\n\n(Copy {i}.)") for i in range(9))
            return [result async for result in engine.run(items)]

    with fake_openai_batch(latency=0.05) as srv:
        results = asyncio.run(run(srv.url))
    assert len(results) == 9 and all(result.ok for result in results)
    assert peak == 3  # three requests are sent at a time...
    assert begun_before_first_answer == 6  # ...while six articles are read and prepared


# --- instructor's async-validator check, remembered ------------------------------------


def test_remembering_checks_a_class_once_and_a_failing_model_every_time() -> None:
    calls: list[Any] = []

    def check(model: Any) -> None:
        calls.append(model)
        if model is Bad:
            raise ValueError("async validators are not supported")

    class Good:
        pass

    class Bad:
        pass

    remembered = remembering(check)
    for _ in range(3):
        remembered(Good)
        with pytest.raises(ValueError):
            remembered(Bad)
        remembered(list[Good])  # not a class: checked each time
    assert calls.count(Good) == 1 and calls.count(Bad) == 3 and len(calls) == 7


def test_instructor_s_check_is_the_remembering_one_once_a_model_is_wrapped() -> None:
    from instructor.v2.core import patch
    from instructor.v2.validation import async_validators

    instructor_model(BriefDraft)
    # Fails when an instructor upgrade moves the check: the shim then does nothing, and must be revisited.
    assert getattr(async_validators.reject_async_validators, "remembers", False)
    assert patch.reject_async_validators is async_validators.reject_async_validators


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_a_forked_child_gets_a_lane_of_its_own() -> None:
    import os

    asyncio.run(lane.off_loop(int, 1))  # the parent's lane thread exists now
    pid = os.fork()
    if pid == 0:  # the child: the parent's thread is not here, a new lane must answer
        try:
            code = 0 if asyncio.run(asyncio.wait_for(lane.off_loop(int, 7), 5)) == 7 else 1
        except BaseException:  # noqa: BLE001 - any failure is the child's exit code
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
