"""Who said what, against PolNeAR's human attribution spans: is each quoted position's speaker right?

PolNeAR (``shared/eval/polnear-dev/polnear-dev.jsonl``) annotates every attribution in an article as
source (the speaker), cue ("said") and content (what was said), each with character spans. A brief's
position with a verified quote is *matched* when its quote span overlaps a gold content span that holds a
passage in quotation marks (a direct quote); its speaker is *right* when the position's actor is that
attribution's source (``same_actor``: "Trump" ~ "Donald Trump"). Gold sources come in three kinds:

* named ("Trump", "House Speaker Paul D. Ryan (R-Wis.)"): compared as they are;
* pronouns ("he", "she", "they"): the annotation does not resolve them, so the reference is the nearest
  named source annotated before the pronoun (the person the pronoun most likely continues); a pronoun with
  none before it is left out;
* unnamed descriptions ("a source", "the announcer"): compared as they are (a brief naming someone for
  "a source" is wrong).

Per article and overall: ``speaker_accuracy`` = right / matched; ``quote_recall`` = the gold direct quotes
some verified brief quote overlaps / all gold direct quotes; ``unmatched`` = verified quotes no gold direct
quote covers (an annotator may have skipped one; they are not counted as wrong).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..grounding.spans import quoted_regions
from ..grounding.speakers import same_actor
from ..schema import Brief, Span

ATTRIBUTION_FORMAT = "brief-eval-attribution/1"  # the --json report's "format", for --compare
PRONOUNS = frozenset({"he", "she", "it", "they", "who", "which", "i", "we", "him", "her", "you"})
_DETERMINERS = frozenset({"the", "a", "an", "another", "some", "many", "several", "one", "two", "three"})


@dataclass(frozen=True)
class GoldQuote:
    """One gold attribution of a direct quote: the quoted words' span and who said them."""

    span: Span  # the words inside the quotation marks
    source: str  # as annotated: a name, a pronoun or a description
    kind: str  # "named", "pronoun" or "unnamed"
    reference: str  # the speaker a brief must name: the source, or a pronoun's named antecedent


@dataclass(frozen=True)
class AttributedArticle:
    id: str
    text: str
    published: str | None
    title: str = ""
    publisher: str = ""
    quotes: tuple[GoldQuote, ...] = field(default_factory=tuple)


def source_kind(source: str, text: str) -> str:
    toks = source.split()
    if not toks:
        return "unnamed"
    if len(toks) == 1 and toks[0].lower() in PRONOUNS:
        return "pronoun"
    if any(t[0].isupper() for t in toks[1:]):
        return "named"
    first = toks[0]
    # A capitalised first word is a name unless the article also uses it in lower case ("Officials").
    if first[0].isupper() and first.lower() not in _DETERMINERS:
        if not re.search(rf"\b{re.escape(first.lower())}\b", text):
            return "named"
    return "unnamed"


def quote_in(text: str, spans: list[list[int]]) -> Span | None:
    """The first passage in quotation marks inside a content span: its words, marks and edge spaces excluded."""
    for start, end in spans:
        for a, b in quoted_regions(text):
            if start <= a and b <= end + 1 and b - a > 2:
                words = text[a + 1 : b]
                lead = len(words) - len(words.lstrip())
                s, e = a + 1 + lead, a + 1 + len(words.rstrip())
                if e > s:
                    return Span(start=s, end=e)
    return None


def gold_quotes(text: str, attributions: list[dict[str, Any]]) -> tuple[GoldQuote, ...]:
    sourced = [a for a in attributions if (a.get("source") or {}).get("spans")]
    out: list[GoldQuote] = []
    for att in sourced:
        span = quote_in(text, (att.get("content") or {}).get("spans") or [])
        if span is None:
            continue  # paraphrase or thought: no words to check a quote against
        source = att["source"]["text"].strip()
        if not source:
            continue
        kind = source_kind(source, text)
        reference = source
        if kind == "pronoun":
            at = att["source"]["spans"][0][0]
            earlier = [
                (a["source"]["spans"][0][0], a["source"]["text"].strip())
                for a in sourced
                if a["source"]["spans"][0][0] < at and source_kind(a["source"]["text"].strip(), text) == "named"
            ]
            if not earlier:
                continue
            reference = max(earlier)[1]
        out.append(GoldQuote(span, source, kind, reference))
    return tuple(out)


def load_polnear(path: Path, *, limit: int | None = None, ids: list[str] | None = None) -> list[AttributedArticle]:
    """Articles of a PolNeAR JSONL file (or the folder holding one), first annotator of each, by file name."""
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise InputError(f"{path}: no .jsonl file")
        path = files[0]
    seen: dict[str, AttributedArticle] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            name, text = row["filename"], row["text"]
            if name in seen:
                continue  # a second annotator of the same article
            quotes = gold_quotes(text, row.get("attributions") or [])
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            raise InputError(f"{path}:{number}: not a PolNeAR record (filename, text, attributions)") from None
        seen[name] = AttributedArticle(
            id=name,
            text=text,
            published=row.get("publication_date"),
            title=row.get("title") or "",
            publisher=row.get("publisher") or "",
            quotes=quotes,
        )
    articles = sorted(seen.values(), key=lambda a: a.id)
    if ids:
        articles = [a for a in articles if any(a.id.startswith(i) for i in ids)]
    return articles[:limit] if limit is not None else articles


def is_polnear(path: Path) -> bool:
    """A PolNeAR file, or a folder whose data is one: what ``brief eval`` scores for attribution."""
    if path.is_dir():
        return any(path.glob("*.jsonl")) and not any(path.glob("*.json"))
    return path.suffix == ".jsonl"


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def score_brief(article: AttributedArticle, brief: Brief) -> dict[str, Any]:
    """Speaker and quote figures of one brief against its article's gold direct quotes."""
    verified = [p for p in brief.positions if p.quote_verified and p.quote_span is not None]
    matched = right = unmatched = 0
    wrong: list[dict[str, str]] = []
    for position in verified:
        assert position.quote_span is not None
        gold = [q for q in article.quotes if _overlaps(q.span, position.quote_span)]
        if not gold:
            unmatched += 1
            continue
        matched += 1
        if any(same_actor(position.actor, q.reference) for q in gold):
            right += 1
        else:
            wrong.append({"actor": position.actor, "gold": gold[0].reference, "quote": position.quote or ""})
    found = sum(
        any(p.quote_span is not None and _overlaps(q.span, p.quote_span) for p in verified) for q in article.quotes
    )
    return {
        "id": article.id,
        "gold_quotes": len(article.quotes),
        "verified_quotes": len(verified),
        "matched": matched,
        "right": right,
        "unmatched": unmatched,
        "found": found,
        "speaker_accuracy": round(right / matched, 3) if matched else None,
        "quote_recall": round(found / len(article.quotes), 3) if article.quotes else None,
        "wrong": wrong,
    }


def attribution_report(
    runs: list[Any], *, dataset: str = "", settings: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Per-article and pooled attribution figures, plus cost, for ``ArticleRun``s of PolNeAR articles."""
    rows = [score_brief(run.article, run.brief) for run in runs if run.brief is not None]
    matched = sum(r["matched"] for r in rows)
    gold = sum(r["gold_quotes"] for r in rows)
    briefs = [run.brief for run in runs if run.brief is not None]
    count = max(len(briefs), 1)
    return {
        "format": ATTRIBUTION_FORMAT,
        "dataset": dataset,
        "settings": settings or {},
        "overall": {
            "speaker_accuracy": round(sum(r["right"] for r in rows) / matched, 3) if matched else None,
            "quote_recall": round(sum(r["found"] for r in rows) / gold, 3) if gold else None,
            "matched": matched,
            "unmatched": sum(r["unmatched"] for r in rows),
            "gold_quotes": gold,
        },
        "cost": {
            "briefs": len(briefs),
            "failed": sum(run.brief is None for run in runs),
            "calls_per_brief": round(sum(b.meta.calls for b in briefs) / count, 2),
            "prompt_tokens_per_brief": round(sum(b.meta.prompt_tokens for b in briefs) / count, 1),
            "completion_tokens_per_brief": round(sum(b.meta.completion_tokens for b in briefs) / count, 1),
            "seconds_per_brief": round(sum(run.seconds for run in runs) / max(len(runs), 1), 2),
        },
        "articles": rows,
        "failures": [{"id": run.article.id, "error": run.error} for run in runs if run.brief is None],
    }
