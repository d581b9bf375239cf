"""No secret leaves the process except where it is sent: the key in its header, the webhook URL to its host.

Runs `brief` with -v and every log record captured at DEBUG, through retries and failures, and
greps every artefact a run produces: stdout, stderr, log text (tracebacks included), the JSON
brief and its meta, chat payloads, and every file written. Also greps the recorded cassettes.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from chat_receiver import ChatReceiver
from conftest import FIXTURES, SAMPLE
from fake_openai import FAULTS, Reply, fake_openai, recorded_ok, recorded_repair
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.settings import Settings

KEY = "sk-proj-LEAKCHECK-key-0123456789abcdef"
URL_PASSWORD = "url-password-LEAKCHECK-42"
URL_QUERY_KEY = "query-key-LEAKCHECK-77"
runner = CliRunner()


def _secrets(*extra: str) -> list[str]:
    return [KEY, URL_PASSWORD, URL_QUERY_KEY, "LEAKCHECK", *extra]


def _with_credentials(url: str) -> str:
    """A base URL that carries credentials itself, as proxies and some hosted endpoints want."""
    return url.replace("http://", f"http://brief:{URL_PASSWORD}@") + f"?api-key={URL_QUERY_KEY}"


def _assert_clean(artefacts: dict[str, str], secrets: list[str]) -> None:
    for name, text in artefacts.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked into {name}"
        assert "Bearer " not in text, f"an Authorization header leaked into {name}"


def _log_text(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


def _files(root: Path) -> dict[str, str]:
    return {str(p): p.read_text(encoding="utf-8", errors="replace") for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)  # every logger, every level: openai and httpx log requests at DEBUG
    return caplog


def test_a_brief_through_retries_leaks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_logs: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    script = [
        FAULTS.rate_limited("0"),
        FAULTS.server_error(500, retry_after="0"),
        FAULTS.fabricated_quotes(),  # forces the repair call, so both questions are asked
        recorded_repair(),
    ]
    with fake_openai(script) as srv:
        result = runner.invoke(
            app, [str(SAMPLE), "--base-url", _with_credentials(srv.url), "--format", "json", "--mode", "tools", "-v"]
        )
    assert result.exit_code == 0, result.stderr
    brief = json.loads(result.stdout)
    assert brief["meta"]["endpoint"].startswith("127.0.0.1:") and len(srv.requests) == 4
    _assert_clean(
        {
            "stdout": result.stdout,
            "stderr": result.stderr,
            "logs": _log_text(debug_logs),
            "meta": json.dumps(brief["meta"]),
            **_files(tmp_path),
        },
        _secrets(),
    )
    assert not any(KEY in json.dumps(r["json"]) for r in srv.requests)  # never in a request body


@pytest.mark.parametrize(
    "reply",
    [
        FAULTS.server_error(503, retry_after="0"),
        Reply(400, {"error": {"message": f"Invalid request: the key {KEY} is not allowed"}}, name="400 echoing key"),
        Reply(401, {"error": {"message": f"Incorrect API key provided: {KEY}"}}, name="401 echoing key"),
    ],
    ids=lambda r: r.name,
)
def test_a_failed_brief_leaks_nothing_even_with_a_traceback(
    reply: Reply, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_logs: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with fake_openai([reply] * 4) as srv:
        result = runner.invoke(app, [str(SAMPLE), "--base-url", _with_credentials(srv.url), "--mode", "tools", "-v"])
    assert result.exit_code == 1 and "Traceback" in result.stderr  # -v shows one
    _assert_clean({"stdout": result.stdout, "stderr": result.stderr, "logs": _log_text(debug_logs)}, _secrets())


def test_posting_to_chat_leaks_neither_key_nor_webhook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_logs: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with fake_openai([FAULTS.rate_limited("0"), recorded_ok()]) as srv, ChatReceiver("slack") as hook:
        result = runner.invoke(
            app, [str(SAMPLE), "--base-url", srv.url, "--mode", "tools", "--post", "slack", "--webhook", hook.url, "-v"]
        )
    assert result.exit_code == 0, result.stderr
    assert len(hook.accepted) == 1
    # The key went where it belongs, and only there.
    headers = [{k.lower(): v for k, v in r["headers"].items()} for r in srv.requests]
    assert all(h["authorization"] == f"Bearer {KEY}" for h in headers)
    assert not any(KEY in json.dumps(r["json"]) for r in srv.requests)
    _assert_clean(
        {
            "stdout": result.stdout,
            "stderr": result.stderr,
            "logs": _log_text(debug_logs),
            "chat payload": json.dumps(hook.accepted[0]),
            **_files(tmp_path),
        },
        _secrets(hook.secret, hook.url, "sEcReTtOkEn"),
    )


def test_watch_leaks_nothing_into_its_state_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_logs: pytest.LogCaptureFixture
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "story.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    with fake_openai([recorded_ok()]) as srv, ChatReceiver("slack") as hook:
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", _with_credentials(srv.url))
        monkeypatch.setenv("BRIEF_MODE", "tools")
        monkeypatch.setenv("BRIEF_WEBHOOK_URL", hook.url)
        result = runner.invoke(app, ["watch", str(inbox), "--post", "slack", "--once", "--settle", "0", "-v"])
    assert result.exit_code == 0, result.stderr
    files = _files(tmp_path)
    assert any(name.endswith(".brief-watch.json") for name in files)
    _assert_clean(
        {"stdout": result.stdout, "stderr": result.stderr, "logs": _log_text(debug_logs), **files},
        _secrets(hook.secret, "sEcReTtOkEn"),
    )


def test_the_real_command_with_v_logs_no_secret(tmp_path: Path) -> None:
    """In a subprocess, -v's real handler writes httpx's request lines (full URLs) to stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "BRIEF_"))}
    with fake_openai([FAULTS.rate_limited("0"), recorded_ok()]) as srv:
        env |= {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": _with_credentials(srv.url), "BRIEF_MODE": "tools",
                "BRIEF_PROMPT": "brief-v3"}
        code = "from summarizer.cli import main; main()"
        result = subprocess.run(
            [sys.executable, "-c", code, str(SAMPLE), "--format", "json", "-v"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    assert "HTTP Request: POST" in result.stderr  # the request lines are there, scrubbed
    _assert_clean({"stdout": result.stdout, "stderr": result.stderr, **_files(tmp_path)}, _secrets())


def test_a_failure_without_v_is_exactly_one_line(tmp_path: Path) -> None:
    """Library loggers (instructor logs each failed call at ERROR) must not reach stderr through logging's
    last-resort handler: the error line is the only line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "BRIEF_"))}
    with fake_openai([FAULTS.server_error(500, retry_after="0")] * 4) as srv:
        env |= {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": srv.url, "BRIEF_MODE": "tools", "BRIEF_PROMPT": "brief-v3"}
        result = subprocess.run(
            [sys.executable, "-c", "from summarizer.cli import main; main()", str(SAMPLE), "-q"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("brief: "), result.stderr
    assert KEY not in result.stderr


def test_settings_never_show_the_key() -> None:
    settings = Settings(base_url=_with_credentials("http://127.0.0.1:1/v1"), api_key=KEY)
    assert KEY not in repr(settings) and KEY not in str(settings)
    assert URL_PASSWORD not in settings.endpoint_label


_KEY_SHAPED = re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{6,}")
_CREDENTIAL_HEADERS = {"authorization", "api-key", "x-api-key", "cookie", "set-cookie", "openai-organization"}


def test_cassettes_hold_no_credentials() -> None:
    cassettes = sorted((FIXTURES / "cassettes").rglob("*.yaml"))
    assert cassettes
    for cassette in cassettes:
        raw = cassette.read_text(encoding="utf-8")
        assert not _KEY_SHAPED.search(raw), f"a key-shaped string in {cassette.name}"
        assert "Bearer" not in raw, cassette.name
        for interaction in yaml.safe_load(raw)["interactions"]:
            for part in ("request", "response"):
                headers = {h.lower() for h in interaction[part].get("headers") or {}}
                assert not headers & _CREDENTIAL_HEADERS, f"{headers & _CREDENTIAL_HEADERS} in {cassette.name}"
