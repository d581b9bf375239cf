"""Checking a model's draft against the article: the step that makes a brief trustworthy.

Deterministic repairs only — no model call happens here:

* quotes are located (exact → normalised → bounded fuzzy) and snapped to the article's
  exact words; a quote is *verified* only when it lies inside quotation marks;
* a verified quote's actor must be its speaker in the article; a mismatch is re-attributed
  to the real speaker when the attribution is unambiguous;
* names and places not found in the article are dropped, with a warning;
* date mentions are located and resolved against the publication date, and mentions the
  model missed are added from the article.

Every check reads the article's ``ArticleIndex`` (``index.py``): built once per brief, so
quoted regions, sentences, names and date mentions are found once, not once per check.

What cannot be repaired is returned as ``failures`` so the caller can make one targeted
re-ask for just those items (see ``repair.py``), then give up on them with warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..dates import resolve_mention
from ..schema import Actor, ActorDraft, BriefDraft, DateMention, DateMentionDraft, Place, Position, Span
from .index import ArticleIndex, as_index
from .spans import find_all, find_quote, inside_quotation_marks
from .speakers import attribution_of, same_actor, speaker_of


@dataclass(frozen=True)
class QuoteFailure:
    """A position whose quote could not be verified, and why (in words the model can act on)."""

    index: int
    actor: str
    quote: str
    reason: str


@dataclass
class Grounded:
    who: list[Actor]
    where: list[Place]
    when: list[DateMention]
    positions: list[Position]
    warnings: list[str] = field(default_factory=list)
    failures: list[QuoteFailure] = field(default_factory=list)
    checked: int = 0  # quotes and names the model gave
    verified: int = 0  # of those, found in the article as given (after snapping)

    @property
    def faithfulness(self) -> float | None:
        return round(self.verified / self.checked, 3) if self.checked else None


# Short forms a model writes for names an article spells out.
_ALIASES = (("US", "United States"), ("U.S.", "United States"), ("UK", "United Kingdom"), ("UN", "United Nations"))


def locate_name(article: str | ArticleIndex, name: str, *, surname: bool = True) -> list[Span]:
    """Where a name, or a shorter form of it that the article uses, occurs.

    ``surname``: a person named in full may be found by the last word alone ("Kirby"); not a place,
    where the last word of a phrase ("South Lawn" of "private drive to the South Lawn") is another place.
    """
    name = name.strip()
    if not name:
        return []
    spans = find_all(article, name)
    if spans:
        return spans
    bare = re.sub(r"^(the|a|an)\s+", "", name, flags=re.I)
    if bare != name and (spans := find_all(article, bare)):
        return spans
    for short, full in _ALIASES:
        if re.search(rf"\b{re.escape(short)}\b", bare) and (spans := find_all(article, bare.replace(short, full))):
            return spans
    words = bare.split()
    if surname and len(words) > 1 and len(words[-1]) > 3 and words[-1][:1].isupper():
        return find_all(article, words[-1])  # a surname: "Kirby" for "John Kirby"
    return []


def _ground_actors(article: ArticleIndex, actors: list[ActorDraft], out: Grounded) -> None:
    for draft in actors:
        out.checked += 1
        evidence = locate_name(article, draft.name)
        if not evidence and draft.role:
            evidence = find_all(article, draft.role)
        if not evidence:
            out.warnings.append(f"dropped {draft.name!r} from who: not found in the article")
            continue
        out.verified += 1
        if any(same_actor(draft.name, kept.name) for kept in out.who):
            continue
        out.who.append(Actor(**draft.model_dump(), evidence=evidence))


def _ground_places(article: ArticleIndex, places: list[str], out: Grounded) -> None:
    for name in places:
        out.checked += 1
        evidence = locate_name(article, name, surname=False)
        if not evidence:
            out.warnings.append(f"dropped {name!r} from where: not found in the article")
            continue
        out.verified += 1
        if all(kept.name.casefold() != name.casefold() for kept in out.where):
            out.where.append(Place(name=name, evidence=evidence))


def sentence_around(article: str, start: int, end: int, limit: int = 90) -> str:
    left = max(article.rfind(".", 0, start), article.rfind("\n", 0, start)) + 1
    right_stop = [i for i in (article.find(".", end), article.find("\n", end)) if i != -1]
    right = min(right_stop) if right_stop else len(article)
    # A sentence that follows a quote starts after its closing mark: “…take.” However, …
    sentence = " ".join(article[left:right].split()).lstrip("”’\"' ")
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def _dated(mention: str, span: Span, event: str, published: date | None) -> DateMention:
    resolved = resolve_mention(mention, published)
    return DateMention(
        mention=mention,
        event=event,
        evidence=[span],
        date=resolved.start.isoformat() if resolved.start else None,
        end=resolved.end.isoformat() if resolved.end and resolved.end != resolved.start else None,
        resolved=resolved.resolved,
        note=resolved.note,
    )


def _merge_same_dates(mentions: list[DateMention]) -> list[DateMention]:
    """One entry per mention and date ("this Friday" three times is one date with three spans)."""
    merged: dict[tuple[str, str | None, str | None], DateMention] = {}
    for item in sorted(mentions, key=lambda d: d.evidence[0].start):
        key = (" ".join(item.mention.casefold().split()), item.date, item.end)
        if key in merged:
            merged[key].evidence.extend(item.evidence)
        else:
            merged[key] = item
    return list(merged.values())


_CAPS_WORD = re.compile(r"[A-Z][A-Z&.]+")


def _in_a_masthead(article: str, span: Span) -> bool:
    """A date word in capitals beside another word in capitals is a name ("USA TODAY"), not a date."""
    text = span.of(article)
    if not text.isupper():
        return False
    before = article[max(0, span.start - 20) : span.start].split()
    after = article[span.end : span.end + 20].split()
    return any(_CAPS_WORD.fullmatch(w.strip(",;:()")) for w in (before[-1:] + after[:1]))


def _ground_dates(
    index: ArticleIndex, drafts: list[DateMentionDraft], published: date | None, out: Grounded
) -> None:
    article = index.text
    found = [f for f in (Span(start=s, end=e) for s, e in index.date_mentions) if not _in_a_masthead(article, f)]
    taken: set[Span] = set()
    dated: list[DateMention] = []
    for draft in drafts:
        located = find_all(index, draft.mention)
        spans = [s for s in located if not _in_a_masthead(article, s)]
        if not spans:
            why = "part of a name in capitals" if located else "those words are not in the article"
            out.warnings.append(f"dropped date {draft.mention!r}: {why}")
            continue
        span = next((s for s in spans if s not in taken), spans[0])
        # Prefer the article's fuller mention that contains the model's ("this Friday (2)" over "Friday").
        span = next((f for f in found if f.start <= span.start and span.end <= f.end), span)
        if span in taken:
            continue
        taken.add(span)
        # The model names the day; what happened then is the article's own sentence unless it said.
        event = draft.event or sentence_around(article, span.start, span.end)
        dated.append(_dated(span.of(article), span, event, published))
    for span in found:
        if span not in taken and not any(t.start < span.end and span.start < t.end for t in taken):
            taken.add(span)
            dated.append(_dated(span.of(article), span, sentence_around(article, span.start, span.end), published))
    out.when = _merge_same_dates(dated)
    if published is None and any(not d.resolved for d in out.when):
        out.warnings.append("no publication date given: dates without a year are left unresolved")


def check_position(
    article: str | ArticleIndex, draft: Position, out: Grounded
) -> tuple[Position, str | None]:
    """Verify one position's quote and speaker; returns the checked copy and a failure reason, if any."""
    index = as_index(article)
    position = draft.model_copy()
    position.actor_evidence = locate_name(index, position.actor)
    position.quote_verified, position.quote_span = False, None
    if not position.quote or not position.quote.strip():
        position.quote = None
        return position, None
    out.checked += 1
    match = find_quote(index, position.quote)
    if match.span is None:
        return position, "these words are not in the article"
    if not inside_quotation_marks(index, match.span):
        return position, "these are the reporter's words, not words inside quotation marks"
    snapped = match.span.of(index.text)
    if match.status == "fuzzy":
        out.warnings.append(f"quote of {position.actor} corrected to the article's exact words: “{_clip(snapped)}”")
    position.quote, position.quote_span, position.quote_verified = snapped, match.span, True
    speaker = speaker_of(index, match.span)
    if speaker and not same_actor(speaker, position.actor):
        out.warnings.append(f"quote “{_clip(snapped)}” re-attributed from {position.actor} to {speaker}")
        position.actor = speaker
        position.actor_evidence = locate_name(index, speaker)
    out.verified += 1
    return position, None


_QUOTE_MARKS = re.compile(r"[\"“”„‟«»‘‚‛‹›＂]")  # opening marks and double ones; ’ and ' are apostrophes too


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _is_duplicate(position: Position, kept: list[Position]) -> bool:
    return position.quote_span is not None and any(k.quote_span == position.quote_span for k in kept)


def ground_positions(article: str | ArticleIndex, positions: list[Position], out: Grounded) -> None:
    for draft in positions:
        position, reason = check_position(article, draft, out)
        if _is_duplicate(position, out.positions):
            continue
        if reason:
            out.failures.append(QuoteFailure(len(out.positions), position.actor, position.quote or "", reason))
        out.positions.append(position)


def apply_repairs(article: str | ArticleIndex, out: Grounded, repairs: dict[int, str | None]) -> None:
    """Re-check the failed positions with the quotes a targeted re-ask returned.

    Faithfulness keeps describing the model's first answer: a repair does not change it.
    """
    scratch = Grounded(who=[], where=[], when=[], positions=[])
    still_failing = []
    for failure in out.failures:
        new_quote = repairs.get(failure.index)
        if not new_quote:
            still_failing.append(failure)
            continue
        candidate = out.positions[failure.index].model_copy(update={"quote": new_quote})
        position, reason = check_position(article, candidate, scratch)
        others = [p for i, p in enumerate(out.positions) if i != failure.index]
        if reason is None and not _is_duplicate(position, others):
            out.positions[failure.index] = position
            out.warnings.append(f"quote of {position.actor} repaired by a targeted re-ask: “{_clip(new_quote)}”")
        else:
            still_failing.append(failure)
    out.warnings.extend(scratch.warnings)
    out.failures = still_failing


def _trimmed(article: str, start: int, end: int) -> Span:
    while start < end and article[start].isspace():
        start += 1
    while end > start and article[end - 1].isspace():
        end -= 1
    return Span(start=start, end=end)


@dataclass(frozen=True)
class QuotedPassage:
    span: Span
    speaker: str | None
    confidence: float = 0.0  # how often the way the speaker was found is right (speakers.CONFIDENCE)


def quoted_passages(article: str | ArticleIndex) -> list[QuotedPassage]:
    """Every quoted passage of the article (inner words, trimmed) with its attributed speaker.

    Computed once per article: attributing a passage is the costly part of grounding.
    """
    index = as_index(article)
    return index.remember("passages", lambda: _quoted_passages(index))


def _quoted_passages(index: ArticleIndex) -> list[QuotedPassage]:
    passages = []
    for a, b in index.quoted_regions:
        span = _trimmed(index.text, a + 1, b)
        if span.end - span.start > 3 and not _looks_like_a_title(span.of(index.text)):
            found = attribution_of(index, span)
            passages.append(QuotedPassage(span, found.speaker, found.confidence))
    return passages


_TITLE_SMALL_WORDS = frozenset({"a", "an", "and", "the", "of", "in", "on", "for", "to", "at", "or", "with", "&"})


def _looks_like_a_title(words: str) -> bool:
    """A show, book or slogan in quotation marks ("Fox and Friends."): a name, not a statement to attribute."""
    tokens = re.findall(r"[\w’'&-]+", words)
    return 2 <= len(tokens) <= 6 and all(
        t[0].isupper() or t[0].isdigit() or t.lower() in _TITLE_SMALL_WORDS for t in tokens
    ) and tokens[0][0].isupper()


def attach_article_quotes(
    article: str | ArticleIndex, out: Grounded, passages: list[QuotedPassage], min_similarity: float = 45.0
) -> None:
    """Give quote-less positions the article's own quoted words by the same speaker.

    Small models often report a position but leave ``quote`` empty even when the article
    quotes that speaker. The article's quoted passages and their speakers are known without
    a model, so the best match (by similarity to the stance) is attached: verbatim by
    construction and speaker-checked, at no cost in calls or tokens.
    """
    from rapidfuzz import fuzz

    article = as_index(article).text
    used = {p.quote_span for p in out.positions if p.quote_span is not None}
    for position in out.positions:
        if position.quote:
            continue
        candidates = [
            p.span
            for p in passages
            if p.span not in used and p.speaker and same_actor(p.speaker, position.actor)
        ]
        if not candidates:
            continue
        stance = position.stance.casefold()
        score, best = max(((fuzz.partial_ratio(s.of(article).casefold(), stance), s) for s in candidates),
                          key=lambda pair: pair[0])
        if score < min_similarity and len(candidates) > 1:
            continue
        position.quote, position.quote_span, position.quote_verified = best.of(article), best, True
        used.add(best)
        out.warnings.append(f"quote of {position.actor} taken from the article: “{_clip(best.of(article))}”")


# A quoted passage shorter than this is trivial and not made a position. Measured on PolNeAR dev (84
# articles, bench/quote_positions.py): among passages with an attributed speaker, the share that are
# annotated attributions is 0.65 for one word, 0.80 for two, 0.64 for three and 0.69 for eight or more —
# length does not tell a scare quote from a statement, so every attributed passage counts (recall 0.707
# at speaker accuracy 0.748, against 0.574 / 0.773 from four words up). Titles are left out earlier
# (``_looks_like_a_title``), passages without a speaker here.
MIN_QUOTE_CHARS = 4


def add_missed_quotes(
    article: str | ArticleIndex,
    out: Grounded,
    passages: list[QuotedPassage],
    min_chars: int = MIN_QUOTE_CHARS,
    min_confidence: float = 0.0,
) -> None:
    """Add a position for each quoted passage of the article that no position covers.

    Small models report two or three positions and skip the rest. A quoted passage whose
    speaker the attribution names is a stated position by definition; its stance is the
    article's own sentence around it, so nothing is invented.
    """
    index = as_index(article)
    article = index.text
    used = [p.quote_span for p in out.positions if p.quote_span is not None]
    for passage in passages:
        span = passage.span
        if span.end - span.start < min_chars or any(u.start < span.end and span.start < u.end for u in used):
            continue
        if not passage.speaker or passage.confidence < min_confidence:
            continue
        speaker = next((a.name for a in out.who if same_actor(a.name, passage.speaker)), passage.speaker)
        stance = sentence_around(article, span.start, span.end, limit=220)
        out.positions.append(
            Position(
                actor=speaker,
                stance=stance,
                quote=span.of(article),
                quote_span=span,
                quote_verified=True,
                actor_evidence=locate_name(index, speaker),
            )
        )
        used.append(span)
        out.warnings.append(f"position of {speaker} added from the article's quotes: “{_clip(span.of(article))}”")


def give_up_on_failures(out: Grounded) -> None:
    """Unverified quotes become paraphrases: the stance stays, the quotation marks go."""
    for failure in out.failures:
        position = out.positions[failure.index]
        if position.quote and not position.quote_verified:
            # Its words are shown without quotation marks: a warning must not display them as a quote either.
            out.warnings.append(
                f"quote attributed to {position.actor} removed ({failure.reason}); "
                f"kept as paraphrase, not quoted: {_clip(_QUOTE_MARKS.sub('', position.quote))}"
            )
            position.quote = None
    out.failures = []


def ground(draft: BriefDraft, article: str | ArticleIndex, published: date | None) -> Grounded:
    """Check every quote, name, place and date of ``draft`` against the article (or its index)."""
    index = as_index(article)
    out = Grounded(who=[], where=[], when=[], positions=[])
    _ground_actors(index, draft.who, out)
    _ground_places(index, draft.where, out)
    _ground_dates(index, draft.when, published, out)
    ground_positions(index, [Position(**p.model_dump()) for p in draft.positions], out)
    return out


def ground_more(article: str | ArticleIndex, who: list[ActorDraft], where: list[str], out: Grounded) -> None:
    """Check and add actors and places a later answer names (the rest of the story, followup.py)."""
    index = as_index(article)
    _ground_actors(index, who, out)
    _ground_places(index, where, out)


def complete_from_article(article: str | ArticleIndex, out: Grounded) -> None:
    """After repairs: fill quote-less positions and add missed ones from the article's own quotes."""
    index = as_index(article)
    passages = quoted_passages(index)
    attach_article_quotes(index, out, passages)
    add_missed_quotes(index, out, passages)
    out.positions = grouped_by_speaker(out.positions)


def grouped_by_speaker(positions: list[Position]) -> list[Position]:
    """Each speaker's positions together, speakers in the order the brief first names them.

    Within a speaker, the model's own positions come first (as given), then the article's
    quotes it added, in article order.
    """
    groups: list[list[Position]] = []
    for position in positions:
        group = next((g for g in groups if same_actor(g[0].actor, position.actor)), None)
        if group is None:
            groups.append([position])
        else:
            group.append(position)
    return [p for g in groups for p in g]
