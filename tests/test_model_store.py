"""Assembling the embedded GGUF from its parts: verified, atomic, refused on mismatch."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from summarizer.errors import ModelFileError
from summarizer.llm.model_store import assemble, check_gguf


def _parts(tmp_path: Path, chunks: list[bytes]) -> list[Path]:
    paths = []
    for number, chunk in enumerate(chunks, start=1):
        path = tmp_path / f"part{number:02d}.bin"
        path.write_bytes(chunk)
        paths.append(path)
    return paths


def test_parts_are_concatenated_in_order_and_verified(tmp_path: Path) -> None:
    chunks = [b"GGUF" + b"a" * 10, b"b" * 7, b"c" * 3]
    whole = b"".join(chunks)
    target = assemble(
        _parts(tmp_path, chunks),
        tmp_path / "out" / "model.gguf",
        expected_size=len(whole),
        expected_sha256=hashlib.sha256(whole).hexdigest(),
    )
    assert target.read_bytes() == whole


def test_a_checksum_mismatch_is_refused_and_leaves_no_file(tmp_path: Path) -> None:
    chunks = [b"GGUF", b"tampered"]
    target = tmp_path / "model.gguf"
    with pytest.raises(ModelFileError, match="failed verification"):
        assemble(_parts(tmp_path, chunks), target, expected_size=12, expected_sha256="0" * 64)
    assert not target.exists()
    assert not list(tmp_path.glob("*.partial"))


def test_a_missing_gguf_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="not found"):
        check_gguf(tmp_path / "nope.gguf")


def test_a_file_that_is_not_gguf_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"PK\x03\x04 zip, not a model")
    with pytest.raises(ModelFileError, match="not a GGUF"):
        check_gguf(fake)
