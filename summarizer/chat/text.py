"""Shortening and escaping shared by the chat renderers.

Article text is untrusted: it reaches chat platforms that turn some character sequences into
pings (``<!channel>`` on Slack, ``@here`` on Mattermost and Teams). Escaping happens *before*
measuring, because escaping makes text longer and a limit applies to what is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

ELLIPSIS = "…"
ZERO_WIDTH_SPACE = "\u200b"

# An "@" that starts a mention-like word. Every such "@" is broken, not only @channel/@all/@here:
# article text naming a real user ("@jsmith") must not ping them either.
_MENTION = re.compile(r"@(?=[\w.\-])")
_TRAILING_JOINERS = ",;:-–—(["


def identity(text: str) -> str:
    return text


def clean(text: str) -> str:
    """Collapse all white space (newlines included) to single spaces, for one-line items."""
    return " ".join(text.split())


def neutralise_mentions(text: str) -> str:
    """Put a zero-width space after each mention-like "@" so no platform resolves it.

    >>> neutralise_mentions("hi @here") == "hi @" + ZERO_WIDTH_SPACE + "here"
    True
    """
    return _MENTION.sub("@" + ZERO_WIDTH_SPACE, text)


def escape_slack(text: str) -> str:
    """Slack's three control characters (https://api.slack.com/reference/surfaces/formatting#escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_safe(text: str) -> str:
    return escape_slack(neutralise_mentions(text))


def shorten(text: str, limit: int, transform: Callable[[str], str] = identity) -> str:
    """``transform(text)``, shortened at a word boundary so that it is at most ``limit`` long.

    A shortened text ends in "…". Only a single token longer than the limit (a long URL, say)
    is cut inside itself, since there is no boundary to cut at.

    >>> shorten("at times and places of our choosing", 20)
    'at times and places…'
    """
    text = text.strip()
    if limit <= 0:
        return ""
    full = transform(text)
    if len(full) <= limit:
        return full
    room = limit - len(ELLIPSIS)
    if room <= 0:
        return ELLIPSIS[:limit]
    cuts = [m.start() for m in re.finditer(r"\s+", text)]
    best = _longest_fitting(cuts, lambda cut: _candidate(text, cut, transform), room)
    if best is not None:
        return best + ELLIPSIS
    hard = _longest_fitting(list(range(1, len(text))), lambda cut: transform(text[:cut].rstrip()), room)
    return (hard or "") + ELLIPSIS


def _candidate(text: str, cut: int, transform: Callable[[str], str]) -> str:
    return transform(text[:cut].rstrip().rstrip(_TRAILING_JOINERS).rstrip())


def _longest_fitting(cuts: Sequence[int], render: Callable[[int], str], room: int) -> str | None:
    """Binary search: transforms only grow text, so a longer prefix never renders shorter."""
    lo, hi, best = 0, len(cuts) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        candidate = render(cuts[mid])
        if len(candidate) <= room:
            if candidate:
                best = candidate
            lo = mid + 1
        else:
            hi = mid - 1
    return best


def join_within(items: Sequence[str], limit: int, *, sep: str, more: Callable[[int], str]) -> str:
    """Join as many leading ``items`` as fit in ``limit``, then say how many were left out.

    Items must already be in their final (escaped) form. ``more(n)`` names the n left out.
    """
    joined = sep.join(items)
    if len(joined) <= limit:
        return joined
    best, size = 0, -len(sep)
    for count in range(1, len(items)):
        size += len(sep) + len(items[count - 1])
        if size + len(sep) + len(more(len(items) - count)) > limit:
            break
        best = count
    if best == 0:
        return shorten(more(len(items)), limit)
    return sep.join(items[:best]) + sep + more(len(items) - best)


def more_text(noun: str) -> Callable[[int], str]:
    """A ``more`` callback for :func:`join_within`: "…and 3 more positions"."""
    return lambda n: f"{ELLIPSIS}and {n} more {noun}{'' if n == 1 else 's'}"
