"""``brief eval --events``: event briefs of the dev clusters against the pooled gold of their articles.

No model: each article's brief is read from a recording (``--events BRIEFS.jsonl``), the articles are
grouped by the dataset's ``category`` (6 events in the Giveme5W1H dev set), and each group is merged
by ``summarize_event`` without the headline call. Per event and question (who, what, when, where):

* the event brief's *top* item (the one most sources support) is scored like a single brief's top
  answer (``scoring.score_question``), against the pooled gold: every annotated phrase of every
  article of the event, a phrase's credit its coder count over the largest count among them;
* beside it, the mean credit of the single-article briefs, each against its own article's gold.

An event's first-four precision is the mean over the questions it answered; the overall figure is
the mean over events.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..schema import Actor, Brief, DateMention, Meta, Place
from .loader import GoldArticle, load_dataset
from .scoring import FIRST_FOUR, SCORED, score_question


def pooled_gold(articles: list[GoldArticle], name: str) -> GoldArticle:
    """One gold article holding every annotated phrase of ``articles``."""
    gold = {q: tuple(a for art in articles for a in art.gold.get(q, ())) for q in FIRST_FOUR}
    return GoldArticle(id=name, text="", published=None, category=name, gold=gold)


def as_brief(event: Any) -> Brief:
    """The event brief's merged who/what/where/when as a ``Brief``, in the event's order, for the scorer."""
    meta = Meta(model="event", endpoint="-", mode="-", prompt_id="event", prompt_version="-")
    return Brief(
        headline=event.headline, summary=event.summary, meta=meta,
        who=[Actor(name=i.label, kind="person", role=i.role) for i in event.who],
        what=[i.label for i in event.what],
        where=[Place(name=i.label) for i in event.where],
        when=[DateMention(mention=i.label, event="", date=i.date, end=i.end) for i in event.when],
    )


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def _credits(brief: Brief, gold: GoldArticle) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for q in FIRST_FOUR:
        score = score_question(brief, gold, q)
        out[q] = (score.credit or 0.0) if score.status == SCORED else None
    return out


def score_event(name: str, gold: list[GoldArticle], briefs: list[Brief], event: Any) -> dict[str, Any]:
    event_credit = _credits(as_brief(event), pooled_gold(gold, name))
    singles = [_credits(b, g) for b, g in zip(briefs, gold, strict=True)]
    single_mean = {q: _mean([s[q] for s in singles if s[q] is not None]) for q in FIRST_FOUR}
    return {
        "event": name,
        "articles": len(gold),
        "outlets": len({g.publisher for g in gold}),
        "event_brief": event_credit,
        "single_mean": single_mean,
        "event_first_four": _mean([v for v in event_credit.values() if v is not None]),
        "single_first_four": _mean([v for v in single_mean.values() if v is not None]),
        "disagreements": len(event.disagreements),
        "only_in": len(event.only_in),
    }


def grouping(gold: list[GoldArticle], recorded: dict[str, Brief]) -> dict[str, Any]:
    """``brief events``' grouping of the recorded briefs, against the dataset's categories (pairwise)."""
    from ..event.cluster import cluster_briefs, pair_scores

    members = [a for a in gold if a.id in recorded]
    groups = cluster_briefs([recorded[a.id] for a in members], [a.published for a in members])
    return {"briefs": len(members), "groups": len(groups), **pair_scores(groups, [a.category for a in members])}


def evaluate_events(dataset: Path, briefs_file: Path) -> dict[str, Any]:
    """Every event of ``dataset`` (by category) scored from the recorded briefs; articles without one left out."""
    from ..event.api import summarize_event
    from ..event.inputs import load_one, read_briefs

    gold = load_dataset(dataset)
    recorded = read_briefs(briefs_file)
    by_event: dict[str, list[GoldArticle]] = {}
    missing = []
    for article in gold:
        if article.id in recorded:
            by_event.setdefault(article.category or "(none)", []).append(article)
        else:
            missing.append(article.id)
    if not by_event:
        raise InputError(f"{briefs_file}: no recorded brief of any article of {dataset}")
    rows = []
    for name, members in sorted(by_event.items()):
        files = [dataset / f"{a.id}.json" for a in members] if dataset.is_dir() else [dataset]
        articles = [load_one(str(f))[0] for f in files]
        event = summarize_event(articles, briefs=recorded, cache=False, write_headline=False)
        rows.append(score_event(name, members, [recorded[a.id] for a in members], event))
    return {
        "dataset": str(dataset),
        "briefs": str(briefs_file),
        "missing_briefs": missing,
        "events": rows,
        "grouping": grouping(gold, recorded),
        "overall": {
            "event_first_four": _mean([r["event_first_four"] for r in rows if r["event_first_four"] is not None]),
            "single_first_four": _mean([r["single_first_four"] for r in rows if r["single_first_four"] is not None]),
        },
    }


def render_events(report: dict[str, Any]) -> str:
    """A plain table: per event, the event brief's first-four precision beside the single briefs' mean."""
    def f(v: float | None) -> str:
        return "  -  " if v is None else f"{v:.2f}"

    lines = [f"{'event':<18} {'arts':>4} {'outl':>4}  {'event P4':>8} {'single P4':>9}   "
             + "  ".join(f"{q:>9}" for q in FIRST_FOUR) + "   disagr only-in"]
    for r in report["events"]:
        per_q = "  ".join(f"{f(r['event_brief'][q]):>4}/{f(r['single_mean'][q]):<4}" for q in FIRST_FOUR)
        lines.append(f"{r['event'][:18]:<18} {r['articles']:>4} {r['outlets']:>4}  {f(r['event_first_four']):>8} "
                     f"{f(r['single_first_four']):>9}   {per_q}   {r['disagreements']:>6} {r['only_in']:>7}")
    o = report["overall"]
    lines.append(f"{'overall (mean)':<28}  {f(o['event_first_four']):>8} {f(o['single_first_four']):>9}")
    lines.append("per question: event brief / mean of single-article briefs")
    g = report["grouping"]
    lines.append(f"grouping the {g['briefs']} briefs (brief events): {g['groups']} groups, pairwise precision "
                 f"{g['precision']:.2f}, recall {g['recall']:.2f} against the categories")
    if report["missing_briefs"]:
        lines.append(f"left out (no recorded brief): {len(report['missing_briefs'])} articles")
    return "\n".join(lines)
