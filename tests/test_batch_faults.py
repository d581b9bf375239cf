"""A batch against a flaky endpoint: every article briefed, none twice, no secret in any artefact.

The endpoint fails one request in five (hand-made 503s and 429s, named as faults); the
answers it gives otherwise are the real model's recorded answer for the sample.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer
from conftest import ROOT, SAMPLE
from fake_openai_batch import fake_openai_batch
from typer.testing import CliRunner

from summarizer.batch.command import batch_command

KEY = "sk-batch-SECRET-000111222"
TEXT = SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def isolated(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)


def _articles(folder: Path, count: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"story-{number:03d}.txt").write_text(f"{TEXT}\n\n(Wire copy {number}.)\n", encoding="utf-8")
    return sorted(str(p) for p in folder.glob("*.txt"))


def _sources(out: Path) -> list[str]:
    return sorted(json.loads(line)["source"] for line in out.read_text(encoding="utf-8").splitlines())


def _run(*args: str) -> tuple[int, str]:
    app = typer.Typer()
    app.command()(batch_command)
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_a_batch_with_one_request_in_five_failing_completes_every_article_once(tmp_path: Path) -> None:
    expected = _articles(tmp_path / "in", 20)
    out = tmp_path / "briefs.jsonl"
    with fake_openai_batch(transient_every=5) as srv:
        code, output = _run(str(tmp_path / "in"), "-o", str(out), "--base-url", srv.url, "-j", "4", "--no-cache")
        faults = sum(1 for n in range(1, srv.chat_calls + 1) if n % 5 == 0)
    assert code == 0, output
    assert _sources(out) == expected  # 0 lost, 0 duplicated
    assert faults >= 4  # the faults really happened, and were retried
    assert not (tmp_path / "briefs.failed.jsonl").exists() or not (tmp_path / "briefs.failed.jsonl").read_text()
    artefacts = output + "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file()
                                 and p.suffix in {".jsonl", ".json", ".txt", ".log"})
    assert KEY not in artefacts


def test_kill_9_mid_batch_under_faults_then_a_rerun_leaves_every_brief_exactly_once(tmp_path: Path) -> None:
    expected = _articles(tmp_path / "in", 16)
    out = tmp_path / "briefs.jsonl"
    program = (
        "import typer; from summarizer.batch.command import batch_command; "
        "app = typer.Typer(); app.command()(batch_command); app()"
    )
    with fake_openai_batch(latency=0.1, transient_every=5) as srv:
        args = [str(tmp_path / "in"), "-o", str(out), "--base-url", srv.url, "-j", "2", "-q", "--no-cache"]
        process = subprocess.Popen([sys.executable, "-c", program, *args], cwd=ROOT, env=os.environ.copy())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 3):
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert 3 <= out.read_bytes().count(b"\n") < 16
        code, output = _run(*args)
    assert code == 0, output
    assert _sources(out) == expected
    assert KEY not in out.read_text(encoding="utf-8")
