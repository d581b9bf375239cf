"""`brief eval` reports of the recorded briefs, replayed through this checkout's code (no model; needs ``vcrpy``).

Writes ``OUT/giveme5w1h-recorded.json`` (the ten recorded Giveme5W1H dev briefs, as
``tests/test_eval_replay.py`` scores them) and ``OUT/polnear-recorded.json`` (the four recorded PolNeAR
dev briefs of ``tests/test_eval_attribution.py``), both in ``brief eval --json``'s format, so that a
change of code can be compared before/after with no model time:

    git stash; python bench/replayed_eval.py /tmp/before; git stash pop
    python bench/replayed_eval.py /tmp/after
    brief eval --compare /tmp/before/giveme5w1h-recorded.json /tmp/after/giveme5w1h-recorded.json
    brief eval --compare /tmp/before/polnear-recorded.json /tmp/after/polnear-recorded.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from recorded_briefs import CASSETTES, FIXTURES, RECORDED_MODEL, one_brief, polnear_briefs

from summarizer.evaluation.attribution import attribution_report
from summarizer.evaluation.loader import load_dataset
from summarizer.evaluation.runner import ArticleRun
from summarizer.evaluation.scoring import build_report


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("runs/replayed")
    out.mkdir(parents=True, exist_ok=True)
    from test_eval_replay import FROM_TEST_REPLAY, RECORDED

    settings = {"model": RECORDED_MODEL, "mode": "tools", "replayed": True}
    runs = []
    for folder, names, name_of in (
        ("test_eval_replay", RECORDED, "test_recorded_brief[{}].yaml"),
        ("test_replay", FROM_TEST_REPLAY, "test_replayed_brief_is_valid_and_grounded[{}].yaml"),
    ):
        for name, prefix in names.items():
            [article] = load_dataset(FIXTURES / "articles" / "giveme5w1h", ids=[prefix])
            brief = one_brief(CASSETTES / folder / name_of.format(name), article)
            runs.append(ArticleRun(article, brief, error=None if brief else "the replay failed"))
    report = build_report(runs, dataset="fixtures/articles/giveme5w1h", settings=settings)
    (out / "giveme5w1h-recorded.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    runs = [ArticleRun(article, brief) for article, brief in polnear_briefs()]
    report = attribution_report(runs, dataset="polnear-dev-sample", settings=settings)
    (out / "polnear-recorded.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    print(f"written: {out}/giveme5w1h-recorded.json, {out}/polnear-recorded.json")


if __name__ == "__main__":
    main()
