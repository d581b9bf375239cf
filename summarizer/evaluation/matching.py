"""When does a brief's answer state a gold phrase? Fuzzy phrase matching and date matching, no model.

Phrases are compared as *content words*: NFKC, case-folded, quotes and punctuation dropped, a
possessive ``'s`` dropped, English function words removed ("the", "of", "was"…) and a light
suffix strip (-s, -es, -ed, -ing on words of five letters or more), so "the Toblerone's shape" and
"Toblerone shape" are the same phrase, and so are "derails" and "derailed".

A brief's answer matches a gold phrase when both hold:

* ``rapidfuzz.fuzz.token_set_ratio`` of the two content-word strings is at least
  :data:`MATCH_THRESHOLD` (80). The token-set ratio is 100 when one phrase's words are a subset
  of the other's, so "Kirby" matches "John Kirby" and "the boy was found dead" matches "found
  dead", whatever the order of the words; otherwise it is the similarity of the shared part to the
  rest, which tolerates spelling and inflection ("tram" / "trams");
* the answer states most of the gold phrase: at least :data:`MIN_COVERAGE` (two thirds) of its
  content words occur in the answer — or at least :data:`PART_COVERAGE` (half) when the answer is a
  part of the gold phrase (every answer word is in it: "Kirby" for "John Kirby"). A word counts when
  it is equal, or :data:`WORD_THRESHOLD` similar after the suffix strip. This stops a one-word
  answer standing for a longer phrase ("Sunday" for "Sunday's Brazilian Grand Prix"), a long answer
  that shares one word with a long gold phrase, and a namesake ("Jos Verstappen" for "Max
  Verstappen": half the words, and "Jos" is not in the gold).

Dates are compared as dates: a resolved mention (``when[].date``, up to ``end`` for a range)
matches a gold ``when`` whose coders' ``parsed`` day lies inside it. The mention's words may match
the gold phrase instead: ``parsed`` is itself a coder's reading and is sometimes off (one article's
"Sunday" is parsed as 2016-11-12, a Saturday), and mentions without a year stay unresolved.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from ..grounding.words import content_words

MATCH_THRESHOLD = 80.0
MIN_COVERAGE = 2 / 3
PART_COVERAGE = 0.5
WORD_THRESHOLD = 85.0


def _covered(word: str, answer: tuple[str, ...]) -> bool:
    return word in answer or any(fuzz.ratio(word, other) >= WORD_THRESHOLD for other in answer)


def coverage(answer: str, gold: str) -> float:
    """Share of the gold phrase's content words that the answer states."""
    gold_words, answer_words = content_words(gold), content_words(answer)
    if not gold_words:
        return 0.0
    return sum(_covered(w, answer_words) for w in gold_words) / len(gold_words)


def similarity(answer: str, gold: str) -> float:
    """Token-set ratio (0–100) of the content words; 0 when either side has none."""
    a, g = content_words(answer), content_words(gold)
    if not a or not g:
        return 0.0
    return fuzz.token_set_ratio(" ".join(a), " ".join(g))


def phrase_matches(answer: str, gold: str) -> bool:
    """Does ``answer`` state the gold phrase? (the two conditions of the module docstring)"""
    if similarity(answer, gold) < MATCH_THRESHOLD:
        return False
    share = coverage(answer, gold)
    if share >= MIN_COVERAGE:
        return True
    gold_words = content_words(gold)
    is_part = all(_covered(word, gold_words) for word in content_words(answer))
    return is_part and share >= PART_COVERAGE


def date_matches(start: str | None, end: str | None, parsed: str | None) -> bool:
    """Is the gold's ISO day inside the brief's resolved ``[start, end]`` (``end`` defaults to ``start``)?"""
    if not start or not parsed:
        return False
    return start[:10] <= parsed[:10] <= (end or start)[:10]
