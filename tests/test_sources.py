"""Articles from HTML pages, URLs and stdin: the body and metadata extracted, noise dropped, bad input refused.

The pages in ``fixtures/articles/html/`` wrap real article text in a news-page template made for these
tests (``scripts/make-html-fixtures.py``; provenance in ``fixtures/articles/README.md``). Their extracted
text is exactly the text the replayed cassettes were recorded from, so briefing a page replays
``test_replay``'s real model answers. URLs are served by a loopback server in this file.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, RECORDED_PROMPT, QuietHandler, load_eval_article, loopback_server
from fake_openai import fake_openai, recorded_ok
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.errors import InputError
from summarizer.sources import load_article

PAGES = FIXTURES / "articles" / "html"
SAMPLE_PAGE = PAGES / "us-strikes-iraq-syria-2024-02-02.html"
BBC_PAGE = PAGES / "bbc-china-well-2016-11-11.html"
BBC = "38e6814a263c875294b34f714ac3a2e5dc5cc2a9bba6163b7b1f688b.json"
REPLAY = FIXTURES / "cassettes" / "test_replay"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_embedded_model(monkeypatch) -> None:
    # A test that unexpectedly reaches the model fails fast here instead of loading the embedded one.
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("BRIEF_MAX_RETRIES", "0")


def _body(sample_text: str) -> str:
    return "\n".join(line for line in sample_text.splitlines() if not line.startswith("#"))


# --- HTML -----------------------------------------------------------------------------


def test_a_saved_page_gives_the_article_body_and_its_metadata(sample_text: str) -> None:
    doc = load_article(SAMPLE_PAGE)
    assert doc.text == _body(sample_text)
    assert doc.title == "US says strikes on Iran-backed militias in Syria and Iraq were successful"
    assert doc.published == date(2024, 2, 2)
    assert (doc.site, doc.author) == ("World Desk", "World Desk staff")
    assert doc.url == "https://news.example.com/world/2024/02/02/us-strikes-iraq-syria"
    assert doc.extracted_from == "html"


def test_navigation_ads_share_buttons_comments_and_tags_are_dropped() -> None:
    text = load_article(SAMPLE_PAGE).text
    for noise in ("Subscribe", "Advertisement", "Share on", "Copy link", "Most read", "Comments (3)", "First!",
                  "Join the conversation", "cookies", "#Attacks", "Follow us"):
        assert noise not in text


def test_a_real_scraped_text_survives_extraction_unchanged() -> None:
    doc = load_article(BBC_PAGE)
    assert doc.text == load_eval_article(BBC)["text"]
    assert doc.published == date(2016, 11, 11) and doc.site == "BBC"


def test_html_is_recognised_by_its_content_whatever_the_file_name(tmp_path: Path, sample_text: str) -> None:
    saved = tmp_path / "story.txt"
    saved.write_bytes(SAMPLE_PAGE.read_bytes())
    assert load_article(saved).text == _body(sample_text)


def test_a_page_in_latin1_is_decoded_by_its_meta_charset(tmp_path: Path) -> None:
    page = tmp_path / "pt.html"
    words = "O presidente disse em São Paulo que a eleição “não será adiada”, segundo a agência. " * 4
    page.write_bytes(f'<html><head><meta charset="iso-8859-1"></head><body><article><p>{words}</p>'
                     f"<p>{words}</p></article></body></html>".replace("“", '"').replace("”", '"').encode("latin-1"))
    assert "São Paulo" in load_article(page).text and "eleição" in load_article(page).text


def test_a_page_without_a_charset_is_decoded_by_detection(tmp_path: Path) -> None:
    page = tmp_path / "es.html"
    words = "El gobierno anunció que la reunión con los sindicatos se celebrará el próximo miércoles en Madrid. "
    page.write_bytes(f"<html><body><article><p>{words * 3}</p><p>{words * 3}</p></article></body></html>"
                     .encode("cp1252"))
    assert "anunció" in load_article(page).text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF, a binary file"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a PNG image"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "is a JPEG image"),
        ("story.docx", b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive (or a Word"),
        ("page.html", b"<html>\x00\x01\x02" * 10, "binary"),
    ],
)
def test_pdfs_images_and_other_binary_files_are_refused_by_name(tmp_path: Path, name, data, message) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(app, [str(path), "-q"])
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_page_without_article_text_is_exit_2_not_an_empty_brief(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
                    "<div class='ad-slot'>Advertisement</div></body></html>")
    result = runner.invoke(app, [str(page), "-q"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"brief: no article text found in {page}"


def test_the_input_size_limit_is_configurable_and_says_so(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BRIEF_MAX_INPUT_BYTES", "2000")
    result = runner.invoke(app, [str(SAMPLE_PAGE), "-q"])
    assert result.exit_code == 2
    assert "over the 2,000-byte input limit" in result.stderr and "BRIEF_MAX_INPUT_BYTES" in result.stderr


def test_a_page_on_stdin_is_extracted(sample_text: str, monkeypatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SAMPLE_PAGE.read_bytes())))
    doc = load_article("-")
    assert doc.source == "<stdin>" and doc.text == _body(sample_text)


@pytest.mark.vcr(str(REPLAY / "test_replayed_brief_is_valid_and_grounded[sample].yaml"))
def test_brief_of_a_saved_page_resolves_dates_against_the_pages_publication_date(
    replay_settings, monkeypatch, sample_text: str
) -> None:
    monkeypatch.setattr("summarizer.settings.settings_from_env", lambda env=None: replay_settings)
    result = runner.invoke(app, [str(SAMPLE_PAGE), "-f", "json", "-q"])  # no --published
    assert result.exit_code == 0, result.output
    brief = json.loads(result.stdout)
    meta = brief["meta"]
    assert (meta["published"], meta["published_from"]) == ("2024-02-02", "page")
    assert meta["extracted_from"] == "html" and meta["site"] == "World Desk" and meta["language"] == "en"
    assert meta["title"].startswith("US says strikes")
    dates = {(d["mention"], d["date"]) for d in brief["when"]}
    assert {("this Friday (2)", "2024-02-02"), ("Sunday (28)", "2024-01-28"), ("February 8", "2024-02-08")} <= dates
    text = _body(sample_text)  # spans point into the extracted text
    for position in brief["positions"]:
        if position["quote_verified"]:
            assert text[position["quote_span"]["start"] : position["quote_span"]["end"]] == position["quote"]


@pytest.mark.vcr(str(REPLAY / "test_replayed_brief_is_valid_and_grounded[sample].yaml"))
def test_published_given_beats_the_pages_date(replay_settings, monkeypatch) -> None:
    monkeypatch.setattr("summarizer.settings.settings_from_env", lambda env=None: replay_settings)
    result = runner.invoke(app, [str(SAMPLE_PAGE), "-f", "json", "-q", "--published", "2024-02-02"])
    assert json.loads(result.stdout)["meta"]["published_from"] == "given"


@pytest.mark.vcr(str(REPLAY / "test_replayed_brief_is_valid_and_grounded[bbc-china-well].yaml"))
def test_a_real_scraped_page_briefs_like_its_text(replay_settings) -> None:
    from summarizer.pipeline import Summarizer

    brief = Summarizer(replay_settings).summarize(load_article(BBC_PAGE))
    assert brief.meta.published == "2016-11-11" and brief.meta.url == "http://www.bbc.com/news/world-asia-china-37946716"
    assert brief.meta.source == str(BBC_PAGE)


# --- URLs ---------------------------------------------------------------------------------

ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/article": (200, {"content-type": "text/html; charset=utf-8"}, SAMPLE_PAGE.read_bytes()),
    "/moved": (301, {"location": "/article"}, b""),
    "/loop": (302, {"location": "/loop"}, b""),
    "/scan": (200, {"content-type": "application/pdf"}, b"%PDF-1.7"),
    "/photo": (200, {"content-type": "image/png"}, b"\x89PNG\r\n"),
    "/data": (200, {"content-type": "application/json"}, b"{}"),
    "/gone": (404, {"content-type": "text/html"}, b"<html><body>Not found</body></html>"),
    "/plain": (200, {"content-type": "text/plain; charset=utf-8"}, b"The minister said the talks would resume."),
    "/empty-page": (200, {"content-type": "text/html"}, b"<html><body><nav>Home</nav></body></html>"),
}


@contextmanager
def page_server(big_bytes: int = 0, slow_seconds: float = 0.0) -> Iterator[str]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:
            if self.path == "/big":  # no content-length: the limit must hold while streaming
                self.send_response(200)
                self.send_header("content-type", "text/html")
                self.end_headers()
                for _ in range(big_bytes // 65536 + 1):
                    self.wfile.write(b"<p>" + b"x" * 65529 + b"</p>\n")
                return
            if self.path == "/slow":
                time.sleep(slow_seconds)
            status, headers, body = ROUTES.get(self.path, (404, {}, b""))
            self.reply(status, body, headers)

    with loopback_server(Handler) as base:
        yield base


def test_a_url_is_fetched_followed_and_extracted(sample_text: str) -> None:
    with page_server() as base:
        doc = load_article(f"{base}/moved", allow_private=True)
    assert doc.text == _body(sample_text)
    assert doc.extracted_from == "url" and doc.source == f"{base}/moved"
    assert doc.published == date(2024, 2, 2)


def test_a_plain_text_url_is_taken_as_text() -> None:
    with page_server() as base:
        doc = load_article(f"{base}/plain", allow_private=True)
    assert doc.text == "The minister said the talks would resume." and doc.url == f"{base}/plain"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/loop", "more than 5 redirects"),
        ("/scan", "is a PDF"),
        ("/photo", "is image/png, not an article page"),
        ("/data", "serves application/json, not an article page"),
        ("/gone", "answered HTTP 404"),
        ("/big", "over the 1,000,000-byte input limit"),
        ("/empty-page", "no article text found in"),
    ],
)
def test_bad_urls_are_refused_with_the_reason(path: str, message: str) -> None:
    with page_server(big_bytes=2_000_000) as base, pytest.raises(InputError, match=re.escape(message)):
        load_article(f"{base}{path}", max_bytes=1_000_000, allow_private=True)


def test_a_url_that_does_not_answer_times_out() -> None:
    started = time.perf_counter()
    with page_server(slow_seconds=3) as base, pytest.raises(InputError, match=r"did not answer within 0\.5 s"):
        load_article(f"{base}/slow", timeout=0.5, allow_private=True)
    assert time.perf_counter() - started < 5


def test_brief_of_a_url_end_to_end(replay_settings, monkeypatch, sample_text: str) -> None:
    with page_server() as base, fake_openai([recorded_ok()]) as model:
        settings = replace(replay_settings, base_url=model.url, prompt=RECORDED_PROMPT)
        monkeypatch.setattr("summarizer.settings.settings_from_env", lambda env=None: settings)
        result = runner.invoke(app, [f"{base}/article", "-f", "json", "-q", "--allow-private-urls"])
    assert result.exit_code == 0, result.output
    meta = json.loads(result.stdout)["meta"]
    assert meta["extracted_from"] == "url" and meta["url"] == "https://news.example.com/world/2024/02/02/us-strikes-iraq-syria"
    assert meta["published"] == "2024-02-02" and meta["source"] == f"{base}/article"
    assert "Kirby reaffirmed what Biden said" in model.requests[0]["json"]["messages"][1]["content"]
