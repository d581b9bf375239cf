"""The recorded model briefs of the test suite, replayed through today's code (no model, needs ``vcrpy``).

``replayed()`` yields ``(name, article text, brief)`` for every recorded real-model brief in English:
the five of ``tests/test_replay.py`` (the sample and four Giveme5W1H dev articles), the six more of
``tests/test_eval_replay.py`` and the four PolNeAR dev articles of ``tests/test_eval_attribution.py``.
Benches that measure a check of briefs (``free_text_checks.py``, ``quote_positions.py``) read them here.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import FAKE_KEY, FIXTURES, RECORD_BASE_URL, RECORDED_MODEL, SAMPLE  # noqa: E402

from summarizer.evaluation.attribution import load_polnear  # noqa: E402
from summarizer.evaluation.loader import load_dataset  # noqa: E402
from summarizer.evaluation.runner import brief_articles  # noqa: E402
from summarizer.schema import Brief  # noqa: E402
from summarizer.settings import Settings  # noqa: E402

CASSETTES = FIXTURES / "cassettes"
POLNEAR_SAMPLE = FIXTURES / "articles" / "polnear" / "polnear-dev-sample.jsonl"


def _recorder() -> Any:
    import vcr  # type: ignore[import-untyped]

    return vcr.VCR(match_on=["method", "scheme", "host", "port", "path", "body"], record_mode="none",
                   decode_compressed_response=True)


def _settings() -> Settings:
    return Settings(base_url=RECORD_BASE_URL, api_key=FAKE_KEY, model=RECORDED_MODEL, mode="tools",
                    max_retries=1, timeout=900.0, deadline=3600.0)


def one_brief(cassette: Path, article: Any) -> Brief | None:
    """The brief of ``article`` replayed from ``cassette`` (None when the replay fails)."""
    with _recorder().use_cassette(str(cassette)):
        [run] = brief_articles([article], _settings())
    return run.brief


def polnear_briefs() -> Iterator[tuple[Any, Brief]]:
    """``(AttributedArticle, brief)`` of the four recorded PolNeAR briefs."""
    from test_eval_attribution import RECORDED

    for name, article_id in RECORDED.items():
        [article] = load_polnear(POLNEAR_SAMPLE, ids=[article_id])
        brief = one_brief(CASSETTES / "test_eval_attribution" / f"test_recorded_brief[{name}].yaml", article)
        if brief is not None:
            yield article, brief


def replayed() -> Iterator[tuple[str, str, Brief]]:
    """Every recorded English brief: ``(name, article text, brief)``."""
    from test_eval_replay import FROM_TEST_REPLAY, RECORDED

    from summarizer.pipeline import Summarizer

    sample = CASSETTES / "test_replay" / "test_replayed_brief_is_valid_and_grounded[sample].yaml"
    with _recorder().use_cassette(str(sample)):
        text = SAMPLE.read_text(encoding="utf-8")
        yield "sample", text, Summarizer(_settings()).summarize(text, published="2024-02-02", source="sample")
    dataset = FIXTURES / "articles" / "giveme5w1h"
    for folder, names in (("test_replay", FROM_TEST_REPLAY), ("test_eval_replay", RECORDED)):
        for name, prefix in names.items():
            [article] = load_dataset(dataset, ids=[prefix])
            cassette = (f"test_replayed_brief_is_valid_and_grounded[{name}].yaml" if folder == "test_replay"
                        else f"test_recorded_brief[{name}].yaml")
            brief = one_brief(CASSETTES / folder / cassette, article)
            if brief is not None:
                yield name, article.text, brief
    for article, brief in polnear_briefs():
        yield article.id, article.text, brief
