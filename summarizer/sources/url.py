"""Fetching an article page over HTTP: bounded in time, size and redirects, to public addresses only.

A fetch failure is bad input (exit 2), with the host and the reason in one line.

What a hostile URL (or a redirect from a friendly one) cannot do:

* reach this machine or its network: every hop's host is resolved here and refused when any of its
  addresses is loopback, private, link-local (169.254.169.254, the cloud metadata service), multicast,
  reserved or unspecified — IPv4-mapped and NAT64 IPv6 forms included. ``allow_private=True``
  (``--allow-private-urls``, ``BRIEF_ALLOW_PRIVATE_URLS=1``) lifts this for intranet pages;
* swap the address after the check (DNS rebinding): the connection goes to the checked address, with
  the host name kept for the ``Host`` header and for TLS (SNI and certificate check);
* downgrade: a redirect from https to http is refused;
* hold the fetch open: one deadline covers the whole fetch, all hops and every read — a server that
  trickles a byte now and then is cut off when the deadline passes, not when it pauses;
* leak through what is shown: credentials (``user:pass@``) and token-like query parameters are removed
  from every URL shown or stored (``public_url``: errors, ``meta.source``, ``meta.url``).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ..article import over_limit
from ..errors import InputError
from .detect import refuse_binary

MAX_REDIRECTS = 5
USER_AGENT = "brief/0.1 (news brief; +https://pypi.org/project/brief-summarizer/)"
_ARTICLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown")
_REDIRECTS = (301, 302, 303, 307, 308)
# Query parameters that carry credentials: signed-URL signatures, API keys, session tokens.
_SECRET_PARAM = re.compile(
    r"^(?:x-amz-.*|x-goog-.*|.*token.*|.*key|key.*|sig|signature|.*secret.*|auth.*|.*password.*|passwd|pwd|pass"
    r"|session.*|sid|jwt|.*credential.*|code|ticket|hmac)$",
    re.IGNORECASE,
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class Fetched:
    data: bytes
    content_type: str | None
    charset: str | None
    url: str  # after redirects, as fetched (public_url it before showing it)


def is_url(target: str) -> bool:
    return target[:8].lower().startswith(("http://", "https://"))


def public_url(url: str) -> str:
    """``url`` as it may be shown or stored: no user info, no token-like query parameters.

    >>> public_url("https://user:pw@cdn.example/a.html?id=7&X-Amz-Signature=abc&token=t")
    'https://cdn.example/a.html?id=7'
    """
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rsplit("@", 1)[-1]
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _SECRET_PARAM.match(k)]
    except ValueError:
        return "<invalid URL>"
    if not parts.scheme or not netloc:
        return url  # a path, not a URL
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


def blocked_reason(address: str) -> str | None:
    """Why ``address`` is no place for a URL fetch to go, or None for a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
    for reason, hit in (
        ("loopback", ip.is_loopback),
        ("link-local (cloud metadata)", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved or ip.is_unspecified),
        ("not public", not ip.is_global),
    ):
        if hit:
            return f"a {reason} address ({address})"
    return None


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to for ``host``: every address it resolves to must be public (unless allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise InputError(f"cannot resolve {host}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise InputError(f"cannot resolve {host}")
    if not allow_private:
        for address in addresses:
            if reason := blocked_reason(address):
                raise InputError(f"{host} is {reason}: refused (--allow-private-urls for intranet pages)")
    return addresses[0]


def next_hop(url: str, location: str) -> str:
    """Where a redirect from ``url`` to ``location`` leads: http(s) only, and never from https down to http."""
    target = urljoin(url, location)
    scheme, host = urlsplit(target).scheme.lower(), urlsplit(url).hostname
    if scheme not in ("http", "https") or not urlsplit(target).hostname:
        raise InputError(f"{host} redirects to a non-http(s) URL")
    if urlsplit(url).scheme.lower() == "https" and scheme == "http":
        raise InputError(f"{host} redirects from https to http: refused")
    return target


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float = 20.0,
    max_redirects: int = MAX_REDIRECTS,
    allow_private: bool = False,
) -> Fetched:
    """GET ``url``; refuse what is too big, not an article type, not public, or not done within ``timeout``."""
    shown = public_url(url)
    if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).hostname:
        raise InputError(f"{shown}: not an http(s) URL")
    deadline = time.monotonic() + timeout
    try:
        fetched = _follow(url, max_bytes, deadline, timeout, max_redirects, allow_private)
    except _TooBig as big:
        raise over_limit(shown, max_bytes, big.size) from None
    except InputError as error:
        raise InputError(f"{shown}: {error}") from None
    refuse_binary(fetched.data, shown)
    return fetched


def _follow(url: str, max_bytes: int, deadline: float, timeout: float, max_redirects: int, allow: bool) -> Fetched:
    import httpx2

    with httpx2.Client(follow_redirects=False, trust_env=False) as client, _Watchdog(deadline) as watchdog:
        for _hop in range(max_redirects + 1):
            parts = urlsplit(url)
            host = parts.hostname or ""
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
            address = resolve(host, port, allow_private=allow)
            try:
                fetched = _get(client, url, address, max_bytes, deadline, timeout, watchdog)
            except httpx2.TimeoutException:
                raise InputError(f"{host} did not answer within {timeout:g} s") from None
            except httpx2.HTTPError as exc:
                if time.monotonic() >= deadline:
                    raise InputError(f"{host} did not finish within {timeout:g} s") from None
                raise InputError(f"cannot fetch from {host} ({type(exc).__name__})") from None
            if isinstance(fetched, Fetched):
                return fetched
            url = next_hop(url, fetched)
    raise InputError(f"more than {max_redirects} redirects")


def _get(
    client: Any, url: str, address: str, max_bytes: int, deadline: float, timeout: float, watchdog: _Watchdog
) -> Fetched | str:
    """One hop: the page, or the ``Location`` it redirects to. Connects to ``address``, never re-resolves."""
    import httpx2

    parts = urlsplit(url)
    host = parts.hostname or ""
    pinned = f"[{address}]" if ":" in address else address
    netloc = pinned + (f":{parts.port}" if parts.port else "")
    remaining = max(deadline - time.monotonic(), 0.001)
    request = client.build_request(
        "GET",
        urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")),
        headers={
            "host": parts.netloc.rsplit("@", 1)[-1],
            "user-agent": USER_AGENT,
            "accept": "text/html,application/xhtml+xml,text/plain;q=0.8",
        },
        timeout=remaining,
        extensions={"sni_hostname": host, "trace": watchdog.trace},
    )
    try:
        response = client.send(request, stream=True)
    except httpx2.HTTPError:
        if time.monotonic() >= deadline:  # the watchdog cut a server that had not finished its headers
            raise InputError(f"{host} did not answer within {timeout:g} s") from None
        raise
    watchdog.watch(response.extensions.get("network_stream"))  # a kept-alive connection is not connected anew
    try:
        if response.status_code in _REDIRECTS and response.headers.get("location"):
            return response.headers["location"]
        if response.status_code >= 400:
            raise InputError(f"{host} answered HTTP {response.status_code}")
        content_type = response.headers.get("content-type")
        _check_type(content_type)
        declared = int(response.headers.get("content-length") or 0)
        if declared > max_bytes:
            raise _TooBig(declared)
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise _TooBig(None)
            if time.monotonic() >= deadline:
                break
        if time.monotonic() >= deadline:  # cut off: a body without a length "ends" when its socket is shut
            raise InputError(f"{host} did not finish within {timeout:g} s")
    finally:
        response.close()
    return Fetched(data=bytes(body), content_type=content_type, charset=response.charset_encoding, url=url)


class _TooBig(Exception):
    """The page is over the input limit (``size``: its declared length, when it gave one)."""

    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size


class _Watchdog:
    """At the deadline, shuts down every socket the fetch opened, so a read blocked on a trickling server
    (headers or body) returns at once: per-read timeouts alone let a byte every 0.7 s go on for ever."""

    def __init__(self, deadline: float) -> None:
        self._streams: list[Any] = []
        self._lock = threading.Lock()
        self._fired = False
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0.0), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's ``trace`` extension: every new connection (TCP, then TLS) is watched from its start."""
        if event.endswith((".connect_tcp.complete", ".start_tls.complete")):
            self.watch(info.get("return_value"))

    def watch(self, stream: Any) -> None:
        if stream is None:
            return
        with self._lock:
            self._streams.append(stream)
            fired = self._fired
        if fired:
            _shut(stream)

    def _fire(self) -> None:
        with self._lock:
            self._fired = True
            streams = list(self._streams)
        for stream in streams:
            _shut(stream)


def _shut(stream: Any) -> None:
    sock = stream.get_extra_info("socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed: the fetch is over


def _check_type(content_type: str | None) -> None:
    mime = (content_type or "").split(";")[0].strip().lower()
    if not mime or mime in _ARTICLE_TYPES:
        return  # a missing type is sniffed from the bytes
    if mime == "application/pdf":
        raise InputError("is a PDF, a binary file, not article text (convert it to text first)")
    if mime.startswith(("image/", "video/", "audio/")):
        raise InputError(f"is {mime}, not an article page")
    raise InputError(f"serves {mime}, not an article page (HTML or text)")
