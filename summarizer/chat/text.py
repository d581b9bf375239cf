"""Shortening and escaping shared by the chat renderers.

Article and model text is untrusted: it reaches chat platforms that turn some character sequences
into pings (``<!channel>`` on Slack, ``@here`` on Mattermost and Teams), links (``[login](url)``,
raw URLs), images (``![x](url)``, which every reader's client fetches) or HTML. Each platform's
``*_safe`` function makes such text inert while leaving what a reader sees unchanged: the syntax is
broken by a zero-width space (U+200B) where it is invisible, or escaped where the platform
documents an escape. Escaping happens *before* measuring, because escaping makes text longer
and a limit applies to what is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

ELLIPSIS = "…"
ZERO_WIDTH_SPACE = "\u200b"
_ZW = ZERO_WIDTH_SPACE

# An "@" that starts a mention-like word. Every such "@" is broken, not only @channel/@all/@here:
# article text naming a real user ("@jsmith") must not ping them either, and an e-mail address
# is not turned into a mailto link.
_MENTION = re.compile(r"@(?=[\w.\-])")
# "https://", "ftp://", any "scheme://": what autolinkers look for, and "www." for scheme-less ones.
_SCHEME = re.compile(r"(?<=[A-Za-z0-9+.\-]):(?=//)")
_WWW = re.compile(r"(?i)\b(www)\.")
# Markdown links and images need "](" (or "][" / "]:" for reference links and their definitions).
_LINK_JOIN = re.compile(r"\](?=[(\[:])")
# "<" before a tag name, "!--", "/", a scheme, or Discord's "<@id>", "<#id>", "<t:…>": HTML or markup.
_ANGLE = re.compile(r"<(?=\S)")
# Mattermost links "~channel-name" and "#hashtag" (a search link); harmless elsewhere to break.
_CHANNEL = re.compile(r"(?<![\w~])([~#])(?=\w)")
# A string that starts a line with block syntax becomes a heading, quote, list or code block.
_BLOCK_START = re.compile(r"^(?=[#>\-+*=_`~|]|\d+[.)](?:\s|$))")
# Inline emphasis, code and spoiler syntax, escaped with a backslash (CommonMark, Discord).
_EMPHASIS = re.compile(r"([*_~`|])")
_TRAILING_JOINERS = ",;:-–—(["


# C0/C1 controls (escape sequences, OSC 52 clipboard writes) and bidi overrides, which can make a
# file name or a flag read differently on a terminal from what it is.
_TERMINAL_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain_line(text: str) -> str:
    """``text`` as one line safe to write to a terminal: white space collapsed, controls shown as "?".

    >>> plain_line("a\\x1b[2Jb\\nc")
    'a?[2Jb c'
    """
    return _TERMINAL_UNSAFE.sub("?", " ".join(text.split()))


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
    return _MENTION.sub("@" + _ZW, text)


def defang_links(text: str) -> str:
    """Break "scheme://" and "www." so no client turns a raw URL into a link (or fetches a preview).

    >>> defang_links("see https://x.example") == "see https:" + ZERO_WIDTH_SPACE + "//x.example"
    True
    """
    return _WWW.sub(r"\1" + _ZW + ".", _SCHEME.sub(":" + _ZW, text))


def escape_slack(text: str) -> str:
    """Slack's three control characters (https://api.slack.com/reference/surfaces/formatting#escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_safe(text: str) -> str:
    """Slack mrkdwn: its control characters escaped, mentions and raw URLs broken.

    Links, mentions and channel links in Slack all need "<…>", so escaping "<" and ">" is what
    makes text inert; the renderer also sets ``verbatim`` so Slack does not link plain text.
    """
    return escape_slack(_BLOCK_START.sub(_ZW, defang_links(neutralise_mentions(text))))


def markdown_safe(text: str) -> str:
    """Markdown that renders as the same words and nothing else: no link, image, HTML or mention.

    For Microsoft Teams, whose Adaptive Card Markdown documents no backslash escape: every construct
    that could link, embed, ping or open HTML is broken with an invisible zero-width space.
    Emphasis in the text (``**word**``) can still render as bold; it links to nothing.
    """
    text = text.replace("\\", "\\" + _ZW)  # a trailing "\\" must not escape the renderer's own syntax
    text = neutralise_mentions(defang_links(text))
    text = _LINK_JOIN.sub("]" + _ZW, text)
    text = _ANGLE.sub("<" + _ZW, text)
    text = _CHANNEL.sub(r"\1" + _ZW, text)
    return _BLOCK_START.sub(_ZW, text)


def commonmark_safe(text: str) -> str:
    """:func:`markdown_safe`, plus emphasis, code and spoiler marks escaped with a backslash.

    For Mattermost and Discord, which honour CommonMark's backslash escapes: the reader sees the
    characters, not formatting.
    """
    return _EMPHASIS.sub(r"\\\1", markdown_safe(text))


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
