"""Briefing many articles: every brief written exactly once, resumable, cached, paced, nothing lost.

Model answers come from the recorded sample cassette, served by the loopback fake in
``fake_openai_batch.py``. The articles are copies of the sample with one line added, so each
has its own content hash and grounds like the sample.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer
from conftest import FIXTURES, ROOT, SAMPLE
from fake_openai_batch import fake_openai_batch
from typer.testing import CliRunner

from summarizer.batch import BriefCache, cached_summarize, summarize_many
from summarizer.batch.cache import CacheKey
from summarizer.batch.command import batch_command
from summarizer.batch.job import BatchJob, run_batch
from summarizer.batch.limits import Pacer, RateLimiter
from summarizer.batch.runner import BatchResult, asummarize_many
from summarizer.pipeline import Summarizer
from summarizer.settings import Settings

TEXT = SAMPLE.read_text(encoding="utf-8")


pytestmark = pytest.mark.usefixtures("clean_env")


def write_articles(folder: Path, count: int, suffix: str = ".txt", start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        path = folder / f"article-{number:03d}{suffix}"
        path.write_text(f"{TEXT}\n\n(Archive copy {number}.)\n", encoding="utf-8")
        paths.append(path)
    return paths


def settings_for(url: str, **overrides: object) -> Settings:
    settings = Settings(base_url=url, api_key="sk-test", model="m", mode="tools", timeout=10, prompt="brief-v3")
    return settings.with_overrides(**overrides)


def cli(*args: str) -> tuple[int, str]:
    app = typer.Typer()
    app.command()(batch_command)
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def sources(path: Path) -> list[str]:
    return sorted(record["source"] for record in lines(path))


# --- the command ----------------------------------------------------------------


def test_a_directory_and_an_overlapping_glob_write_every_brief_exactly_once(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", 4) + write_articles(tmp_path / "in" / "more", 2, ".md", start=10)
    out = tmp_path / "briefs.jsonl"
    with fake_openai_batch() as srv:
        code, _ = cli(str(tmp_path / "in"), str(tmp_path / "in" / "*.txt"), "-o", str(out), "--base-url", srv.url,
                      "--model", "m", "--mode", "tools", "-p", "2024-02-02", "-q")
    assert code == 0
    assert sources(out) == sorted(str(p) for p in articles)
    assert srv.chat_calls == 6


def test_each_line_holds_the_source_its_content_hash_and_a_grounded_brief(tmp_path: Path) -> None:
    (article,) = write_articles(tmp_path / "in", 1)
    out = tmp_path / "briefs.jsonl"
    with fake_openai_batch() as srv:
        cli(str(article), "-o", str(out), "--base-url", srv.url, "--mode", "tools", "-p", "2024-02-02", "-q")
    (record,) = lines(out)
    assert record["source"] == str(article)
    assert record["content_hash"].startswith("sha256:") and record["cached"] is False
    brief = record["brief"]
    assert brief["headline"] and brief["meta"]["source"] == str(article)
    text = article.read_text(encoding="utf-8")
    for position in brief["positions"]:
        if position["quote_verified"]:
            span = position["quote_span"]
            assert text[span["start"] : span["end"]] == position["quote"]


def test_the_summary_reports_done_cached_failed_tokens_and_wall_time(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", 2)
    with fake_openai_batch() as srv:
        code, output = cli(*map(str, articles), "-o", str(tmp_path / "b.jsonl"), "--base-url", srv.url,
                           "--mode", "tools")
    assert code == 0
    assert "done 2 (cached 0), failed 0" in output
    assert "tokens in 200 / out 100 in 2 call(s)" in output and "wall time" in output


def test_bad_files_are_failures_with_reasons_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = write_articles(tmp_path / "in", 2)
    (tmp_path / "in" / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "in" / "scan.txt").write_bytes(b"%PDF-1.7 \x00\x01binary")
    out = tmp_path / "briefs.jsonl"
    with fake_openai_batch() as srv:
        code, _ = cli(str(tmp_path / "in"), str(tmp_path / "missing.txt"), "-o", str(out), "--base-url", srv.url,
                      "--mode", "tools", "-q")
    assert sources(out) == sorted(map(str, good))
    reasons = {Path(r["source"]).name: r["reason"] for r in lines(tmp_path / "briefs.failed.jsonl")}
    assert "the article is empty" in reasons["empty.txt"]
    assert "binary" in reasons["scan.txt"]
    assert "no such file" in reasons["missing.txt"]
    assert code == 2  # only inputs were bad


def test_failures_are_recorded_with_their_reason_and_a_rerun_retries_them(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", 3)
    articles[1].write_text(TEXT + "\nFAULT-ME\n", encoding="utf-8")
    out = tmp_path / "briefs.jsonl"
    args = [str(tmp_path / "in"), "-o", str(out), "--mode", "tools", "-q"]
    with fake_openai_batch(fail_marker="FAULT-ME") as srv:
        code, _ = cli(*args, "--base-url", srv.url)
        (failure,) = lines(tmp_path / "briefs.failed.jsonl")
        assert code == 1
        assert failure["source"] == str(articles[1]) and "400" in failure["reason"]
        assert failure["error"] == "EndpointRejected" and failure["exit_code"] == 1

        srv.fail_marker = None  # the endpoint recovers
        calls_before = srv.chat_calls
        code, _ = cli(*args, "--base-url", srv.url)
    assert code == 0
    assert srv.chat_calls - calls_before == 1  # only the failed one is asked again
    assert sources(out) == sorted(map(str, articles))
    assert lines(tmp_path / "briefs.failed.jsonl") == []


def test_an_article_too_long_to_brief_fails_with_its_hash_and_the_rest_go_on(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", 2)
    articles[1].write_text(TEXT * 40, encoding="utf-8")  # ~130,000 characters: more parts than allowed
    out = tmp_path / "briefs.jsonl"
    with fake_openai_batch() as srv:
        summary = asyncio.run(run_batch(BatchJob([str(tmp_path / "in")], out, settings_for(srv.url, max_parts=2))))
    assert (summary.done, summary.failed) == (1, 1)
    (failure,) = lines(tmp_path / "briefs.failed.jsonl")
    assert failure["source"] == str(articles[1]) and "too long" in failure["reason"]
    assert failure["content_hash"].startswith("sha256:") and failure["exit_code"] == 2
    assert srv.chat_calls == 1  # nothing was sent for the refused article


def test_an_interrupted_run_then_a_rerun_write_every_brief_exactly_once(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", 8)
    out = tmp_path / "briefs.jsonl"

    class Killed(Exception):
        pass

    class KillAfterThree:
        seen = 0

        def start(self, total: int, skipped: int) -> None: ...

        def phase(self, text: str) -> None: ...

        def advance(self, result: BatchResult) -> None:
            self.seen += 1
            if self.seen == 3:
                raise Killed

    with fake_openai_batch() as srv:
        job = BatchJob([str(tmp_path / "in")], out, settings_for(srv.url), concurrency=2)
        with pytest.raises(Killed):
            asyncio.run(run_batch(job, KillAfterThree()))
        assert len(lines(out)) == 3
        summary = asyncio.run(run_batch(job))
    assert summary.skipped == 3 and summary.done == 5
    assert sources(out) == sorted(map(str, articles))


def test_a_half_written_last_line_is_dropped_and_that_article_briefed_again(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", 3)
    out = tmp_path / "briefs.jsonl"
    with fake_openai_batch() as srv:
        job = BatchJob([str(tmp_path / "in")], out, settings_for(srv.url))
        asyncio.run(run_batch(job))
        whole = out.read_bytes().splitlines(keepends=True)
        out.write_bytes(b"".join(whole[:2]) + whole[2][: len(whole[2]) // 2])  # killed mid-write
        summary = asyncio.run(run_batch(job))
    assert summary.skipped == 2 and summary.done == 1
    assert sources(out) == sorted(map(str, articles))


def test_a_killed_process_loses_no_finished_brief_and_a_rerun_completes(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", 12)
    out = tmp_path / "briefs.jsonl"
    program = (
        "import typer; from summarizer.batch.command import batch_command; "
        "app = typer.Typer(); app.command()(batch_command); app()"
    )
    with fake_openai_batch(latency=0.15) as srv:
        args = [str(tmp_path / "in"), "-o", str(out), "--base-url", srv.url, "--mode", "tools", "-j", "2", "-q"]
        process = subprocess.Popen([sys.executable, "-c", program, *args], cwd=ROOT, env=os.environ.copy())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 3):
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        written_before = out.read_bytes().count(b"\n")
        assert 3 <= written_before < 12
        code, _ = cli(*args)
    assert code == 0
    assert sources(out) == sorted(map(str, articles))


# --- the cache --------------------------------------------------------------------


def test_a_cache_hit_makes_no_call_to_the_endpoint(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 3)
    with fake_openai_batch() as srv:
        base = [str(tmp_path / "in"), "--base-url", srv.url, "--mode", "tools", "-q"]
        cli(*base, "-o", str(tmp_path / "first.jsonl"))
        calls = srv.chat_calls
        code, _ = cli(*base, "-o", str(tmp_path / "second.jsonl"))
    assert code == 0 and calls == 3
    assert srv.chat_calls == calls
    assert all(record["cached"] for record in lines(tmp_path / "second.jsonl"))
    assert len(lines(tmp_path / "second.jsonl")) == 3


def test_no_cache_asks_the_endpoint_again(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 2)
    with fake_openai_batch() as srv:
        base = [str(tmp_path / "in"), "--base-url", srv.url, "--mode", "tools", "-q"]
        cli(*base, "-o", str(tmp_path / "first.jsonl"))
        cli(*base, "-o", str(tmp_path / "second.jsonl"), "--no-cache")
    assert srv.chat_calls == 4


def test_clear_cache_empties_the_cache(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 2)
    with fake_openai_batch() as srv:
        cli(str(tmp_path / "in"), "-o", str(tmp_path / "b.jsonl"), "--base-url", srv.url, "--mode", "tools", "-q")
    code, output = cli("--clear-cache")
    assert code == 0 and "cache cleared (2 brief(s))" in output
    with BriefCache.open() as cache:
        assert len(cache) == 0


def test_the_cache_key_changes_with_model_endpoint_and_publication_date() -> None:
    settings = Settings(base_url="http://a.example/v1", model="m")
    key = CacheKey.for_article("sha256:x", settings, None)
    assert key.prompt_id == "brief" and key.schema_version
    others = [
        CacheKey.for_article("sha256:y", settings, None),
        CacheKey.for_article("sha256:x", settings.with_overrides(model="n"), None),
        CacheKey.for_article("sha256:x", settings.with_overrides(base_url="http://b.example/v1"), None),
        CacheKey.for_article("sha256:x", settings, __import__("datetime").date(2024, 2, 2)),
    ]
    assert len({key.digest, *(other.digest for other in others)}) == 5


def test_cached_summarize_answers_a_second_call_from_the_cache(tmp_path: Path) -> None:
    with fake_openai_batch() as srv, BriefCache(tmp_path / "c.sqlite3") as cache:
        summarizer = Summarizer(settings_for(srv.url))
        first = cached_summarize(TEXT, published="2024-02-02", summarizer=summarizer, cache=cache)
        second = cached_summarize(TEXT, published="2024-02-02", summarizer=summarizer, cache=cache, source="again")
    assert srv.chat_calls == 1
    assert second.headline == first.headline and second.meta.source == "again"


def test_summarize_many_with_a_cache_answers_repeats_without_calls(tmp_path: Path) -> None:
    texts = [f"{TEXT}\n{i}" for i in range(3)]
    with fake_openai_batch() as srv, BriefCache(tmp_path / "c.sqlite3") as cache:
        first = list(summarize_many(texts, settings=settings_for(srv.url), cache=cache))
        again = list(summarize_many(texts, settings=settings_for(srv.url), cache=cache))
    assert srv.chat_calls == 3
    assert not any(r.cached for r in first) and all(r.cached and r.ok for r in again)


# --- rate limits -------------------------------------------------------------------


def test_the_rpm_limiter_spaces_requests_evenly_after_its_burst() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    waits = [limiter.reserve() for _ in range(5)]
    assert waits == [0.0, 0.0, 1.0, 2.0, 3.0]


def test_the_tpm_limiter_charges_the_tokens_really_used() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=600, burst=100, clock=lambda: now[0])  # 10 tokens a second
    assert limiter.reserve(100) == 0.0
    limiter.charge(50)  # the call used 150, not the estimated 100
    assert limiter.reserve(10) == pytest.approx(6.0)


def test_the_pacer_spaces_request_starts_by_the_cpu_time_of_an_answer() -> None:
    now, cpu, slept = [100.0], [0.0], []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))

    pacer = Pacer(window=4, clock=lambda: now[0], cpu_clock=lambda: cpu[0], sleep=sleep)
    pacer.gap = 0.005

    async def starts(count: int) -> None:
        for _ in range(count):
            await pacer.before_call()

    asyncio.run(starts(3))  # three requests at once: the 2nd and 3rd wait 5 and 10 ms
    assert slept == [0.005, 0.01]
    for _ in range(5):  # answers that cost 8 ms of CPU each
        cpu[0] += 0.008
        pacer.answered()
    assert pacer.gap == pytest.approx(0.008)
    cpu[0] += 5.0  # the process did something else: the spacing stays bounded
    pacer.answered()
    assert pacer.gap == pacer.max_gap


def test_an_rpm_limit_bounds_the_rate_of_a_batch(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 12)
    with fake_openai_batch() as srv:
        job = BatchJob([str(tmp_path / "in")], tmp_path / "b.jsonl", settings_for(srv.url), concurrency=12, rpm=600)
        started = time.monotonic()
        summary = asyncio.run(run_batch(job))
        elapsed = time.monotonic() - started
    # 600 a minute is one request every 0.1 s after a burst of 10: 12 requests need at least 0.2 s.
    assert summary.done == 12
    assert elapsed >= 0.19


# --- the Python API ---------------------------------------------------------------


def test_summarize_many_yields_one_result_per_input_saying_which_it_was(tmp_path: Path) -> None:
    (path,) = write_articles(tmp_path, 1)
    with fake_openai_batch() as srv:
        results = list(summarize_many([TEXT, path, "   "], settings=settings_for(srv.url), published="2024-02-02"))
    by_index = {result.index: result for result in results}
    assert sorted(by_index) == [0, 1, 2]
    assert by_index[0].ok and by_index[0].source == "<text 0>"
    assert by_index[1].ok and by_index[1].source == str(path) and by_index[1].brief.meta.source == str(path)
    assert not by_index[2].ok and "empty" in str(by_index[2].error)


def test_asummarize_many_keeps_at_most_concurrency_requests_in_flight(tmp_path: Path) -> None:
    async def collect(url: str) -> list[BatchResult]:
        return [r async for r in asummarize_many([f"{TEXT}\n{i}" for i in range(6)], concurrency=2,
                                                 settings=settings_for(url))]

    with fake_openai_batch(latency=0.1) as srv:
        started = time.monotonic()
        results = asyncio.run(collect(srv.url))
        elapsed = time.monotonic() - started
    assert all(result.ok for result in results) and len(results) == 6
    assert elapsed >= 0.3  # 6 requests of 0.1 s, two at a time


# --- --via batch-api ----------------------------------------------------------------


def test_batch_api_briefs_come_from_the_batch_job_with_no_direct_call(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", 3)
    out = tmp_path / "briefs.jsonl"
    with fake_openai_batch() as srv:
        code, _ = cli(str(tmp_path / "in"), "-o", str(out), "--via", "batch-api", "--poll", "0.01",
                      "--base-url", srv.url, "--mode", "tools", "-p", "2024-02-02", "-q")
    assert code == 0
    assert srv.chat_calls == 0 and len(srv.batch_requests) == 3
    assert sources(out) == sorted(map(str, articles))
    assert all(r["brief"]["meta"]["calls"] == 1 and r["brief"]["meta"]["faithfulness"] is not None
               for r in lines(out))
    assert not (tmp_path / "briefs.batch-api.json").exists()


def test_batch_api_requests_are_what_the_direct_path_sends(tmp_path: Path) -> None:
    (article,) = write_articles(tmp_path / "in", 1)
    with fake_openai_batch() as srv:
        base = [str(article), "--base-url", srv.url, "--mode", "tools", "-p", "2024-02-02", "-q", "--no-cache"]
        cli(*base, "-o", str(tmp_path / "direct.jsonl"))
        cli(*base, "-o", str(tmp_path / "batch.jsonl"), "--via", "batch-api", "--poll", "0.01")
    (direct,) = srv.chat_requests
    (queued,) = srv.batch_requests
    assert queued["url"] == "/v1/chat/completions" and queued["method"] == "POST"
    for field in ("model", "messages", "tools", "tool_choice", "temperature"):
        assert queued["body"][field] == direct[field]
    assert lines(tmp_path / "batch.jsonl")[0]["brief"]["headline"] == lines(tmp_path / "direct.jsonl")[0]["brief"][
        "headline"]


def test_batch_api_asks_a_non_english_article_what_the_direct_path_asks(tmp_path: Path) -> None:
    # The brief's language instruction is part of the first question; a queued request without it
    # would never be found by the flow, and every such article would be briefed twice.
    article = tmp_path / "in" / "pt.txt"
    article.parent.mkdir()
    article.write_text((FIXTURES / "articles/us-strikes-iraq-syria-2024-02-02.pt.txt").read_text(encoding="utf-8"))
    with fake_openai_batch() as srv:
        base = [str(article), "--base-url", srv.url, "--mode", "tools", "-p", "2024-02-02", "-q", "--no-cache"]
        cli(*base, "-o", str(tmp_path / "direct.jsonl"))
        cli(*base, "-o", str(tmp_path / "batch.jsonl"), "--via", "batch-api", "--poll", "0.01")
    direct, queued = srv.chat_requests[0], srv.batch_requests[0]
    assert "Portuguese" in queued["body"]["messages"][0]["content"]
    assert queued["body"]["messages"] == direct["messages"]


def test_batch_api_failures_are_asked_again_directly(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", 3)
    with fake_openai_batch() as srv:
        srv.batch_errors = {"1-" + __import__("summarizer.batch.inputs", fromlist=["x"]).content_hash(
            articles[1].read_text(encoding="utf-8"))[7:19]}
        code, _ = cli(str(tmp_path / "in"), "-o", str(tmp_path / "b.jsonl"), "--via", "batch-api", "--poll", "0.01",
                      "--base-url", srv.url, "--mode", "tools", "-q")
    assert code == 0
    assert srv.chat_calls == 1 and len(srv.batch_requests) == 3
    assert sources(tmp_path / "b.jsonl") == sorted(map(str, articles))


# --- usage -------------------------------------------------------------------------


@pytest.mark.parametrize("option", [["--concurrency", "0"], ["--rpm", "-1"], ["--via", "carrier-pigeon"]])
def test_bad_options_are_usage_errors(option: list[str], tmp_path: Path) -> None:
    code, output = cli(str(tmp_path), *option)
    assert code == 2 and "brief batch:" in output


def test_a_saved_page_in_a_batch_is_briefed_from_its_article_body(tmp_path: Path) -> None:
    from summarizer.sources import load_article

    folder = tmp_path / "in"
    write_articles(folder, 1)
    page = folder / "story.html"
    page.write_bytes((ROOT / "fixtures" / "articles" / "html" / "us-strikes-iraq-syria-2024-02-02.html").read_bytes())
    out = tmp_path / "briefs.jsonl"
    with fake_openai_batch() as srv:
        code, output = cli(str(folder), "-o", str(out), "--base-url", srv.url, "-q")
        sent = [r["messages"][-1]["content"] for r in srv.chat_requests]
    assert code == 0, output
    assert not any("<html" in content or "<div" in content for content in sent)
    body = load_article(page).text
    record = next(r for r in lines(out) if r["source"].endswith("story.html"))
    for position in record["brief"]["positions"]:
        if position["quote_span"]:
            span = position["quote_span"]
            assert body[span["start"] : span["end"]] == position["quote"]
