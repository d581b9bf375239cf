"""From the model's draft to a ``Brief``: grounded items, warnings and faithfulness in ``meta``."""

from __future__ import annotations

from typing import Any

from .grounding.check import Grounded
from .schema import Brief, BriefDraft, Meta


def finish_brief(draft: BriefDraft, grounded: Grounded, meta: dict[str, Any]) -> Brief:
    return Brief(
        headline=draft.headline.strip(),
        summary=draft.summary.strip(),
        who=grounded.who,
        what=[item.strip() for item in draft.what if item.strip()],
        where=grounded.where,
        when=grounded.when,
        positions=grounded.positions,
        open_questions=[q.strip() for q in draft.open_questions if q.strip()],
        meta=Meta(**meta, faithfulness=grounded.faithfulness, warnings=grounded.warnings),
    )
