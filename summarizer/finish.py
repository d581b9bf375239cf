"""From the model's draft to a ``Brief``: grounded items, warnings, faithfulness and free-text flags in ``meta``."""

from __future__ import annotations

from .freetext import check_free_text
from .grounding.check import Grounded
from .grounding.index import as_index
from .quality import mark_quoted_words
from .schema import Brief, BriefDraft, Meta


def finish_brief(draft: BriefDraft, grounded: Grounded, meta: Meta, article: str) -> Brief:
    """The brief, with its free text (the model's own words) checked against ``article``: every flag is
    also a warning, so no reader sees flagged text presented as checked."""
    index = as_index(article)
    what = list(dict.fromkeys(item.strip() for item in draft.what if item.strip()))  # a small model repeats itself
    brief = Brief(
        headline=draft.headline.strip(),
        summary=mark_quoted_words(index, draft.summary.strip()),
        who=grounded.who,
        what=[mark_quoted_words(index, item) for item in what],
        where=grounded.where,
        when=grounded.when,
        positions=grounded.positions,
        open_questions=[q.strip() for q in draft.open_questions if q.strip()],
        meta=meta,
    )
    translated = bool(meta.brief_language) and meta.brief_language != meta.language
    checked = check_free_text(free_text_items(brief), article, published=meta.published, translated=translated)
    brief.meta = meta.model_copy(
        update={
            "faithfulness": grounded.faithfulness,
            "warnings": grounded.warnings + checked.flags,
            "flags": checked.flags,
            "free_text_support": checked.support,
        }
    )
    return brief


def free_text_items(brief: Brief) -> list[tuple[str, str]]:
    """Every free-text field of a brief, named as a reader finds it ("what 2", "stance of Kirby")."""
    items = [("headline", brief.headline), ("summary", brief.summary)]
    items += [(f"what {n}", text) for n, text in enumerate(brief.what, 1)]
    items += [(f"stance of {p.actor}", p.stance) for p in brief.positions]
    items += [(f"open question {n}", text) for n, text in enumerate(brief.open_questions, 1)]
    return items
