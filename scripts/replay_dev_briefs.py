"""Write the Giveme5W1H dev briefs that the repository's cassettes recorded, as JSONL (no model).

The cassettes under ``fixtures/cassettes/test_eval_replay`` and ``test_replay`` hold real exchanges with
the embedded model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, mode tools, prompt v3) for ten dev articles
(tests/test_eval_replay.py lists them). Replaying them through ``Summarizer`` gives those ten briefs back;
this writes one line per article, ``{id, category, published, seconds, error, brief, recorded_by}``,
the format of the dev recording, so ``brief eval --events`` and ``brief event --briefs`` can use them.

    python scripts/replay_dev_briefs.py OUT.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import vcr

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the tests import conftest by its bare name

from summarizer.evaluation.loader import load_dataset  # noqa: E402
from summarizer.pipeline import Summarizer  # noqa: E402
from summarizer.settings import Settings  # noqa: E402
from tests.conftest import FAKE_KEY, RECORD_BASE_URL, RECORDED_MODEL  # noqa: E402
from tests.test_eval_replay import CASSETTES, DATASET, FROM_TEST_REPLAY, RECORDED, REPLAY_CASSETTES  # noqa: E402


def main(out: Path) -> None:
    settings = Settings(base_url=RECORD_BASE_URL, api_key=FAKE_KEY, model=RECORDED_MODEL, mode="tools",
                        max_retries=1, timeout=900.0, deadline=3600.0)
    player = vcr.VCR(record_mode="none", match_on=["method", "scheme", "host", "port", "path", "body"],
                     decode_compressed_response=True)
    cassettes = {prefix: CASSETTES / f"test_recorded_brief[{name}].yaml" for name, prefix in RECORDED.items()}
    cassettes |= {prefix: REPLAY_CASSETTES / f"test_replayed_brief_is_valid_and_grounded[{name}].yaml"
                  for name, prefix in FROM_TEST_REPLAY.items()}
    with out.open("w", encoding="utf-8") as handle:
        for prefix, cassette in cassettes.items():
            [article] = load_dataset(DATASET, ids=[prefix])
            with player.use_cassette(str(cassette)), Summarizer(settings) as writer:
                brief = writer.summarize(article.text, published=article.published, source=article.id)
            row = {"id": article.id, "category": article.category, "published": article.published,
                   "seconds": brief.meta.seconds, "error": None, "brief": brief.model_dump(mode="json"),
                   "recorded_by": f"replayed from {cassette.relative_to(ROOT)}"}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(article.id[:10], article.category, len(brief.who), "who", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
