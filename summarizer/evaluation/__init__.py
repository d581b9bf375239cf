"""Measuring brief quality against human 5W1H gold annotations (``brief eval``).

>>> from summarizer.evaluation import evaluate, load_dataset                       # doctest: +SKIP
>>> report = evaluate(load_dataset("shared/eval/giveme5w1h-dev", limit=5), settings)  # doctest: +SKIP
>>> report["overall"]                                                               # doctest: +SKIP
{'precision': ..., 'precision_first_four': ...}

The scoring rules are in :mod:`.scoring` and :mod:`.matching`; ``docs/eval.md`` explains them.
Names are imported on first use, so registering the ``brief eval`` command stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "evaluate": "scorecard",
    "GoldAnswer": "loader",
    "GoldArticle": "loader",
    "load_dataset": "loader",
    "build_report": "scoring",
    "score_question": "scoring",
}

if TYPE_CHECKING:
    from .loader import GoldAnswer, GoldArticle, load_dataset
    from .scorecard import evaluate
    from .scoring import build_report, score_question

__all__ = ["GoldAnswer", "GoldArticle", "build_report", "evaluate", "load_dataset", "score_question"]


__getattr__ = lazy_exports(__name__, _EXPORTS)
