"""Build the HTML test pages in fixtures/articles/html/ from real article text (see fixtures/articles/README.md).

The article words are copied unchanged from the text fixtures; only the page around them (navigation,
ads, share buttons, comments, related links, JSON-LD and OpenGraph metadata) is made here, in the shape
news sites use, so that extraction has the same noise to remove as on a saved page. Deterministic:
re-running it rewrites the same bytes.

    python scripts/make-html-fixtures.py
"""

from __future__ import annotations

import html
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "fixtures" / "articles"
OUT = ARTICLES / "html"

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title} | {site}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{description}">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{published}">
<meta name="author" content="{author}">
<link rel="canonical" href="{url}">
<script type="application/ld+json">{jsonld}</script>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"event": "pageview"}});</script>
<style>.ad-slot {{ min-height: 250px; }} .share a {{ margin-right: 8px; }}</style>
</head>
<body>
<header class="site-header">
  <a class="logo" href="/">{site}</a>
  <nav class="main-nav" aria-label="Sections">
    <ul>
      <li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
      <li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li>
      <li><a href="/culture">Culture</a></li><li><a href="/opinion">Opinion</a></li>
    </ul>
  </nav>
  <form class="search" action="/search"><input name="q" placeholder="Search"><button>Search</button></form>
  <a class="subscribe" href="/subscribe">Subscribe for $1 a week</a>
</header>
<div class="ad-slot leaderboard" id="ad-top"><span>Advertisement</span><iframe src="/ads/728x90"></iframe></div>
<main>
<article class="story">
  <nav class="breadcrumbs"><a href="/">Home</a> &rsaquo; <a href="/world">World</a></nav>
  <h1 class="headline">{title}</h1>
  <div class="byline">By <span class="author">{author}</span> &middot;
    <time datetime="{published}">{published_human}</time></div>
  <div class="share" aria-label="Share this article">
    <a href="https://facebook.com/sharer">Share on Facebook</a>
    <a href="https://twitter.com/intent/tweet">Share on X</a>
    <a href="mailto:?subject=article">Email</a>
    <button class="copy-link">Copy link</button>
  </div>
  <div class="story-body">
{paragraphs}
  </div>
  <div class="tags">{tags}</div>
  <div class="share share-bottom">
    <a href="https://facebook.com/sharer">Share on Facebook</a>
    <a href="https://twitter.com/intent/tweet">Share on X</a>
    <a href="https://wa.me/">Share on WhatsApp</a>
  </div>
</article>
<div class="ad-slot mpu" id="ad-mid"><span>Advertisement</span><iframe src="/ads/300x250"></iframe></div>
<aside class="related">
  <h2>Most read</h2>
  <ul>
    <li><a href="/a1">Ten things you missed this week</a></li>
    <li><a href="/a2">Markets close higher as investors weigh rate outlook</a></li>
    <li><a href="/a3">The best phones of the year, tested</a></li>
  </ul>
</aside>
<section class="comments" id="comments">
  <h2>Comments (3)</h2>
  <div class="comment"><b>reader_1984</b><p>This is exactly what I said would happen. Nobody listens.</p></div>
  <div class="comment"><b>J. Smith</b><p>Great reporting, thanks for keeping us informed!</p></div>
  <div class="comment"><b>anon</b><p>First!</p></div>
  <form><textarea placeholder="Join the conversation"></textarea><button>Post comment</button></form>
</section>
</main>
<footer class="site-footer">
  <p>&copy; {site}. All rights reserved.</p>
  <a href="/privacy">Privacy</a> <a href="/cookies">Cookie settings</a> <a href="/contact">Contact us</a>
  <p>Follow us on Twitter</p>
</footer>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
</body>
</html>
"""


def _page(*, title: str, site: str, url: str, author: str, published: str, lang: str, paragraphs: list[str],
          tags: list[str]) -> str:
    jsonld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": published,
        "author": {"@type": "Person", "name": author},
        "publisher": {"@type": "Organization", "name": site},
        "mainEntityOfPage": url,
        "inLanguage": lang,
    }
    return PAGE.format(
        lang=lang,
        title=html.escape(title),
        site=html.escape(site),
        url=html.escape(url),
        author=html.escape(author),
        published=published,
        published_human=published[:10],
        description=html.escape(paragraphs[0][:150]),
        jsonld=json.dumps(jsonld, ensure_ascii=False),
        paragraphs="\n".join(f"    <p>{html.escape(p, quote=False)}</p>" for p in paragraphs),
        tags=" ".join(f'<a href="/tag/{t[1:].lower()}">{html.escape(t)}</a>' for t in tags),
    )


def sample_page() -> str:
    # The sample article's paragraphs are its lines; its trailing hashtag line becomes the page's tag links.
    lines = (ARTICLES / "us-strikes-iraq-syria-2024-02-02.txt").read_text(encoding="utf-8").splitlines()
    paragraphs = [line for line in lines if line.strip() and not line.startswith("#")]
    tags = next(line for line in lines if line.startswith("#")).split()
    return _page(
        title="US says strikes on Iran-backed militias in Syria and Iraq were successful",  # written for the test
        site="World Desk",  # a made-up site name: the sample's publisher is not recorded
        url="https://news.example.com/world/2024/02/02/us-strikes-iraq-syria",
        author="World Desk staff",
        published="2024-02-02T21:40:00-03:00",
        lang="en",
        paragraphs=paragraphs,
        tags=tags,
    )


def giveme_page(name: str, author: str) -> str:
    data = json.loads((ARTICLES / "giveme5w1h" / name).read_text(encoding="utf-8"))
    # The gold text is one scraped paragraph; it is kept whole, words and noise included.
    return _page(
        title=data["title"],
        site=data["publisher"].upper() if data["publisher"] == "bbc" else data["publisher"].title(),
        url=data["url"],
        author=author,
        published=data["date_publish"].replace(" ", "T") + "Z",
        lang="en",
        paragraphs=[data["text"]],
        tags=[],
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    pages = {
        "us-strikes-iraq-syria-2024-02-02.html": sample_page(),
        "bbc-china-well-2016-11-11.html": giveme_page(
            "38e6814a263c875294b34f714ac3a2e5dc5cc2a9bba6163b7b1f688b.json", author="BBC News"
        ),
    }
    for name, text in pages.items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
