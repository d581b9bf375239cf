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

# The one input limit, for every way in (a file, stdin, a saved page, a download, a watched folder): the
# default of Settings.max_input_bytes (BRIEF_MAX_INPUT_BYTES). A saved news page with inline scripts is
# 0.3–3 MB and its text far less; the limit keeps a stray log or dump from reaching the model.
MAX_INPUT_BYTES = 5_000_000
MAX_LINE = 100_000  # characters in one line: the longest news story is shorter; minified data or a log is not
_BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x7fELF", b"GGUF")


@dataclass(frozen=True)
class Article:
    text: str
    source: str  # a path, or "<stdin>"


def over_limit(source: str, max_bytes: int, size: int | None = None) -> InputError:
    """The one message for input over the limit, whatever the way in; ``size`` when it is known."""
    over = f"{size:,} bytes is" if size and size > max_bytes else "it is"
    return InputError(f"{source}: {over} over the {max_bytes:,}-byte input limit (BRIEF_MAX_INPUT_BYTES)")


def check_size(data: bytes, source: str, max_bytes: int, size: int | None = None) -> None:
    """Refuse ``data`` (read as ``max_bytes + 1`` bytes at most) when it is over the limit."""
    if len(data) > max_bytes:
        raise over_limit(source, max_bytes, size)


def decode_article(data: bytes, source: str) -> str:
    """Bytes to text, refusing binary and undecodable input with a message that names the source.

    Empty text is returned as it is: ``prepare`` refuses it, in one place for every way in.
    """
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


def read_article(path: str | Path, max_bytes: int = MAX_INPUT_BYTES) -> Article:
    """Read ``path`` (or ``-`` for stdin) into an ``Article``, refusing more than ``max_bytes``."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        check_size(data, "<stdin>", max_bytes)
        return Article(text=decode_article(data, "<stdin>"), source="<stdin>")
    file = Path(path)
    name = str(path)
    try:
        if file.is_dir():
            raise InputError(f"{name}: is a directory, not an article file")
        with file.open("rb") as handle:
            data = handle.read(max_bytes + 1)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    check_size(data, name, max_bytes, size)
    return Article(text=decode_article(data, name), source=name)
