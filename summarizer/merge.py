"""A long article, briefed in parts and merged into one brief.

Each part (``chunking.split_article``) is briefed by the same flow as a short article, grounded
against its own text, then its spans are shifted by the part's start: every span is an offset
into the *whole* article, and grounding stays linear in the article's length. Then:

* actors are de-duplicated by name and alias (``same_actor``: "Kirby" ~ "John Kirby", "US" ~
  "United States"), keeping the fuller name and all evidence;
* places by name, dates by mention and resolved date, with all their evidence;
* every grounded position is kept, except the same span twice (parts overlap) or the same
  speaker saying the same words twice;
* one extra small call writes the headline and summary from the parts' own (optional: if it
  fails, the first part's lead is kept, with a warning).

Cost: one brief call per part (plus its own bounded repair), plus one merge call.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pydantic import BaseModel, Field

from .chunking import Part
from .flow import Conversation, Flow, Outcome, Question, one_part_flow
from .grounding.check import Grounded
from .grounding.speakers import same_actor
from .language import LanguagePlan
from .prompts import load_prompt
from .schema import Actor, BriefDraft, DateMention, Place, Position, Span

MAX_OPEN_QUESTIONS = 5


class BriefLead(BaseModel):
    """The headline and summary of a whole article, written from the briefs of its parts."""

    headline: str = Field(min_length=8, description="A factual headline of at most 15 words.")
    summary: str = Field(
        min_length=20, description="Two or three sentences: the main event, its cause and its consequence."
    )


def brief_in_parts(
    article: str,
    parts: list[Part],
    published: date | None,
    repair_calls: int,
    language: LanguagePlan | None,
    system_prompt: str = "brief",
) -> Flow:
    """Brief each part, merge the grounded parts, and ask once for the lead of the whole."""
    outcomes: list[Outcome] = []
    for number, part in enumerate(parts, 1):
        flow = one_part_flow(
            part.of(article), published, repair_calls, language=language, system_prompt=system_prompt, follow_up=False
        )
        outcome = yield from _labelled(flow, f"part {number}/{len(parts)}")
        outcomes.append(outcome)
    merged = merge_grounded([shift(o.grounded, p.start) for o, p in zip(outcomes, parts, strict=True)])
    drafts = [o.draft for o in outcomes]
    lead = yield Question(
        build_merge_messages(drafts, language), BriefLead, "merging the parts into one brief", optional=True
    )
    if not isinstance(lead, BriefLead):
        merged.warnings.append("writing one headline for the whole article failed: headline and summary are part 1's")
        lead = BriefLead(headline=drafts[0].headline, summary=drafts[0].summary)
    merge_prompt = load_prompt("merge")
    prompt = (outcomes[0].prompt[0], f"{outcomes[0].prompt[1]}+{merge_prompt.id}.{merge_prompt.version}")
    return Outcome(merged_draft(lead, drafts), merged, prompt, parts=len(parts))


def _labelled(flow: Flow, label: str) -> Flow:
    """Run a part's flow, naming the part in each question's phase ("part 2/5: reading the article…")."""
    conversation = Conversation(flow)
    step = conversation.start()
    while isinstance(step, Question):
        step = conversation.send((yield replace(step, phase=f"{label}: {step.phase}")))
    return step


def build_merge_messages(drafts: list[BriefDraft], language: LanguagePlan | None) -> list[dict[str, str]]:
    system = load_prompt("merge").template
    if language and language.instruction:
        system += "\n" + language.instruction
    blocks = []
    for number, draft in enumerate(drafts, 1):
        events = "\n".join(f"- {item}" for item in draft.what[:8])
        blocks.append(f"Part {number} headline: {draft.headline}\nPart {number} summary: {draft.summary}\n{events}")
    user = "\n\n".join(blocks) + "\n\nWrite the headline and summary of the whole article."
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def merged_draft(lead: BriefLead, drafts: list[BriefDraft]) -> BriefDraft:
    """What ``finish_brief`` reads from a draft: the lead, the events and the open questions of all parts."""
    what = _unique(item for d in drafts for item in d.what)
    rounds = max((len(d.open_questions) for d in drafts), default=0)
    questions = _unique(d.open_questions[i] for i in range(rounds) for d in drafts if i < len(d.open_questions))
    # Grounded items live in ``Grounded``; a merged draft needs no who/where/when of its own.
    return BriefDraft.model_construct(
        headline=lead.headline, summary=lead.summary, who=[], what=what, where=[], when=[], positions=[],
        open_questions=questions[:MAX_OPEN_QUESTIONS],
    )


def shift(grounded: Grounded, offset: int) -> Grounded:
    """The same grounded items, with spans moved from the part's text to the whole article's."""
    if offset == 0:
        return grounded

    def move(spans: list[Span]) -> list[Span]:
        return [Span(start=s.start + offset, end=s.end + offset) for s in spans]

    return Grounded(
        who=[a.model_copy(update={"evidence": move(a.evidence)}) for a in grounded.who],
        where=[p.model_copy(update={"evidence": move(p.evidence)}) for p in grounded.where],
        when=[d.model_copy(update={"evidence": move(d.evidence)}) for d in grounded.when],
        positions=[
            p.model_copy(
                update={
                    "quote_span": move([p.quote_span])[0] if p.quote_span else None,
                    "actor_evidence": move(p.actor_evidence),
                }
            )
            for p in grounded.positions
        ],
        warnings=list(grounded.warnings),
        failures=list(grounded.failures),
        checked=grounded.checked,
        verified=grounded.verified,
    )


def merge_grounded(parts: list[Grounded]) -> Grounded:
    """One ``Grounded`` from the parts' (already shifted into the whole article)."""
    out = Grounded(who=[], where=[], when=[], positions=[])
    for part in parts:
        out.checked += part.checked
        out.verified += part.verified
        for actor in part.who:
            _add_actor(out.who, actor)
        for place in part.where:
            _add_place(out.where, place)
        for mention in part.when:
            _add_date(out.when, mention)
        for position in part.positions:
            if not _repeats(position, out.positions):
                out.positions.append(position)
        out.warnings.extend(w for w in part.warnings if w not in out.warnings)
    out.when.sort(key=lambda d: d.evidence[0].start if d.evidence else 0)
    return out


def _spans(*groups: list[Span]) -> list[Span]:
    return sorted({span for group in groups for span in group}, key=lambda s: (s.start, s.end))


def _add_actor(kept: list[Actor], actor: Actor) -> None:
    for index, other in enumerate(kept):
        if same_actor(other.name, actor.name):
            fuller = actor if len(actor.name) > len(other.name) else other
            kept[index] = fuller.model_copy(
                update={"role": other.role or actor.role, "evidence": _spans(other.evidence, actor.evidence)}
            )
            return
    kept.append(actor)


def _add_place(kept: list[Place], place: Place) -> None:
    for index, other in enumerate(kept):
        if other.name.casefold() == place.name.casefold() or same_actor(other.name, place.name):
            kept[index] = other.model_copy(update={"evidence": _spans(other.evidence, place.evidence)})
            return
    kept.append(place)


def _add_date(kept: list[DateMention], mention: DateMention) -> None:
    key = (" ".join(mention.mention.casefold().split()), mention.date, mention.end)
    for index, other in enumerate(kept):
        if (" ".join(other.mention.casefold().split()), other.date, other.end) == key:
            kept[index] = other.model_copy(update={"evidence": _spans(other.evidence, mention.evidence)})
            return
    kept.append(mention)


def _repeats(position: Position, kept: list[Position]) -> bool:
    for other in kept:
        if position.quote_span is not None and other.quote_span == position.quote_span:
            return True  # the overlap between two parts
        if not same_actor(other.actor, position.actor):
            continue
        if position.quote and other.quote and _words(position.quote) == _words(other.quote):
            return True
        if not position.quote and not other.quote and _words(position.stance) == _words(other.stance):
            return True
    return False


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


def _unique(items: object) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:  # type: ignore[attr-defined]
        key = _words(item)
        if item.strip() and key not in seen:
            seen.add(key)
            out.append(item.strip())
    return out
