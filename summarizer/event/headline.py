"""The one model call of an event brief: a headline and summary written from the merged items.

The model sees only the merged, grounded items (events, people, places, dates with their source
counts, and the figures the outlets disagree on), never the articles themselves. Its text is then
checked like a single brief's free text: every number and every capitalised name it uses must be
in those items, or the text is flagged (``EventMeta.flags``). If the call fails, the code-built
headline stays, with a warning.
"""

from __future__ import annotations

import re

from ..prompts import load_prompt
from .schema import EventBrief

MAX_ITEMS = 8
_NAME = re.compile(r"\b[A-Z][a-z'’\-]+(?:\s+[A-Z][a-z'’\-]+)*")
_NUMBER_WORDS = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred)\b", re.I
)


def facts_text(brief: EventBrief) -> str:
    """The merged items as the model reads them: one line each, with how many sources support it."""
    n = len(brief.sources)
    lines = [f"Sources: {n} articles."]
    for title, items in (("Events", brief.what), ("People and organisations", brief.who),
                         ("Places", brief.where), ("Dates", brief.when)):
        if items:
            lines.append(f"{title}:")
            lines += [f"- {i.label}{f' ({i.role})' if i.role else ''} [{len(i.sources)} of {n} sources]"
                      for i in items[:MAX_ITEMS]]
    figures = [d for d in brief.disagreements if d.kind in ("number", "time", "date")]
    if figures:
        lines.append("Where the sources differ:")
        for d in figures[:MAX_ITEMS]:
            values = "; ".join(f"{v.value} [{len(v.sources)} sources]" for v in d.values)
            lines.append(f"- {d.subject}: {values}")
    return "\n".join(lines)


def summary_messages(brief: EventBrief) -> list[dict[str, str]]:
    system = load_prompt("event")
    return [{"role": "system", "content": system.template},
            {"role": "user", "content": "<facts>\n" + facts_text(brief) + "\n</facts>"}]


def prompt_id() -> str:
    p = load_prompt("event")
    return f"{p.id}@{p.version}"


def _names(text: str) -> set[str]:
    """Capitalised runs of ``text`` that are not just a sentence's first word."""
    out = set()
    for m in _NAME.finditer(text):
        before = text[: m.start()].rstrip()
        first_word = not before or before[-1] in ".!?:\"“"
        if first_word and " " not in m.group():
            continue
        out.add(m.group())
    return out


def free_text_flags(text: str, facts: str) -> list[str]:
    """What the model's ``text`` says that the merged facts it was given do not: the single brief's checks
    (``freetext.item_flags``: instructions, links, mentions, markup, numbers), then every capitalised name
    (a sentence's first word aside), which must be in the facts."""
    from ..freetext import SupportIndex, item_flags

    flags = item_flags("event headline", text, SupportIndex.of(facts), names=False)
    lowered = facts.lower()
    for name in sorted(_names(text)):
        words = [w for w in name.split() if len(w) > 1]
        if _NUMBER_WORDS.fullmatch(name) or all(w.lower() in lowered for w in words):
            continue
        flags.append(f"event headline: name not in the merged facts: {name}")
    return flags
