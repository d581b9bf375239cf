"""What the model is given beside the article, and how its answer becomes the draft grounding reads.

Code finds what code finds better than a 1.5 B model: every quoted passage and its speaker, every
name. The *fact sheet* hands the model those findings in two lines (the names in order, the quoted
speakers), so it spends its words on what needs reading: the
headline, the summary, the main events as sentences, which actors and places matter, each speaker's
stance, open questions (``schema.BriefAnswer``).

``to_draft`` turns the answer into the ``BriefDraft`` that grounding, merging and finishing read:
stances become quote-less positions, and grounding gives each the speaker's own quoted words
(``grounding.check.complete_from_article``).
"""

from __future__ import annotations

from collections import Counter

from .grounding.check import quoted_passages
from .grounding.index import ArticleIndex
from .grounding.speakers import same_actor
from .schema import ActorDraft, BriefAnswer, BriefDraft, DateMentionDraft, PositionDraft, Who

MAX_SPEAKERS = 8  # a fact sheet line, not a list of everyone: the most quoted first
MAX_NAMES = 16


def quoted_speakers(index: ArticleIndex) -> list[str]:
    """Speakers of the article's quoted passages, most quoted first, each once (however spelled)."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for passage in quoted_passages(index):
        if not passage.speaker:
            continue
        name = next((n for n in counts if same_actor(n, passage.speaker)), passage.speaker)
        counts[name] += 1
        first.setdefault(name, passage.span.start)
    return sorted(counts, key=lambda n: (-counts[n], first[n]))[:MAX_SPEAKERS]


def article_names(index: ArticleIndex) -> list[str]:
    """Capitalised names in article order, each once (a surname after its full name is the same one)."""
    out: list[str] = []
    for _, name in index.name_runs:
        if not any(same_actor(name, seen) or name in seen for seen in out):
            out.append(name)
    return out[:MAX_NAMES]


def fact_sheet(index: ArticleIndex) -> str:
    """The lines the model reads before the article; empty lines are left out."""
    lines = []
    names = article_names(index)
    if names:
        lines.append("Names, in order: " + "; ".join(names))
    speakers = quoted_speakers(index)
    if speakers:
        lines.append("Quoted speakers: " + "; ".join(speakers))
    return "\n".join(lines)


def actor_drafts(who: list[Who]) -> list[ActorDraft]:
    """The model's actors as the grounding reads them (a first answer's or a follow-up's)."""
    return [ActorDraft.model_construct(name=w.name, kind=w.kind, role=w.role) for w in who]


def to_draft(answer: BriefAnswer) -> BriefDraft:
    """The draft grounding reads; date mentions get their event from the article's sentence later."""
    return BriefDraft.model_construct(
        headline=answer.headline,
        summary=answer.summary,
        who=actor_drafts(answer.who),
        what=list(answer.what),
        where=list(answer.where),
        when=[DateMentionDraft.model_construct(mention=m, event="") for m in answer.when],
        positions=[PositionDraft.model_construct(actor=s.speaker, stance=s.stance, quote=None) for s in answer.stances],
        open_questions=list(answer.questions),
    )


__all__ = ["actor_drafts", "fact_sheet", "quoted_speakers", "to_draft"]
