"""From the model's draft to a ``Brief``: grounded items, warnings and faithfulness in ``meta``."""

from __future__ import annotations

from .grounding.check import Grounded
from .schema import Brief, BriefDraft, Meta


def finish_brief(draft: BriefDraft, grounded: Grounded, meta: Meta) -> Brief:
    return Brief(
        headline=draft.headline.strip(),
        summary=draft.summary.strip(),
        who=grounded.who,
        what=[item.strip() for item in draft.what if item.strip()],
        where=grounded.where,
        when=grounded.when,
        positions=grounded.positions,
        open_questions=[q.strip() for q in draft.open_questions if q.strip()],
        meta=meta.model_copy(update={"faithfulness": grounded.faithfulness, "warnings": grounded.warnings}),
    )
