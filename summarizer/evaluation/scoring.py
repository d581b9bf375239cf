"""Scoring briefs against 5W1H gold: per question, per article, and overall. Pure functions, no model.

How a brief answers each question (the brief has no why/how fields):

=========  ==================================================================  =====================
question   the brief's answers, in the brief's order (the first is its "top")   compared as
=========  ==================================================================  =====================
who        ``who[]``: the name, or "role name"                                  phrases
what       ``what[]``: the events                                               phrases
when       ``when[]``: resolved ``date``..``end``, and the mention words    dates, or phrases
where      ``where[]``: place names                                             phrases
why, how   the ``summary`` (asked for "the main event, its cause and its        phrases (derived)
           consequence"), as one answer
=========  ==================================================================  =====================

Each (article, question) gets a *credit* in [0, 1] for its top answer: when it matches a gold
phrase (:mod:`.matching`), the phrase's ``coderPhraseCount`` divided by the largest count among
that question's entries (no-answer entries included). A phrase every coder chose earns 1; one only
a minority chose earns less — the automatic stand-in for the original study's "partially correct".

No-answer gold (the coders agreed the article does not say): a brief that also gives nothing is
"agreed", not scored; a brief that answers anyway scores 0 (it asserted something the coders did
not find). why/how are exempt: the summary always exists, so there it is just not scored.
A question the brief left empty while the gold has an answer is "missed": not in precision (no
answer was extracted to judge), reported as ``answered`` share.

Per question: ``precision`` = mean credit of the top answers; ``any`` = mean best credit over all
of the brief's answers; ``answer_precision`` = share of all answers that match some gold phrase.
Overall precision = the mean of the per-question precisions, over all six and over the first four
(who, what, when, where), the two figures Giveme5W1H published (0.73 and 0.82).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from ..schema import Brief
from .loader import QUESTIONS, GoldAnswer, GoldArticle
from .matching import date_matches, phrase_matches
from .runner import ArticleRun

FIRST_FOUR: tuple[str, ...] = ("who", "what", "when", "where")
DERIVED: frozenset[str] = frozenset({"why", "how"})  # answered from the summary, not a field of their own

SCORED, MISSED, AGREED, NOT_SCORED = "scored", "missed", "agreed-no-answer", "not-scored"


@dataclass(frozen=True)
class Answer:
    """One answer of a brief to one question, in the forms it may match a gold phrase."""

    label: str  # how it is shown in a report
    phrases: tuple[str, ...]
    start: str | None = None  # resolved date range (when only)
    end: str | None = None


def brief_answers(brief: Brief, question: str) -> list[Answer]:
    """The brief's answers to a 5W1H question, in the brief's order."""
    if question == "who":
        return [
            Answer(a.name, (a.name, f"{a.role} {a.name}") if a.role else (a.name,)) for a in brief.who if a.name
        ]
    if question == "what":
        return [Answer(event, (event,)) for event in brief.what if event.strip()]
    if question == "where":
        return [Answer(place.name, (place.name,)) for place in brief.where if place.name.strip()]
    if question == "when":
        return [
            Answer(f"{d.mention} = {d.date}{'..' + d.end if d.end else ''}" if d.date else d.mention, (d.mention,),
                   d.date, d.end)
            for d in brief.when
        ]
    if question in DERIVED:
        return [Answer(brief.summary, (brief.summary,))] if brief.summary.strip() else []
    raise ValueError(f"unknown question {question!r}")


def _matches(answer: Answer, gold: GoldAnswer, question: str) -> bool:
    if question == "when" and date_matches(answer.start, answer.end, gold.parsed):
        return True
    if gold.text is None:
        return False  # a date-only gold answer the brief could not resolve
    return any(phrase_matches(phrase, gold.text) for phrase in answer.phrases)


def credit(answer: Answer, article: GoldArticle, question: str) -> tuple[float, GoldAnswer | None]:
    """The answer's credit and the gold phrase it matched (the best-agreed one when several match)."""
    entries = article.gold.get(question, ())
    top_count = max((g.count for g in entries), default=1)
    matched = [g for g in article.answers(question) if _matches(answer, g, question)]
    if not matched:
        return 0.0, None
    best = max(matched, key=lambda g: g.count)
    return best.count / top_count, best


@dataclass
class QuestionScore:
    question: str
    status: str  # scored | missed | agreed-no-answer | not-scored
    credit: float | None = None  # the top answer's credit; None unless scored
    best: float | None = None  # the best credit over all answers
    answers: int = 0
    matching_answers: int = 0
    top_answer: str | None = None
    matched_gold: str | None = None
    gold: list[str] = field(default_factory=list)


def score_question(brief: Brief, article: GoldArticle, question: str) -> QuestionScore:
    answers = brief_answers(brief, question)
    gold = [g.text or f"(date {g.parsed})" for g in article.answers(question)]
    base = QuestionScore(question, SCORED, answers=len(answers), gold=gold,
                         top_answer=answers[0].label if answers else None)
    if article.has_no_answer(question):
        if not answers:
            base.status = AGREED
        elif question in DERIVED:
            base.status = NOT_SCORED
        else:
            base.credit = base.best = 0.0
        return base
    if not answers:
        base.status = MISSED
        return base
    credits = [credit(a, article, question) for a in answers]
    base.credit, top_gold = credits[0]
    base.best = max(c for c, _ in credits)
    base.matching_answers = sum(1 for _, g in credits if g is not None)
    base.matched_gold = top_gold.text or top_gold.parsed if top_gold else None
    return base


@dataclass
class ArticleScore:
    id: str
    title: str
    category: str
    error: str | None
    seconds: float
    questions: dict[str, QuestionScore]
    faithfulness: float | None = None
    calls: int = 0
    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    mode: str | None = None
    prompt: str | None = None
    positions: int = 0
    quotes: int = 0
    quotes_verified: int = 0
    warnings: int = 0
    coverage: float | None = None  # meta.coverage: share of the article's paragraphs the brief covers
    flags: int = 0  # meta.flags and meta.quality_flags: free-text problems found in code


def score_run(run: ArticleRun) -> ArticleScore:
    article, brief = run.article, run.brief
    score = ArticleScore(article.id, article.title, article.category, run.error, round(run.seconds, 3), {})
    if brief is None:
        return score
    score.questions = {q: score_question(brief, article, q) for q in QUESTIONS}
    meta = brief.meta
    score.faithfulness = meta.faithfulness
    score.calls, score.attempts = meta.calls, meta.attempts
    score.prompt_tokens, score.completion_tokens = meta.prompt_tokens, meta.completion_tokens
    score.mode, score.prompt = meta.mode, f"{meta.prompt_id} v{meta.prompt_version}"
    score.positions = len(brief.positions)
    score.quotes = sum(1 for p in brief.positions if p.quote)
    score.quotes_verified = sum(1 for p in brief.positions if p.quote and p.quote_verified)
    score.warnings = len(meta.warnings)
    score.coverage, score.flags = meta.coverage, len(meta.flags) + len(meta.quality_flags)
    return score


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def summarize_question(scores: list[ArticleScore], question: str) -> dict[str, Any]:
    rows = [s.questions[question] for s in scores if question in s.questions]
    scored = [r for r in rows if r.status == SCORED]
    with_gold = [r for r in rows if r.status in (SCORED, MISSED) and r.gold]
    answers = sum(r.answers for r in scored)
    return {
        "precision": _mean([r.credit or 0.0 for r in scored]),
        "any": _mean([r.best or 0.0 for r in scored]),
        "answer_precision": round(sum(r.matching_answers for r in scored) / answers, 4) if answers else None,
        "scored": len(scored),
        "answered": round(sum(1 for r in with_gold if r.status == SCORED) / len(with_gold), 4) if with_gold else None,
        "missed": sum(1 for r in rows if r.status == MISSED),
        "agreed_no_answer": sum(1 for r in rows if r.status == AGREED),
        "answered_no_answer": sum(1 for r in rows if r.status == SCORED and not r.gold),
        "derived": question in DERIVED,
    }


def overall(per_question: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    def macro(questions: tuple[str, ...]) -> float | None:
        values = [per_question[q]["precision"] for q in questions if per_question[q]["precision"] is not None]
        return round(statistics.fmean(values), 4) if values else None

    return {"precision": macro(QUESTIONS), "precision_first_four": macro(FIRST_FOUR)}


def cost(scores: list[ArticleScore]) -> dict[str, Any]:
    done = [s for s in scores if s.error is None]
    quotes = sum(s.quotes for s in done)
    return {
        "briefs": len(done),
        "failed": len(scores) - len(done),
        "faithfulness": _mean([s.faithfulness for s in done if s.faithfulness is not None]),
        "calls_per_brief": _mean([float(s.calls) for s in done]),
        "attempts_per_brief": _mean([float(s.attempts) for s in done]),
        "prompt_tokens_per_brief": _mean([float(s.prompt_tokens) for s in done]),
        "completion_tokens_per_brief": _mean([float(s.completion_tokens) for s in done]),
        "seconds_per_brief": _mean([s.seconds for s in done]),
        "seconds_total": round(sum(s.seconds for s in scores), 3),
        "positions_per_brief": _mean([float(s.positions) for s in done]),
        "quotes": quotes,
        "quotes_verified": round(sum(s.quotes_verified for s in done) / quotes, 4) if quotes else None,
        "coverage": _mean([s.coverage for s in done if s.coverage is not None]),
        "flags_per_brief": _mean([float(s.flags) for s in done]),
    }


REPORT_FORMAT = "brief-eval/1"


def build_report(runs: list[ArticleRun], *, dataset: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The whole evaluation as plain data: what ``--json`` writes and ``--compare`` reads."""
    scores = [score_run(r) for r in runs]
    per_question = {q: summarize_question(scores, q) for q in QUESTIONS}
    return {
        "format": REPORT_FORMAT,
        "dataset": dataset,
        "settings": settings,
        "articles": len(scores),
        "overall": overall(per_question),
        "questions": per_question,
        "cost": cost(scores),
        "briefs": [asdict(s) for s in scores],
    }


def short_id(article_id: str) -> str:
    return article_id[:10] if re.fullmatch(r"[0-9a-f]{20,}", article_id) else article_id
