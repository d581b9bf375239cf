"""Fetching an article page over HTTP: bounded in time, size and redirects, and only pages that can be articles.

A fetch failure is bad input (exit 2), with the host and the reason in one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..article import over_limit
from ..errors import InputError
from .detect import refuse_binary

MAX_REDIRECTS = 5
USER_AGENT = "brief/0.1 (news brief; +https://pypi.org/project/brief-summarizer/)"
_ARTICLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown")


@dataclass(frozen=True)
class Fetched:
    data: bytes
    content_type: str | None
    charset: str | None
    url: str  # after redirects


def is_url(target: str) -> bool:
    return target[:8].lower().startswith(("http://", "https://"))


def fetch(url: str, *, max_bytes: int, timeout: float = 20.0, max_redirects: int = MAX_REDIRECTS) -> Fetched:
    """GET ``url``; refuse what is too big, not an article type, or not reachable, with a clear message."""
    import httpx2

    host = urlsplit(url).netloc or url
    if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).netloc:
        raise InputError(f"{url}: not an http(s) URL")
    client = httpx2.Client(
        timeout=httpx2.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=True,
        max_redirects=max_redirects,
        headers={"user-agent": USER_AGENT, "accept": "text/html,application/xhtml+xml,text/plain;q=0.8"},
    )
    try:
        with client, client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise InputError(f"{url}: {host} answered HTTP {response.status_code}")
            content_type = response.headers.get("content-type")
            _check_type(url, content_type)
            declared = int(response.headers.get("content-length") or 0)
            if declared > max_bytes:
                raise over_limit(url, max_bytes, declared)
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise over_limit(url, max_bytes)
            final = str(response.url)
            charset = response.charset_encoding
    except httpx2.TooManyRedirects:
        raise InputError(f"{url}: more than {max_redirects} redirects") from None
    except httpx2.TimeoutException:
        raise InputError(f"{url}: {host} did not answer within {timeout:g} s") from None
    except httpx2.HTTPError as exc:
        raise InputError(f"{url}: cannot fetch from {host} ({type(exc).__name__})") from None
    data = bytes(body)
    refuse_binary(data, url)
    return Fetched(data=data, content_type=content_type, charset=charset, url=final)


def _check_type(url: str, content_type: str | None) -> None:
    mime = (content_type or "").split(";")[0].strip().lower()
    if not mime or mime in _ARTICLE_TYPES:
        return  # a missing type is sniffed from the bytes
    if mime == "application/pdf":
        raise InputError(f"{url}: is a PDF, a binary file, not article text (convert it to text first)")
    if mime.startswith(("image/", "video/", "audio/")):
        raise InputError(f"{url}: is {mime}, not an article page")
    raise InputError(f"{url}: serves {mime}, not an article page (HTML or text)")
