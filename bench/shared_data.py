"""Where the benchmarks find the shared evaluation data: ``../shared`` beside the project root.

One place for the path, so no script carries a machine's absolute path.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
POLNEAR_DEV = SHARED / "eval" / "polnear-dev" / "polnear-dev.jsonl"
GIVEME_DEV = SHARED / "eval" / "giveme5w1h-dev"
SAMPLE_ARTICLE = SHARED / "articles" / "us-strikes-iraq-syria-2024-02-02.txt"
