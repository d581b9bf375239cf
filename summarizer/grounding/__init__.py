"""Grounding: locating a brief's quotes and names in the article, and who said what.

Pure text matching, no model: ``find_quote`` and ``find_all`` return spans into the
article as given, ``speaker_of`` reads the attribution around a quote.
"""

from __future__ import annotations

from summarizer.grounding.index import ArticleIndex
from summarizer.grounding.normalize import normalize
from summarizer.grounding.spans import FUZZY_THRESHOLD, Match, find_all, find_quote, inside_quotation_marks
from summarizer.grounding.speakers import same_actor, speaker_of

__all__ = [
    "FUZZY_THRESHOLD",
    "ArticleIndex",
    "Match",
    "find_all",
    "find_quote",
    "inside_quotation_marks",
    "normalize",
    "same_actor",
    "speaker_of",
]
