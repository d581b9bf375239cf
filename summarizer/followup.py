"""The rest of the story: one short follow-up question when a first answer leaves much of the article out.

A 1.5 B model writes about the top of an article and stops (on the sample: the strikes, not Blinken's
trip, the truce proposal, Hamas's and Qatar's statements). Coverage is measured in code
(``coverage.py``); when it is below :data:`FOLLOW_UP_BELOW`, or when no ``what`` item is a sentence,
the model is asked once more (``prompts/rest.md``) about the paragraphs left out: the heaviest sentence of
each (most names, numbers and quotes), heaviest paragraphs first. The model's context still holds the
instructions and the article, so the question quotes only each sentence's opening words, as data: on the
embedded model ~160 tokens are read instead of ~255 for whole sentences or ~410 for whole paragraphs
(~0.6 s and ~1.6 s on 2 cores: issue #15). A question without the article (read faster, written beside
a shorter context) lost who did what: "He" as an actor, a spokesman's report of Hamas's answer as his
own. Its events, actors and places are checked like the first answer's and added after them.
"""

from __future__ import annotations

from .answer import actor_drafts
from .coverage import Paragraph, heaviest_sentence
from .datablock import neutralise_tags
from .grounding.check import Grounded, ground_more
from .grounding.index import ArticleIndex
from .prompts import load_prompt
from .quality import is_fragment
from .schema import BriefDraft, RestAnswer

FOLLOW_UP_BELOW = 0.75  # coverage under which the rest of the story is asked for
MIN_WEIGHT = 2  # a left-out paragraph of no name, number or quote (weight 1) is not worth a question
EXCERPT_CHARS = 700  # the heaviest sentences of the heaviest left-out paragraphs up to this many characters
OPENING_WORDS = 10  # of each, quoted: enough to find it in the article, which the model has just read



def rest_of_story(
    messages: list[dict[str, str]],
    draft: BriefDraft,
    coverage: float | None,
    left_out: list[Paragraph],
    index: ArticleIndex,
) -> list[dict[str, str]] | None:
    """The follow-up's messages, or None when the first answer covers enough (``left_out``: the
    paragraphs no brief item is grounded in)."""
    sentences = [item for item in draft.what if not is_fragment(item)]
    if (coverage is None or coverage >= FOLLOW_UP_BELOW) and sentences:
        return None
    heavy = sorted((p for p in left_out if p.weight >= MIN_WEIGHT), key=lambda p: -p.weight)
    chosen: list[tuple[int, int]] = []
    used = 0
    for paragraph in heavy:
        start, end = heaviest_sentence(index, paragraph)
        if used + (end - start) > EXCERPT_CHARS and chosen:
            continue  # a shorter sentence of a lighter paragraph may still fit
        chosen.append((start, end))
        used += end - start
    if not chosen:
        return None
    excerpt = "\n".join(" ".join(index.text[a:b].split()[:OPENING_WORDS]) + " …" for a, b in sorted(chosen))
    question = load_prompt("rest").render(excerpt=neutralise_tags(excerpt)).strip()
    return [*messages, {"role": "user", "content": question}]


def add_rest(answer: RestAnswer, draft: BriefDraft, grounded: Grounded, index: ArticleIndex) -> None:
    """The follow-up's items after the first answer's; its sentences replace the first answer's fragments."""
    new = [item for item in answer.what if item.strip() and not is_fragment(item)]
    kept = [item for item in draft.what if not is_fragment(item)] if new else list(draft.what)
    seen = {item.casefold() for item in kept}
    draft.what = kept + [item for item in new if item.casefold() not in seen]
    ground_more(index, actor_drafts(answer.who), list(answer.where), grounded)


__all__ = ["EXCERPT_CHARS", "FOLLOW_UP_BELOW", "OPENING_WORDS", "add_rest", "rest_of_story"]
