"""Reading an article from a file or stdin, and refusing what is not one.

Bad input gets one clear line and exit code 2 (``InputError``), never a traceback.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .controls import strip_controls
from .errors import InputError

MAX_BYTES = 2_000_000  # far above any news story; keeps a stray log file from reaching the model
MAX_LINE = 100_000  # characters in one line: the longest news story is shorter; minified data or a log is not
_BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x7fELF", b"GGUF")


@dataclass(frozen=True)
class Article:
    text: str
    source: str  # a path, or "<stdin>"


def decode_article(data: bytes, source: str, size: int | None = None, *, max_bytes: int = MAX_BYTES) -> str:
    """Bytes to text, refusing binary and undecodable input with a message that names the source.

    ``size`` is the whole file's size when ``data`` holds only its first ``max_bytes + 1`` bytes. The limit
    is the lower of ``max_bytes`` (``BRIEF_MAX_INPUT_BYTES``) and ``MAX_BYTES``.
    """
    limit = min(max_bytes, MAX_BYTES)
    if len(data) > limit:
        over = f"{size:,} bytes is" if size and size > limit else "it is"
        raise InputError(f"{source}: {over} over the {limit:,}-byte limit for one article (BRIEF_MAX_INPUT_BYTES)")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))  # UTF-16 text is half NUL bytes, and is still text
    if data.startswith(_BINARY_SIGNATURES) or (not utf16 and b"\x00" in data[:8192]):
        raise InputError(f"{source}: looks like a binary file, not article text")
    for encoding in ("utf-8-sig", "utf-16") if utf16 else ("utf-8-sig",):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = _decode_legacy(data, source)
    if not text.strip():
        raise InputError(f"{source}: the article is empty")
    if "\x00" in text:  # past the first 8 KB: a text header on binary data, or a corrupted file
        raise InputError(f"{source}: contains NUL bytes (first at character {text.index(chr(0)):,}): not article text")
    longest = max(map(len, text.splitlines()), default=0)
    if longest > MAX_LINE:
        raise InputError(
            f"{source}: a line of {longest:,} characters (the limit is {MAX_LINE:,}): "
            "not article text (minified data or a log?)"
        )
    return strip_controls(text)  # escape sequences in an article must never reach a terminal


def _decode_legacy(data: bytes, source: str) -> str:
    # Old newsroom exports are often cp1252; accept it only if it decodes cleanly.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(f"{source}: cannot decode the text (not UTF-8 or Windows-1252)") from None
    if sum(ch < " " and ch not in "\n\r\t" for ch in text) > len(text) // 100:
        raise InputError(f"{source}: cannot decode the text (not UTF-8 or Windows-1252)")
    return text


def read_article(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Article:
    """Read ``path`` (or ``-`` for stdin) into an ``Article``, refusing more than ``max_bytes`` (and ``MAX_BYTES``)."""
    limit = min(max_bytes, MAX_BYTES)
    if str(path) == "-":
        data = sys.stdin.buffer.read(limit + 1)
        return Article(text=decode_article(data, "<stdin>", max_bytes=limit), source="<stdin>")
    file = Path(path)
    name = str(path)
    try:
        if file.is_dir():
            raise InputError(f"{name}: is a directory, not an article file")
        with file.open("rb") as handle:
            data = handle.read(limit + 1)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    return Article(text=decode_article(data, name, size, max_bytes=limit), source=name)
