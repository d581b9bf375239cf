"""The article as delimited data: no text inside it can forge the ``<article>`` block's tags.

The prompt wraps the article in ``<article>`` … ``</article>`` and tells the model that what is inside
is data. An article that writes its own ``</article>`` could end the block early and speak as the user.
Forgeries a model may still read as the tag are neutralised too: any case (``</ARTICLE>``), spacing
inside the tag (``</article >``, ``< /article>``), escapes (``&lt;/article&gt;``, ``&#60;``, ``%3C``,
``\\u003c``), fullwidth and lookalike brackets and letters (``＜/ａｒｔｉｃｌｅ＞``, Cyrillic ``а``), and
zero-width characters inside the tag. Each becomes ``</ article>`` (or ``< article>``): never the exact
delimiter the system prompt names, so the prompt holds exactly one ``</article>``. (That neutral form is the
one recorded prompts already hold, so articles are sent byte for byte as before and cassettes replay.)
"""

from __future__ import annotations

import re

_INVISIBLE = (
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufeff]*"
)
_OPEN = r"(?:[<＜﹤‹〈⟨❮˂ᐸ《≺]|&lt;?|&#0*60;?|&#x0*3c;?|%3c|\\u0*3c|\\x3c)"
_CLOSE = r"(?:[>＞﹥›〉⟩❯˃ᐳ》≻]|&gt;?|&#0*62;?|&#x0*3e;?|%3e|\\u0*3e|\\x3e)"
_SLASH = r"(?:[/／⁄∕⧸]|&#0*47;?|&#x0*2f;?|%2f|\\u0*2f|&sol;)"
# Latin letters and the Cyrillic, Greek and fullwidth letters drawn the same.
_LETTERS = {
    "a": "aаɑαａ",
    "r": "rгᴦｒ",
    "t": "tтτｔ",
    "i": "iіıιɩｉ1l|",
    "c": "cсϲｃ",
    "l": "lӏιｌ1|Ii",
    "e": "eеεｅ",
}


def _tag_pattern(name: str) -> re.Pattern[str]:
    gap = rf"(?:\s|{_INVISIBLE[:-1]})*"
    letters = _INVISIBLE.join(f"[{re.escape(_LETTERS.get(ch, ch))}]" for ch in name)
    return re.compile(
        rf"{_OPEN}{gap}(?P<slash>{_SLASH}{gap})?{letters}{gap}(?:\s[^<>\n]{{0,80}})?{_CLOSE}",
        re.IGNORECASE,
    )


_ARTICLE_TAG = _tag_pattern("article")


def neutralise_tags(text: str) -> str:
    """``text`` with every forged opening or closing ``article`` tag made inert (see the module doc)."""
    return _ARTICLE_TAG.sub(lambda m: "</ article>" if m.group("slash") else "< article>", text)


__all__ = ["neutralise_tags"]
