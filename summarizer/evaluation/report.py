"""Rendering an evaluation report (the plain data of :func:`.scoring.build_report`) as rich tables."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from .loader import QUESTIONS
from .scoring import short_id

PUBLISHED = {"precision": 0.73, "precision_first_four": 0.82}  # Giveme5W1H, expert assessors (Hamborg et al. 2019)


def fmt(value: float | None, *, percent: bool = False, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:.0%}" if percent else f"{value:.{digits}f}"


def questions_table(report: dict[str, Any]) -> Table:
    table = Table(title="Score per question (automatic, against the gold phrases)", title_justify="left")
    for column in ("question", "precision", "any answer", "answer precision", "scored", "answered",
                   "missed", "no-answer agreed", "answered no-answer"):
        table.add_column(column, justify="left" if column == "question" else "right")
    for q in QUESTIONS:
        row = report["questions"][q]
        name = f"{q} (from summary)" if row["derived"] else q
        table.add_row(name, fmt(row["precision"]), fmt(row["any"]), fmt(row["answer_precision"]), str(row["scored"]),
                      fmt(row["answered"], percent=True), str(row["missed"]), str(row["agreed_no_answer"]),
                      str(row["answered_no_answer"]))
    table.add_section()
    o = report["overall"]
    table.add_row("overall, 6 questions", fmt(o["precision"]), "", "", "", "", "", "", "")
    table.add_row("overall, who/what/when/where", fmt(o["precision_first_four"]), "", "", "", "", "", "", "")
    table.caption = (f"Giveme5W1H published (human assessors): {PUBLISHED['precision']} over six, "
                     f"{PUBLISHED['precision_first_four']} over the first four — not the same measure (docs/eval.md)")
    return table


def cost_table(report: dict[str, Any]) -> Table:
    c = report["cost"]
    table = Table(title="Briefs", title_justify="left", show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = [
        ("briefs written / failed", f"{c['briefs']} / {c['failed']}"),
        ("faithfulness (mean)", fmt(c["faithfulness"], percent=True)),
        ("LLM calls per brief", fmt(c["calls_per_brief"])),
        ("tokens per brief (prompt + completion)",
         f"{fmt(c['prompt_tokens_per_brief'], digits=0)} + {fmt(c['completion_tokens_per_brief'], digits=0)}"),
        ("wall time per brief", f"{fmt(c['seconds_per_brief'], digits=1)} s"),
        ("positions per brief", fmt(c["positions_per_brief"], digits=1)),
        ("quotes verbatim (verified / given)", f"{fmt(c['quotes_verified'], percent=True)} of {c['quotes']}"),
        ("coverage of the article (mean)", fmt(c.get("coverage"), percent=True)),
        ("free-text flags per brief", fmt(c.get("flags_per_brief"), digits=1)),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table


def articles_table(report: dict[str, Any]) -> Table:
    table = Table(title="Per article (top-answer credit; · = not scored)", title_justify="left")
    table.add_column("article")
    table.add_column("category")
    for q in QUESTIONS:
        table.add_column(q, justify="right")
    table.add_column("faithful", justify="right")
    table.add_column("calls", justify="right")
    table.add_column("s", justify="right")
    for brief in report["briefs"]:
        if brief["error"]:
            table.add_row(short_id(brief["id"]), brief["category"], Text(f"failed: {brief['error'][:60]}", "red"))
            continue
        cells = []
        for q in QUESTIONS:
            row = brief["questions"][q]
            cells.append(fmt(row["credit"]) if row["status"] == "scored" else "·")
        table.add_row(short_id(brief["id"]), brief["category"], *cells, fmt(brief["faithfulness"], percent=True),
                      str(brief["calls"]), f"{brief['seconds']:.0f}")
    return table


def render_report(report: dict[str, Any], *, per_article: bool = True) -> Group:
    s = report.get("settings", {})
    header = Text(f"{report['articles']} article(s) from {report['dataset']} · model {s.get('model')} "
                  f"({s.get('endpoint')}, mode {s.get('mode')}) · prompt {s.get('prompt')}", style="dim")
    parts: list[Any] = [header, questions_table(report), cost_table(report)]
    if per_article:
        parts.append(articles_table(report))
    return Group(*parts)


def render_attribution(report: dict[str, Any], *, per_article: bool = True) -> Group:
    """The speaker check against PolNeAR (``attribution.py``): pooled figures, cost, then one row an article."""
    s, o, c = report.get("settings", {}), report["overall"], report["cost"]
    header = Text(f"{c['briefs'] + c['failed']} article(s) from {report['dataset']} · model {s.get('model')} "
                  f"({s.get('endpoint')}, mode {s.get('mode')}) · prompt {s.get('prompt')}", style="dim")
    table = Table(title="Who said what (against PolNeAR's attribution spans)", title_justify="left",
                  show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in (
        ("speaker right (of verified quotes matched to a gold quote)",
         f"{fmt(o['speaker_accuracy'], percent=True)} of {o['matched']}"),
        ("gold direct quotes found by a verified quote",
         f"{fmt(o['quote_recall'], percent=True)} of {o['gold_quotes']}"),
        ("verified quotes no gold quote covers", str(o["unmatched"])),
        ("briefs written / failed", f"{c['briefs']} / {c['failed']}"),
        ("LLM calls per brief", fmt(c["calls_per_brief"])),
        ("tokens per brief (prompt + completion)",
         f"{fmt(c['prompt_tokens_per_brief'], digits=0)} + {fmt(c['completion_tokens_per_brief'], digits=0)}"),
        ("wall time per brief", f"{fmt(c['seconds_per_brief'], digits=1)} s"),
    ):
        table.add_row(name, value)
    parts: list[Any] = [header, table]
    if per_article:
        rows = Table(title="Per article", title_justify="left")
        for column in ("article", "gold quotes", "verified", "matched", "speaker right", "found", "wrong speaker"):
            rows.add_column(column, justify="left" if column in ("article", "wrong speaker") else "right")
        for a in report["articles"]:
            wrong = "; ".join(f"{w['actor']} (gold: {w['gold']})" for w in a["wrong"])
            rows.add_row(a["id"][:40], str(a["gold_quotes"]), str(a["verified_quotes"]), str(a["matched"]),
                         str(a["right"]), str(a["found"]), wrong)
        for f in report["failures"]:
            rows.add_row(f["id"][:40], Text(f"failed: {(f['error'] or '')[:60]}", "red"))
        parts.append(rows)
    return Group(*parts)
