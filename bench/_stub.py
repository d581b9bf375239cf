"""Starting and stopping ``openai_stub.py`` in its own process, for the batch benchmarks."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent


@contextmanager
def stub(latency: float = 0.0) -> Iterator[str]:
    """The stub's base URL while it runs."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "openai_stub.py"), "--latency", str(latency)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().split()[1])
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        process.wait(timeout=10)


def served(base_url: str) -> int:
    """Chat requests the stub has answered so far."""
    with urllib.request.urlopen(base_url.removesuffix("/v1") + "/stats", timeout=5) as response:
        return int(json.load(response)["chat_requests"])
