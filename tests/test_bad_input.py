"""Hostile and broken input: each is one clear line on stderr, exit 2, and no traceback (unless -v).

tests/test_cli.py covers missing, directory, empty, binary and undecodable files; these are the rest
of the fault matrix's bad-input rows (docs/faults.md).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.article import MAX_INPUT_BYTES, read_article
from summarizer.cli import app
from summarizer.errors import EXIT_INPUT
from summarizer.llm.embedded import embedded_available
from summarizer.llm.model_store import check_gguf

runner = CliRunner()
SENTENCE = "The minister said the talks would resume on Monday. "


def _text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _loop(tmp: Path) -> Path:
    (tmp / "a.txt").symlink_to(tmp / "b.txt")
    (tmp / "b.txt").symlink_to(tmp / "a.txt")
    return tmp / "a.txt"


def _gguf_string(text: str) -> bytes:
    return struct.pack("<Q", len(text)) + text.encode()


def gguf_header(n_tensors: int = 1, n_kv: int = 1, *, version: int = 3, tensor_offset: int = 0) -> bytes:
    """A GGUF header (one string metadata entry, one tensor) with no tensor data after it: hand-made."""
    data = b"GGUF" + struct.pack("<IQQ", version, n_tensors, n_kv)
    data += _gguf_string("general.architecture") + struct.pack("<I", 8) + _gguf_string("llama")
    data += _gguf_string("token_embd.weight") + struct.pack("<IQIQ", 1, 32, 0, tensor_offset)
    return data + b"\0" * (-len(data) % 32)


BAD_FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "50 MB file": (lambda p: _text(p / "big.txt", SENTENCE * (50_000_000 // len(SENTENCE))), "byte input limit"),
    "one 1 MB line": (lambda p: _text(p / "line.txt", "x" * 1_000_000), "a line of 1,000,000 characters"),
    "NUL bytes after 8 KB": (lambda p: _text(p / "nul.txt", SENTENCE * 200 + "\0\0" + SENTENCE), "NUL bytes"),
    "NUL bytes at the start": (lambda p: _bytes(p / "nul0.txt", b"\0" + SENTENCE.encode()), "binary"),
    "symlink loop": (_loop, "cannot read"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_article_files_are_one_line_and_exit_2(tmp_path: Path, name: str) -> None:
    make, message = BAD_FILES[name]
    result = runner.invoke(app, [str(make(tmp_path)), "-q"])
    assert result.exit_code == EXIT_INPUT, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_the_size_limit_message_gives_the_real_size(tmp_path: Path) -> None:
    path = _bytes(tmp_path / "big.txt", b"a" * (MAX_INPUT_BYTES * 3))
    result = runner.invoke(app, [str(path), "-q"])
    assert f"{MAX_INPUT_BYTES * 3:,} bytes" in result.stderr


PAGE = f"<html><body><article><p>{SENTENCE * 60}</p></article></body></html>"


@pytest.mark.parametrize(
    ("name", "data"),
    [("a.txt", SENTENCE * 60), ("a.md", "# Talks\n\n" + SENTENCE * 60), ("a.html", PAGE), ("-", SENTENCE * 60),
     ("-", PAGE)],
    ids=["txt", "md", "html", "stdin-text", "stdin-html"],
)
def test_the_one_input_limit_applies_to_every_kind_of_input(tmp_path: Path, monkeypatch, name: str, data: str) -> None:
    monkeypatch.setenv("BRIEF_MAX_INPUT_BYTES", "2000")
    target = "-" if name == "-" else str(_text(tmp_path / name, data))
    result = runner.invoke(app, [target, "-q"], input=data.encode() if name == "-" else None)
    assert result.exit_code == EXIT_INPUT, result.output
    assert "over the 2,000-byte input limit (BRIEF_MAX_INPUT_BYTES)" in result.stderr


def test_the_input_limit_applies_to_batch_inputs_and_watched_files(tmp_path: Path) -> None:
    from summarizer.batch.inputs import expand_paths
    from summarizer.errors import InputError
    from summarizer.sources import load_bytes

    _text(tmp_path / "a.txt", SENTENCE * 60)
    _text(tmp_path / "b.html", PAGE)
    for item in expand_paths([tmp_path]):
        with pytest.raises(InputError, match="2,000-byte input limit"):
            item.read(2000)
        assert item.read(100_000).text  # the same file under a larger limit is read
    with pytest.raises(InputError, match="2,000-byte input limit"):
        load_bytes(PAGE.encode(), "inbox/b.html", 2000)


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "-"])
def test_empty_input_is_refused_by_the_one_check_naming_the_source(tmp_path: Path, name: str) -> None:
    target = "-" if name == "-" else str(_text(tmp_path / name, " \n\t\n"))
    result = runner.invoke(app, [target, "-q"], input=b"  \n" if name == "-" else None)
    assert result.exit_code == EXIT_INPUT
    shown = "<stdin>" if name == "-" else target
    assert f"{shown}: the article is empty" in result.stderr


def test_utf16_with_a_bom_is_text_not_binary(tmp_path: Path) -> None:
    path = _bytes(tmp_path / "u16.txt", (SENTENCE * 3).encode("utf-16"))
    assert read_article(path).text == SENTENCE * 3


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode; see the simulated test below")
def test_an_unreadable_file_is_exit_2(tmp_path: Path) -> None:
    path = _text(tmp_path / "secret.txt", SENTENCE)
    path.chmod(0)
    result = runner.invoke(app, [str(path), "-q"])
    assert result.exit_code == EXIT_INPUT and "permission denied" in result.stderr


def test_an_unreadable_file_is_exit_2_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root here, where chmod 000 does not block reads: make open() fail as it would.
    path = _text(tmp_path / "secret.txt", SENTENCE)

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    result = runner.invoke(app, [str(path), "-q"])
    assert result.exit_code == EXIT_INPUT
    assert result.stderr.strip() == f"brief: {path}: permission denied"


BAD_GGUFS: dict[str, tuple[bytes | None, str]] = {
    "non-existent": (None, "GGUF model not found"),
    "wrong magic": (b"PK\x03\x04" + b"\0" * 100, "not a GGUF model file"),
    "header cut short": (b"GGUF" + struct.pack("<I", 3) + b"\1\0", "ends inside its header"),
    "bad version": (b"GGUF" + struct.pack("<IQQ", 99, 1, 1), "unsupported GGUF version 99"),
    "implausible counts": (b"GGUF" + struct.pack("<IQQ", 3, 2**40, 2**40), "implausible header"),
    "bad size (tensor data missing)": (gguf_header(), "too short for the tensors it lists"),
}


@pytest.mark.parametrize("name", BAD_GGUFS)
def test_a_missing_or_corrupt_gguf_is_one_line_and_exit_2(tmp_path: Path, name: str) -> None:
    content, message = BAD_GGUFS[name]
    gguf = tmp_path / "model.gguf"
    if content is not None:
        gguf.write_bytes(content)
    article = _text(tmp_path / "a.txt", SENTENCE)
    result = runner.invoke(app, [str(article), "--gguf", str(gguf), "-q"])
    assert result.exit_code == EXIT_INPUT
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    if embedded_available():  # without llama-cpp-python the line says to install it, before looking at the file
        assert message in result.stderr and "model.gguf" in result.stderr


@pytest.mark.parametrize("name", [n for n, (content, _) in BAD_GGUFS.items() if content is not None])
def test_check_gguf_refuses_corrupt_files_before_llama_cpp_sees_them(tmp_path: Path, name: str) -> None:
    from summarizer.errors import ModelFileError

    content, message = BAD_GGUFS[name]
    gguf = _bytes(tmp_path / "model.gguf", content or b"")
    with pytest.raises(ModelFileError, match=message):
        check_gguf(gguf)


def test_a_whole_gguf_header_passes(tmp_path: Path) -> None:
    gguf = _bytes(tmp_path / "model.gguf", gguf_header() + b"\0" * 64)
    assert check_gguf(gguf) == gguf


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--format", "pdf"], "unknown --format 'pdf'"), (["--mode", "magic"], "unknown --mode 'magic'")],
)
def test_unknown_format_or_mode_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, [str(_text(tmp_path / "a.txt", SENTENCE)), *args])
    assert result.exit_code == EXIT_INPUT
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and message in result.stderr


def test_verbose_shows_the_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, [str(tmp_path / "missing.txt"), "-v"])
    assert result.exit_code == EXIT_INPUT and "Traceback" in result.stderr


def test_an_unexpected_error_is_one_line_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something nobody planned for")

    monkeypatch.setattr("summarizer.pipeline.Summarizer.summarize", broken)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    result = runner.invoke(app, [str(_text(tmp_path / "a.txt", SENTENCE)), "-q"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "brief: unexpected error (RuntimeError): something nobody planned for; -v shows the traceback"
    )
