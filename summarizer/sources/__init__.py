"""Where an article comes from: a text or Markdown file, an HTML page, a URL, or stdin.

>>> doc = load_article("page.html")          # doctest: +SKIP
>>> doc.text, doc.title, doc.published      # the extracted body, and the page's metadata

``load_article`` returns a ``Document``: an ``Article`` (``text``, ``source``) plus what the page said
about itself. For a page or a URL, ``text`` is the *extracted* article body, and it is the text that is
briefed: every span in the brief points into it.

    text.py  — (in ``article.py``) plain text decoding, shared with the batch runner
    document.py — the Document type (an Article and its page's metadata)
    html.py  — the article body and metadata of an HTML page (trafilatura)
    url.py   — fetching a page over HTTP, bounded
    detect.py — what the bytes are, their charset, the article's language
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..article import MAX_INPUT_BYTES, check_size, read_article
from ..errors import InputError
from .document import Document

DEFAULT_FETCH_TIMEOUT = 20.0


def load_article(
    target: str | Path,
    *,
    max_bytes: int = MAX_INPUT_BYTES,
    timeout: float = DEFAULT_FETCH_TIMEOUT,
    allow_private: bool = False,
) -> Document:
    """Read ``target`` — a path, ``-`` for stdin, or an ``http(s)://`` URL — into a ``Document``.

    HTML (by content type, file name or first bytes) is reduced to its article body; PDFs, images and
    other binary files, undecodable text, pages without article text and input over ``max_bytes`` (every
    kind: text, page, stdin, URL) are refused with an ``InputError`` naming the source. Empty text is
    refused by ``Summarizer.prepare``, the one check every way in goes through. A URL must lead to public
    addresses only, unless ``allow_private`` (intranet pages); its credentials and token-like parameters
    are never kept (``source`` and ``url`` are ``public_url``s).
    """
    from .detect import decode_html, refuse_binary, sniff_kind
    from .url import fetch, is_url, public_url

    name = "<stdin>" if str(target) == "-" else str(target)
    if is_url(name):
        fetched = fetch(name, max_bytes=max_bytes, timeout=timeout, allow_private=allow_private)
        name, final = public_url(name), public_url(fetched.url)
        if sniff_kind(fetched.data, final, fetched.content_type) == "html":
            return _from_html(decode_html(fetched.data, name, fetched.charset), name, final, origin="url")
        return Document(text=_decode_text(fetched.data, name), source=name, url=final, extracted_from="url")
    if str(target) == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        check_size(data, name, max_bytes)
        refuse_binary(data, name)
        if sniff_kind(data, name) == "html":
            return _from_html(decode_html(data, name), name, None, origin="html")
        return Document(text=_decode_text(data, name), source=name)
    head = _peek(Path(name))
    if head is not None:
        refuse_binary(head, name)
        if sniff_kind(head, name) == "html":
            data = _read_page(Path(name), max_bytes)
            return _from_html(decode_html(data, name), name, None, origin="html")
    # Plain text (and every file error) is article.py's: one reader, one set of messages, shared with batch.
    plain = read_article(name, max_bytes)
    return Document(text=plain.text, source=plain.source)


def load_bytes(data: bytes, name: str, max_bytes: int = MAX_INPUT_BYTES) -> Document:
    """An article from bytes already read (``brief watch`` reads its inbox files itself, safely).

    The same checks and extraction as a file or stdin: oversized, binary and undecodable input is refused.
    """
    from .detect import decode_html, refuse_binary, sniff_kind

    check_size(data, name, max_bytes)
    refuse_binary(data, name)
    if sniff_kind(data, name) == "html":
        return _from_html(decode_html(data, name), name, None, origin="html")
    return Document(text=_decode_text(data, name), source=name)


def _from_html(page: str, source: str, url: str | None, origin: str) -> Document:
    from .html import extract_article

    return extract_article(page, source, url, origin=origin)


def _decode_text(data: bytes, source: str) -> str:
    from ..article import decode_article

    return decode_article(data, source)


def _peek(path: Path) -> bytes | None:
    try:
        with path.open("rb") as handle:
            return handle.read(8192)
    except OSError:
        return None  # read_article names the problem


def _read_page(path: Path, max_bytes: int) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
            size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    check_size(data, str(path), max_bytes, size)
    return data


__all__ = ["MAX_INPUT_BYTES", "Document", "load_article", "load_bytes"]
