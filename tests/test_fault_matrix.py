"""The fault matrix (docs/faults.md): one test per cell, through the real `brief` command.

Each cell scripts the loopback server (tests/fake_openai.py: hand-made faults; model answers are
recorded ones) and states the outcome: recovered (in how many HTTP tries and model calls), a
partial brief with warnings, or one clear error line with a documented exit code. Nothing waits
for real: backoff sleeps and server "work" advance a virtual clock that the deadline is measured
on; only the hang cells spend real time, a few tenths of a second each.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import instructor  # noqa: F401 - imported once here, so a cell's time is its own, not the first import's
import openai  # noqa: F401
import pytest
from conftest import RECORDED_PROMPT, SAMPLE
from fake_openai import FABRICATED_QUOTES, FAULTS, FakeServer, Reply, fake_openai, recorded_ok, recorded_repair
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.errors import EXIT_INPUT, EXIT_MODEL, EXIT_OK, DeadlineExceeded, ModelError
from summarizer.llm.ask import Asker
from summarizer.pipeline import Summarizer
from summarizer.schema import Brief
from summarizer.settings import Settings

KEY = "sk-matrix-SECRET-0123456789abcdef"
HANG = 30.0  # how long a hanging reply holds the connection: far longer than any cell may take
DOCS = Path(__file__).resolve().parent.parent / "docs" / "faults.md"
runner = CliRunner()

RECOVERED, PARTIAL, ERROR = "recovered", "partial brief with warnings", "error"


@dataclass(frozen=True)
class Cell:
    fault: str  # the row's name in docs/faults.md
    script: Callable[[], list[Reply]]
    outcome: str
    tries: int | tuple[int, int]  # HTTP requests the server saw (a range where backoff jitter decides)
    exit_code: int
    calls: int | None = None  # model answers accepted or re-asked (meta.calls), when a brief is written
    says: str = ""  # in the error line, or in the brief's warnings
    settings: dict[str, Any] = field(default_factory=dict)


def _times(reply: Callable[[], Reply], n: int) -> list[Reply]:
    return [reply() for _ in range(n)]


CELLS = [
    # --- transport: retried by tenacity (4 tries), never re-asked ------------------------------------
    Cell("429 with Retry-After", lambda: [FAULTS.rate_limited("2"), recorded_ok()], RECOVERED, 2, EXIT_OK, 1),
    Cell("429 without Retry-After", lambda: [FAULTS.rate_limited(), recorded_ok()], RECOVERED, 2, EXIT_OK, 1),
    Cell("429 every time", lambda: _times(FAULTS.rate_limited, 9), ERROR, 4, EXIT_MODEL, says="HTTP 429"),
    Cell("500", lambda: [FAULTS.server_error(500), recorded_ok()], RECOVERED, 2, EXIT_OK, 1),
    Cell("502", lambda: [FAULTS.server_error(502), recorded_ok()], RECOVERED, 2, EXIT_OK, 1),
    Cell(
        "503 twice",
        lambda: [FAULTS.server_error(503), FAULTS.server_error(503), recorded_ok()],
        RECOVERED,
        3,
        EXIT_OK,
        1,
    ),
    Cell(
        "429, 503, then success",
        lambda: [FAULTS.rate_limited("1"), FAULTS.server_error(503), recorded_ok()],
        RECOVERED,
        3,
        EXIT_OK,
        1,
    ),
    Cell("502 every time", lambda: _times(lambda: FAULTS.server_error(502), 9), ERROR, 4, EXIT_MODEL, says="HTTP 502"),
    Cell("hang past the timeout", lambda: [FAULTS.hang(), recorded_ok()], RECOVERED, 2, EXIT_OK, 1),
    Cell("hang every time", lambda: _times(FAULTS.hang, 9), ERROR, 4, EXIT_MODEL, says="timed out"),
    Cell("connection reset mid-body", lambda: [FAULTS.reset_mid_body(), recorded_ok()], RECOVERED, 2, EXIT_OK, 1),
    Cell(
        "connection reset every time",
        lambda: _times(FAULTS.reset_mid_body, 9),
        ERROR,
        4,
        EXIT_MODEL,
        says="connection to",
    ),
    # --- the answer: re-asked by instructor (--max-retries, default 1), or refused ------------------------
    Cell(
        "finish_reason length (truncated JSON)",
        lambda: [FAULTS.truncated_by_length(), recorded_ok()],
        ERROR,
        1,
        EXIT_MODEL,
        says="ran out of tokens",
    ),
    Cell("invalid JSON", lambda: [FAULTS.invalid_json(), recorded_ok()], RECOVERED, 2, EXIT_OK, 2),
    Cell(
        "invalid JSON every time",
        lambda: _times(FAULTS.invalid_json, 9),
        ERROR,
        2,
        EXIT_MODEL,
        says="did not return a valid brief in 2 tries",
    ),
    Cell("JSON that violates the schema", lambda: [FAULTS.schema_violation(), recorded_ok()], RECOVERED, 2, EXIT_OK, 2),
    Cell(
        "schema violation every time",
        lambda: _times(FAULTS.schema_violation, 9),
        ERROR,
        3,
        EXIT_MODEL,
        says="did not return a valid brief in 3 tries",
        settings={"max_retries": 2},
    ),
    Cell("empty content", lambda: [FAULTS.empty_content(), recorded_ok()], RECOVERED, 2, EXIT_OK, 2),
    Cell(
        "empty content every time", lambda: _times(FAULTS.empty_content, 9), ERROR, 2, EXIT_MODEL, says="No tool calls"
    ),
    Cell("refusal", lambda: [FAULTS.refusal(), recorded_ok()], ERROR, 1, EXIT_MODEL, says="refused"),
    Cell("tool call with the wrong name", lambda: [FAULTS.wrong_tool_name()], RECOVERED, 1, EXIT_OK, 1),
    Cell(
        "wrong tool name, foreign arguments",
        lambda: [FAULTS.wrong_tool_with_foreign_arguments(), recorded_ok()],
        RECOVERED,
        2,
        EXIT_OK,
        2,
    ),
    # --- grounding: a valid brief whose quotes are not in the article ------------------------------------
    Cell(
        "quotes not in the article",
        lambda: [FAULTS.fabricated_quotes(), recorded_repair()],
        PARTIAL,
        2,
        EXIT_OK,
        2,
        says="kept as paraphrase",
    ),
    Cell(
        "quotes not in the article, repair call fails",
        lambda: [FAULTS.fabricated_quotes(), *_times(lambda: FAULTS.server_error(503), 4)],
        PARTIAL,
        5,
        EXIT_OK,
        1,
        says="targeted re-ask for unverified quotes failed",
    ),
    # --- the deadline (Settings.deadline): one ceiling over everything -----------------------------------
    Cell(
        "Retry-After past the deadline",
        lambda: [FAULTS.rate_limited("120"), recorded_ok()],
        ERROR,
        1,
        EXIT_MODEL,
        says="would pass the brief's 60s deadline",
        settings={"deadline": 60.0},
    ),
    Cell(
        "deadline across transport retries",
        lambda: _times(FAULTS.hang, 20),
        ERROR,
        (1, 4),
        EXIT_MODEL,
        says="deadline",
        settings={"deadline": 0.8, "timeout": 0.3, "transport_attempts": 20},
    ),
    Cell(
        "deadline across validation re-asks",
        lambda: [dataclass_replace(FAULTS.schema_violation(), takes=25.0) for _ in range(9)],
        ERROR,
        3,
        EXIT_MODEL,
        says="deadline passed",
        settings={"deadline": 60.0, "max_retries": 8},
    ),
    Cell(
        "deadline before the repair call",
        lambda: [dataclass_replace(FAULTS.fabricated_quotes(), takes=61.0)],
        PARTIAL,
        1,
        EXIT_OK,
        1,
        says="targeted re-ask for unverified quotes failed",
        settings={"deadline": 60.0},
    ),
]


def dataclass_replace(reply: Reply, **changes: Any) -> Reply:
    from dataclasses import replace

    return replace(reply, **changes)


def _fast(srv: FakeServer, monkeypatch: pytest.MonkeyPatch, waits: list[float], **overrides: Any) -> None:
    """Settings and an Asker for tests: small timeouts, virtual sleeps and clock, a key to keep secret."""
    import summarizer.settings

    real = summarizer.settings.settings_from_env
    base = real({"OPENAI_API_KEY": KEY, "BRIEF_PROMPT": RECORDED_PROMPT}).with_overrides(
        **{"timeout": 0.3, "deadline": 60.0, **overrides}
    )
    monkeypatch.setattr(summarizer.settings, "settings_from_env", lambda env=None: base)

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        srv.advance(seconds)

    monkeypatch.setattr("summarizer.pipeline.Asker", functools.partial(Asker, sleep=sleep, clock=srv.clock))


def _run_cell(cell: Cell, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, FakeServer, list[float], float]:
    waits: list[float] = []
    with fake_openai(cell.script(), hang_seconds=HANG) as srv:
        _fast(srv, monkeypatch, waits, **cell.settings)
        started = time.monotonic()
        result = runner.invoke(
            app,
            [str(SAMPLE), "--base-url", srv.url, "--mode", "tools", "--format", "json", "-q", "-p", "2024-02-02"],
        )
        elapsed = time.monotonic() - started
    return result, srv, waits, elapsed


@pytest.mark.parametrize("cell", CELLS, ids=[c.fault for c in CELLS])
def test_fault_matrix(cell: Cell, monkeypatch: pytest.MonkeyPatch) -> None:
    result, srv, _waits, elapsed = _run_cell(cell, monkeypatch)

    assert result.exit_code == cell.exit_code, (result.stderr, srv.served)
    low, high = cell.tries if isinstance(cell.tries, tuple) else (cell.tries, cell.tries)
    assert low <= len(srv.requests) <= high, srv.served
    assert elapsed < HANG / 3, "a fault cell must not hang"  # a loaded 2-core machine needs slack, a hang 30 s
    assert KEY not in result.stdout + result.stderr and "SECRET" not in result.stdout + result.stderr
    if cell.outcome == ERROR:
        line = result.stderr.strip()
        assert len(line.splitlines()) == 1 and line.startswith("brief: "), result.stderr
        assert cell.says in line and "127.0.0.1" in line
        assert result.stdout == "" and "Traceback" not in result.stderr
        return
    brief = Brief.model_validate_json(result.stdout)
    assert brief.meta.attempts == len(srv.requests) and brief.meta.calls == cell.calls
    text = SAMPLE.read_text(encoding="utf-8")
    for position in brief.positions:
        if position.quote is not None:  # only verified quotes are ever shown
            assert position.quote_verified and position.quote_span and position.quote_span.of(text) == position.quote
    if cell.outcome == PARTIAL:
        assert any(cell.says in warning for warning in brief.meta.warnings), brief.meta.warnings
        shown = {position.quote for position in brief.positions}
        assert not shown & set(FABRICATED_QUOTES.values()), "a fabricated quote was shown as a quote"


def test_retry_after_sets_the_wait_and_backoff_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    script = [FAULTS.rate_limited("2"), FAULTS.rate_limited(), FAULTS.server_error(503), recorded_ok()]
    cell = Cell("waits", lambda: script, RECOVERED, 4, EXIT_OK, 1)
    result, _srv, waits, _ = _run_cell(cell, monkeypatch)
    assert result.exit_code == 0
    assert waits[0] == 2.0  # Retry-After honoured
    assert 0 <= waits[1] <= 1.0 and 0 <= waits[2] <= 2.0  # full jitter under 0.5 * 2**(n-1)


def test_the_per_request_timeout_is_cut_to_what_is_left_of_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    # A 5 s timeout but a 0.6 s deadline: one hang must end at the deadline, not after 5 s.
    cell = Cell("cut", lambda: _times(FAULTS.hang, 3), ERROR, 1, EXIT_MODEL, settings={"timeout": 5.0, "deadline": 0.6})
    result, srv, _waits, elapsed = _run_cell(cell, monkeypatch)
    assert result.exit_code == EXIT_MODEL and "deadline" in result.stderr
    assert elapsed < 3.0 and len(srv.requests) == 1  # the 5 s timeout never ran out


@pytest.mark.parametrize(
    "cell",
    [
        c
        for c in CELLS
        if c.fault
        in {
            "hang past the timeout",
            "503 twice",
            "deadline across validation re-asks",
            "deadline before the repair call",
            "invalid JSON",
        }
    ],
    ids=lambda c: c.fault,
)
def test_the_async_twin_behaves_the_same(cell: Cell) -> None:
    waits: list[float] = []
    with fake_openai(cell.script(), hang_seconds=5) as srv:
        settings = Settings(
            base_url=srv.url,
            api_key=KEY,
            model="m",
            mode="tools",
            prompt="brief-v3",
            **{"timeout": 0.3, "deadline": 60.0, **cell.settings},
        )
        summarizer = Summarizer(settings)
        asker = summarizer.asker
        asker.sleep, asker.clock = (lambda s: (waits.append(s), srv.advance(s))[0]), srv.clock
        try:
            brief: Brief | None = asyncio.run(summarizer.asummarize(SAMPLE.read_text(encoding="utf-8")))
        except ModelError as error:
            brief = None
            assert cell.exit_code == error.exit_code and cell.says in str(error)
            assert isinstance(error, DeadlineExceeded) == ("deadline" in cell.fault)
    assert (brief is not None) == (cell.exit_code == EXIT_OK)
    assert len(srv.requests) == cell.tries
    if brief is not None:
        assert brief.meta.calls == cell.calls


def test_every_cell_is_documented() -> None:
    doc = DOCS.read_text(encoding="utf-8")
    missing = [c.fault for c in CELLS if f"| {c.fault} |" not in doc]
    assert not missing, f"add these rows to docs/faults.md: {missing}"


def test_exit_codes_are_the_documented_ones() -> None:
    doc = DOCS.read_text(encoding="utf-8")
    for code in (EXIT_OK, EXIT_MODEL, EXIT_INPUT, 3):
        assert f"| {code} |" in doc
    assert {c.exit_code for c in CELLS} <= {EXIT_OK, EXIT_MODEL}
