"""Scraped-text noise that must not reach the model: hashtag trailers, photo credits, ad markers.

Cleaning only decides what the model is shown. Spans always point into the article as
given, and grounding never trusts model offsets, so removing noise here is safe.
Measured: with "Image copyright Reuters Image caption" left at the start of a BBC story,
the embedded model answered "No headline provided"; without it, a correct brief.
"""

from __future__ import annotations

import re

_HASHTAG_LINE = re.compile(r"^\s*(#\w+\s*){2,}$")
_NOISE_LINE = re.compile(
    r"^\s*(skip ad|ad loading\.*|advertisement|share (this|on)( \w+){0,8}|click here to( \w+){0,8}|"
    r"follow us on \w+|read more:?|media playback is unsupported on your device)\s*$",
    re.IGNORECASE,
)
_INLINE_NOISE = re.compile(
    r"Image copyright [^\n]{1,60}? Image caption\s*"
    r"|\((?:Photo|Picture|Image): [^)\n]{1,60}\)"
    r"|\b(?:Skip Ad|Ad Loading\.*|Media playback is unsupported on your device)\s*"
    r"|\bpic\.twitter\.com/\w+"
)
_STRAY_PUNCTUATION = re.compile(r"(?<=[.!?\u201d\"])\s+\.(?=\s|$)")
# Scraped pages (and text pasted from them) end paragraphs with tag runs and leave share-button rows
# and separator lines behind: whole lines of them, never article words.
_TRAILING_HASHTAGS = re.compile(r"(?<=[.!?\u201d\u2019\"])[ \t]+(#\w+[ \t]*){2,}$")
_SHARE_LINE = re.compile(
    r"^\s*(((click to )?share( this( article| story| page)?)?( on| via)?|tweet|e-?mail|print|copy( the)? link|"
    r"whatsapp|facebook|twitter|x|linkedin|pinterest|reddit|messenger|telegram|flipboard|comments?( \(\d+\))?)"
    r"( \(opens in (a )?new window\))?[\s|•·,/]*)+$"
    r"|^\s*read or share this story: \S+\s*$",
    re.IGNORECASE,
)
_SYMBOLS_ONLY = re.compile(r"^\s*[^\w\s]+(\s+[^\w\s]+)*\s*$")


def clean_for_model(text: str) -> str:
    """The article as the model should read it."""
    lines = []
    for line in text.splitlines():
        if _HASHTAG_LINE.match(line) or _NOISE_LINE.match(line) or _SHARE_LINE.match(line):
            continue
        if _SYMBOLS_ONLY.match(line):
            continue
        line = _TRAILING_HASHTAGS.sub("", line)
        if _INLINE_NOISE.search(line):
            line = re.sub(r"(?<=\S) {2,}", " ", _INLINE_NOISE.sub("", line))
        lines.append(_STRAY_PUNCTUATION.sub("", line))
    return "\n".join(lines)
