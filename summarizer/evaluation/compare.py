"""The difference between two evaluation reports (two ``--json`` files): per question, overall, cost, articles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..errors import InputError
from .attribution import ATTRIBUTION_FORMAT
from .loader import QUESTIONS
from .report import fmt
from .scoring import REPORT_FORMAT, short_id


def load_report(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: not a readable evaluation report ({error})") from None
    if not isinstance(data, dict) or data.get("format") not in (REPORT_FORMAT, ATTRIBUTION_FORMAT):
        raise InputError(f"{path}: not a `brief eval --json` report ({REPORT_FORMAT} or {ATTRIBUTION_FORMAT})")
    return data


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(b - a, 4)


def compare_reports(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """B minus A. Articles are matched by id; those in only one run are listed, not scored against."""
    if a["format"] != b["format"]:
        raise InputError("--compare needs two reports of the same kind (both 5W1H, or both PolNeAR attribution)")
    if a["format"] == ATTRIBUTION_FORMAT:
        return _compare_attribution(a, b)
    a_briefs = {x["id"]: x for x in a["briefs"]}
    b_briefs = {x["id"]: x for x in b["briefs"]}
    common = [i for i in a_briefs if i in b_briefs]
    changed = []
    for article_id in common:
        for q in QUESTIONS:
            qa = a_briefs[article_id].get("questions", {}).get(q, {})
            qb = b_briefs[article_id].get("questions", {}).get(q, {})
            if qa.get("credit") != qb.get("credit"):
                changed.append({"id": article_id, "question": q, "a": qa.get("credit"), "b": qb.get("credit"),
                                "a_answer": qa.get("top_answer"), "b_answer": qb.get("top_answer")})
    return {
        "a": {"dataset": a["dataset"], "settings": a["settings"], "articles": a["articles"]},
        "b": {"dataset": b["dataset"], "settings": b["settings"], "articles": b["articles"]},
        "same_articles": set(a_briefs) == set(b_briefs),
        "only_a": sorted(set(a_briefs) - set(b_briefs)),
        "only_b": sorted(set(b_briefs) - set(a_briefs)),
        "overall": {k: {"a": a["overall"][k], "b": b["overall"][k], "delta": _delta(a["overall"][k], b["overall"][k])}
                    for k in a["overall"]},
        "questions": {
            q: {m: {"a": a["questions"][q][m], "b": b["questions"][q][m],
                    "delta": _delta(a["questions"][q][m], b["questions"][q][m])}
                for m in ("precision", "any", "answer_precision")}
            for q in QUESTIONS
        },
        "cost": {k: {"a": a["cost"].get(k), "b": b["cost"].get(k), "delta": _delta(a["cost"].get(k), b["cost"].get(k))}
                 for k in ("faithfulness", "calls_per_brief", "prompt_tokens_per_brief",
                           "completion_tokens_per_brief", "seconds_per_brief", "quotes_verified",
                           "positions_per_brief", "coverage", "flags_per_brief")},
        "changed": changed,
    }


def _compare_attribution(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    ids_a, ids_b = {x["id"] for x in a["articles"]}, {x["id"] for x in b["articles"]}
    rows = {**{f"overall {k}": (a["overall"][k], b["overall"][k]) for k in ("speaker_accuracy", "quote_recall")},
            **{k: (a["cost"].get(k), b["cost"].get(k)) for k in ("calls_per_brief", "prompt_tokens_per_brief",
                                                                "completion_tokens_per_brief", "seconds_per_brief")}}
    return {
        "kind": "attribution",
        "a": {"settings": a["settings"], "articles": len(ids_a)},
        "b": {"settings": b["settings"], "articles": len(ids_b)},
        "same_articles": ids_a == ids_b,
        "only_a": sorted(ids_a - ids_b),
        "only_b": sorted(ids_b - ids_a),
        "measures": {k: {"a": va, "b": vb, "delta": _delta(va, vb)} for k, (va, vb) in rows.items()},
    }


def _signed(value: float | None) -> Text:
    if value is None:
        return Text("–")
    style = "green" if value > 0 else "red" if value < 0 else "dim"
    return Text(f"{value:+.2f}", style=style)


def render_comparison(diff: dict[str, Any]) -> Group:
    def label(side: dict[str, Any]) -> str:
        s = side["settings"]
        return f"{s.get('prompt')} · {s.get('mode')} · {side['articles']} articles"

    head = Text(f"A: {label(diff['a'])}\nB: {label(diff['b'])}", style="dim")
    if not diff["same_articles"]:
        head.append(f"\narticles differ: {len(diff['only_a'])} only in A, {len(diff['only_b'])} only in B — "
                    "aggregates are not like for like", style="yellow")
    if diff.get("kind") == "attribution":
        measures = Table(title="Who said what: B − A", title_justify="left")
        for column in ("measure", "A", "B", "Δ"):
            measures.add_column(column, justify="left" if column == "measure" else "right")
        for key, row in diff["measures"].items():
            measures.add_row(key.replace("_", " "), fmt(row["a"]), fmt(row["b"]), _signed(row["delta"]))
        return Group(head, measures)
    table = Table(title="B − A", title_justify="left")
    for column in ("question", "precision A", "B", "Δ", "any A", "B", "Δ"):
        table.add_column(column, justify="left" if column == "question" else "right")
    for q in QUESTIONS:
        p, n = diff["questions"][q]["precision"], diff["questions"][q]["any"]
        table.add_row(q, fmt(p["a"]), fmt(p["b"]), _signed(p["delta"]), fmt(n["a"]), fmt(n["b"]), _signed(n["delta"]))
    table.add_section()
    for key, name in (("precision", "overall, 6"), ("precision_first_four", "overall, first 4")):
        o = diff["overall"][key]
        table.add_row(name, fmt(o["a"]), fmt(o["b"]), _signed(o["delta"]), "", "", "")
    cost = Table(title="Cost and grounding", title_justify="left")
    for column in ("measure", "A", "B", "Δ"):
        cost.add_column(column, justify="left" if column == "measure" else "right")
    for key, row in diff["cost"].items():
        cost.add_row(key.replace("_", " "), fmt(row["a"]), fmt(row["b"]), _signed(row["delta"]))
    parts: list[Any] = [head, table, cost]
    if diff["changed"]:
        changes = Table(title="Top answers whose credit changed", title_justify="left")
        for column in ("article", "question", "A", "B", "A answer", "B answer"):
            changes.add_column(column)
        for c in diff["changed"]:
            changes.add_row(short_id(c["id"]), c["question"], fmt(c["a"]), fmt(c["b"]),
                            (c["a_answer"] or "–")[:50], (c["b_answer"] or "–")[:50])
        parts.append(changes)
    return Group(*parts)
