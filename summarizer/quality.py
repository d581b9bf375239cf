"""Free text that stays true: three checks of the model's own wording against the article, no model.

* **Narration** — a quoted passage's words in the headline, summary or a ``what`` item, without
  quotation marks: the speaker's words told as the narrator's ("The American response will
  continue at times and places of our choosing."). Flagged when :data:`NARRATION_WORDS` or more
  consecutive words of one passage appear outside quotation marks.
* **Fragments** — a ``what`` item that is not a sentence: no finite verb after a first word
  ("success", "30 minutes", "air strikes in Syria and Iraq", "met at the White House"). The verb
  is found by form alone (auxiliaries and modals, common irregular pasts, ``-ed`` words, ``-s``
  words after a name or a pronoun): cheap, English only, and measured on every recorded brief
  (``bench/free_text_checks.py``: docs/eval.md).
* **Stances** — a position's stance must share at least :data:`STANCE_SUPPORT` of its content words
  with its speaker's own words in the article: the passages quoted from them and the sentences
  that name them. Threshold measured on the recorded briefs (same bench).

Names, places and numbers the article does not contain are ``freetext.py``'s to flag, not these.
Each problem becomes one entry of ``meta.quality_flags`` and the same line in ``meta.warnings``. Not
``meta.flags``: those hold a brief back under ``--strict`` (hostile or unsupported content, ``freetext.py``),
and a fragment or a weak stance is a brief to improve, not one to stop.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .grounding.check import Grounded, locate_name, quoted_passages, sentence_around
from .grounding.index import ArticleIndex, as_index
from .grounding.speakers import same_actor
from .grounding.words import content_words
from .schema import Brief, Position

__all__ = [
    "NARRATION_WORDS",
    "STANCE_SUPPORT",
    "is_fragment",
    "mark_quoted_words",
    "narrated_quotes",
    "quality_flags",
    "rewrite_unsupported_stances",
    "stance_support",
    "with_quality_flags",
]

# Consecutive words of a quoted passage told without quotation marks. On the 15 recorded briefs, 5
# flagged 13 summaries/items, 2 of them a common phrase the reporter also used ("with his hands in the
# air", 6 words); 7 flags 8, each read by hand as a speaker's words told as the narrator's.
NARRATION_WORDS = 7
# Share of a stance's content words found in its speaker's own words. On the 15 recorded briefs
# (bench/free_text_checks.py), 0.25 flags 13 of 38 model-written stances (read by hand, most are not
# the speaker's: a role for a stance, "singer"; another actor's stance copied) and 73 of 100 stances
# scored against another speaker of the same brief; 0.30 flags 16 and 79.
STANCE_SUPPORT = 0.25
LABEL_WORDS = 2  # an unsupported "stance" of at most this many content words is a label, not a position

_WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*")
_QUOTED = re.compile(r"[“\"„«][^”\"»“]*(?:[”\"»]|$)|‘[^’]*(?:’|$)|(?<!\w)'(?:[^']|'(?=\w))*'(?!\w)")

# fmt: off
_AUXILIARIES = frozenset(
    "is are was were be been has have had will would can could may might must shall should does did do am "
    "isn't aren't wasn't weren't hasn't haven't hadn't won't wouldn't can't couldn't doesn't didn't don't".split()
)
_IRREGULAR_PAST = frozenset(
    "said met drew spoke found made took gave went came left told saw began brought held led won lost ran fell "
    "hit put set shot struck sent kept paid built sold thought felt became broke chose wrote rose fought flew "
    "knew grew threw stood sat meant heard read cut let hurt quit spent lent bought caught taught sought swore "
    "tore wore bore drove rode froze stole woke bit hid shook forgave forbade overtook undertook withdrew "
    "says goes does has".split()
)
_PRONOUNS = frozenset("he she it they we i you who which that".split())
_NOT_VERBS_ED = frozenset("red bed shed need speed seed feed breed hundred indeed".split())
# fmt: on


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _unquoted(text: str) -> str:
    """``text`` with its quoted stretches blanked: words inside quotation marks are not narration."""
    return _QUOTED.sub(" | ", text)


def narrated_quotes(index: ArticleIndex, text: str, min_words: int = NARRATION_WORDS) -> list[str]:
    """Quoted passages of the article whose words ``text`` tells without quotation marks."""
    plain = _words(_unquoted(text))
    if len(plain) < min_words:
        return []
    grams = {tuple(plain[i : i + min_words]) for i in range(len(plain) - min_words + 1)}
    found = []
    for passage in quoted_passages(index):
        words = _words(passage.span.of(index.text))
        if any(tuple(words[i : i + min_words]) in grams for i in range(len(words) - min_words + 1)):
            found.append(passage.span.of(index.text))
    return found


def mark_quoted_words(index: ArticleIndex, text: str, min_words: int = NARRATION_WORDS) -> str:
    """``text`` with the article's quoted words it tells as narration put back in quotation marks.

    A small model drops the marks when it reuses a quotation ("Biden said the response will continue
    at times and places of our choosing"); the words are the speaker's, so they are shown as a quote.
    """
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    tokens = [m for m in _WORD.finditer(text) if not any(a <= m.start() < b for a, b in quoted)]
    words = [m.group().casefold() for m in tokens]
    runs: list[tuple[int, int]] = []  # token ranges [i, j) told as narration
    for passage in quoted_passages(index):
        said = _words(passage.span.of(index.text))
        grams = {tuple(said[k : k + min_words]) for k in range(len(said) - min_words + 1)}
        i = 0
        while i + min_words <= len(words):
            if tuple(words[i : i + min_words]) not in grams:
                i += 1
                continue
            j = i + min_words
            while j < len(words) and tokens[j].start() - tokens[j - 1].end() <= 3 and _in_order(said, words[i : j + 1]):
                j += 1
            runs.append((i, j))
            i = j
    out, last = [], 0
    for i, j in sorted(set(runs)):
        start, end = tokens[i].start(), tokens[j - 1].end()
        if start < last:
            continue
        out += [text[last:start], "“", text[start:end], "”"]
        last = end
    return "".join(out) + text[last:] if out else text


def _in_order(said: list[str], run: list[str]) -> bool:
    n = len(run)
    return any(said[k : k + n] == run for k in range(len(said) - n + 1))


def _is_finite_verb(words: list[str], tokens: list[str], i: int) -> bool:
    word = words[i]
    if word in _AUXILIARIES or word in _IRREGULAR_PAST:
        return True
    if "-" in tokens[i] or not word.isalpha():
        return False
    if word.endswith("ed") and len(word) > 4 and word not in _NOT_VERBS_ED:
        return True
    before = tokens[i - 1]
    after_subject = before[:1].isupper() or before.lower() in _PRONOUNS  # "Dean calls", not "air strikes"
    if i == len(words) - 1 and (word.endswith(("ions", "ments")) or _possessive(tokens[max(0, i - 2) : i])):
        return False  # a phrase's last noun: "Middle East tensions", "Iran's Resistance targets"
    return tokens[i].islower() and word.endswith("s") and not word.endswith("ss") and after_subject


def _possessive(tokens: list[str]) -> bool:
    return any(t.endswith(("'s", "’s")) for t in tokens)


def is_fragment(item: str) -> bool:
    """True when ``item`` has no finite verb after its first word: a phrase, not a sentence (English)."""
    tokens = re.findall(r"[^\s,;:()]+", item)
    tokens = [t.strip("\"“”‘’'.!?") for t in tokens]
    tokens = [t for t in tokens if t]
    words = [t.casefold() for t in tokens]
    return not any(_is_finite_verb(words, tokens, i) for i in range(1, len(words)))


def _speaker_texts(index: ArticleIndex, position: Position) -> Iterable[str]:
    """The speaker's own words in the article: passages quoted from them, and sentences naming them."""
    if position.quote_verified and position.quote:
        yield position.quote
    for passage in quoted_passages(index):
        if passage.speaker and same_actor(passage.speaker, position.actor):
            yield passage.span.of(index.text)
    seen: set[int] = set()
    for span in position.actor_evidence or locate_name(index, position.actor):
        unit = index.unit_at(span.start)
        if unit not in seen:
            seen.add(unit)
            yield index.text[index.units[unit].start : index.units[unit].end]


def stance_support(index: ArticleIndex, position: Position) -> float | None:
    """Share of the stance's content words found in its speaker's own words (None: a stance of no words)."""
    stance = set(content_words(position.stance))
    if not stance:
        return None
    own: set[str] = set()
    for text in _speaker_texts(index, position):
        own.update(content_words(text))
    return len(stance & own) / len(stance)


def rewrite_unsupported_stances(index: ArticleIndex, grounded: Grounded) -> None:
    """A stance its speaker's words do not support ("criticism", another speaker's point) becomes the
    article's own sentence around the speaker's verified quote; without a quote it stays, and is flagged."""
    for position in grounded.positions:
        if not (position.quote_verified and position.quote_span is not None):
            continue
        support = stance_support(index, position)
        if support is not None and support < STANCE_SUPPORT:
            span = position.quote_span
            position.stance = sentence_around(index.text, span.start, span.end, limit=220)
            grounded.warnings.append(f"stance of {position.actor} rewritten from their words in the article")
    # A label for a stance ("criticism", "neutral") says nothing the article supports: dropped. A longer
    # unsupported stance is dropped beside the same speaker's quoted positions, else kept and flagged.
    quoted = [p for p in grounded.positions if p.quote_verified]

    def keep(position: Position) -> bool:
        if position.quote_verified or (stance_support(index, position) or 0.0) >= STANCE_SUPPORT:
            return True
        label = len(content_words(position.stance)) <= LABEL_WORDS
        return not label and not any(same_actor(q.actor, position.actor) for q in quoted)

    grounded.positions = [p for p in grounded.positions if keep(p)]


def _clip(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def quality_flags(brief: Brief, article: str | ArticleIndex) -> list[str]:
    """The narration, fragment and stance problems of a brief, one line each."""
    index = as_index(article)
    flags: list[str] = []
    fields: list[tuple[str, str]] = [("headline", brief.headline), ("summary", brief.summary)]
    fields += [(f"what {n}", item) for n, item in enumerate(brief.what, 1)]
    for name, text in fields:
        for passage in narrated_quotes(index, text):
            flags.append(f"{name} tells quoted words as narration, without quotation marks or speaker: "
                         f"“{_clip(passage)}”")
    if _english(brief):  # the verb forms below are English ones
        for n, item in enumerate(brief.what, 1):
            if is_fragment(item):
                flags.append(f"what {n} is a fragment, not a sentence with a subject and a verb: {_clip(item)}")
    # A brief written in another language than the article's shares no words with it to compare.
    for position in brief.positions if not brief.meta.brief_language else []:
        support = stance_support(index, position)
        if support is not None and support < STANCE_SUPPORT:
            flags.append(f"stance of {position.actor} not supported by their own words in the article "
                         f"({support:.0%} of its words): {_clip(position.stance)}")
    return flags


def _english(brief: Brief) -> bool:
    language = brief.meta.brief_language or brief.meta.language or "en"
    return language.lower().startswith("en")


def with_quality_flags(brief: Brief, article: str | ArticleIndex) -> Brief:
    """The brief with its narration, fragment and stance flags in ``meta.quality_flags`` and ``meta.warnings``."""
    flags = quality_flags(brief, article)
    if not flags:
        return brief
    meta = brief.meta.model_copy(update={"quality_flags": [*brief.meta.quality_flags, *flags],
                                         "warnings": [*brief.meta.warnings, *flags]})
    return brief.model_copy(update={"meta": meta})
