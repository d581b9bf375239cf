"""``--strict``: a brief whose own words were flagged is held back from a channel, not posted.

``meta.flags`` lists free text (headline, summary, what, stances, questions) that carries
instructions, links, mentions or markup the article does not, or names, numbers and quotes it
does not contain. With no person between ``brief watch`` and the channel, such a brief waits for one.
"""

from __future__ import annotations

from summarizer.schema import Brief

from .errors import HeldBack
from .text import clean, shorten

_FLAG_CAP = 160


def hold_reason(brief: Brief, *, detail: bool = True) -> str | None:
    """Why ``brief`` must not be posted under ``--strict``, or None when it may be.

    With ``detail`` the first flag is quoted: model words, so print the line as plain text.
    """
    flags = [clean(f) for f in brief.meta.flags if f.strip()]
    if not flags:
        return None
    count = f"{len(flags)} flagged item{'' if len(flags) == 1 else 's'}"
    first = f" ({shorten(flags[0], _FLAG_CAP)}{'; …' if len(flags) > 1 else ''})" if detail else ""
    return (
        f"held back, not posted: {count} in the brief's own words{first}; "
        "a person should check it (--no-strict posts it anyway)"
    )


def check_strict(brief: Brief) -> None:
    """Raise :class:`HeldBack` (exit 3) when ``brief`` has flagged free text."""
    reason = hold_reason(brief)
    if reason is not None:
        raise HeldBack(reason)
