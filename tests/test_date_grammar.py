"""The date grammar finds and resolves exactly what it did before it became one table of forms.

``snapshots/date_mentions.json`` was written by the two-grammar ``dates.py`` (before #14): for each
fixture and dev article, a digest of every mention it found, each resolved against the article's
publication date and without one; for a battery of mentions (every direction word with every form),
a digest of each one's resolution against a Friday and against no date; and the mentions it found
in a sentence of the whole battery. The dev articles are read from ``../shared``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, SHARED, shared_data

from summarizer.dates import MONTH_NAMES, WEEKDAY_NAMES, find_date_mentions, resolve_mention

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "date_mentions.json"
FRIDAY = date(2024, 2, 2)

DIRECTIONS = ["", "this ", "last ", "next ", "this past ", "this coming ", "coming ", "past ", "on ",
              "earlier this ", "later this ", "in ", "since "]  # fmt: skip
TERMS = [
    "Friday", "friday", "Fri", "Friday (2)", "Sunday (28)", "Monday (29)", "Tues", "January", "May", "may",
    "March", "August", "week", "weekend", "month", "year", "February 8", "8 February", "Feb. 8", "Sept 12",
    "the 8th of February", "early January", "mid-March 2023", "late December", "the end of May",
    "January 2016", "2016", "1990s", "yesterday", "the day before yesterday", "tonight", "this morning",
    "11am", "11:30 GMT", "noon", "3 days ago", "two weeks later", "a fortnight ago", "Friday, Feb. 2, 2024",
    "2024-02-30", "February 31", "Wednesday (2)", "Monday, February 2", "02/03/2024", "in 2 weeks",
]  # fmt: skip


def _resolution(mention: str, published: date | None) -> list[Any]:
    r = resolve_mention(mention, published)
    return [str(r.start), str(r.end), r.resolved, r.granularity, r.note]


def _dated_name(name: str) -> date:
    match = re.search(r"\d{4}-\d\d-\d\d", name)
    assert match, name
    return date.fromisoformat(match.group())


def _articles() -> dict[str, tuple[str, date | None]]:
    """name -> (text, publication date) of the fixture articles and, when present, the dev sets."""
    out: dict[str, tuple[str, date | None]] = {}
    articles = FIXTURES / "articles"
    for path in sorted(articles.glob("*.txt")):
        out[f"fixtures/{path.name}"] = (path.read_text(encoding="utf-8"), _dated_name(path.name))
    folders = [("fixtures", articles / "giveme5w1h"), ("giveme5w1h-dev", SHARED / "eval" / "giveme5w1h-dev")]
    for label, folder in folders:
        for path in sorted(folder.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            out[f"{label}/{path.stem}"] = (data["text"], date.fromisoformat(data["date_publish"][:10]))
    sets = [("fixtures", articles / "polnear" / "polnear-dev-sample.jsonl"),
            ("polnear-dev", SHARED / "eval" / "polnear-dev" / "polnear-dev.jsonl")]  # fmt: skip
    for label, path in sets:
        for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
            row = json.loads(line)
            out[f"{label}/{row['filename']}"] = (row["text"], date.fromisoformat(row["publication_date"]))
    return out


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()[:16]


def observed() -> dict[str, Any]:
    """What the grammar makes of every article and of the battery (the snapshot's shape)."""
    mentions = {}
    for name, (text, published) in _articles().items():
        mentions[name] = _digest(
            [
                [s, e, text[s:e], _resolution(text[s:e], published), _resolution(text[s:e], None)]
                for s, e in find_date_mentions(text)
            ]
        )
    battery = {
        d + t: _digest([_resolution(d + t, FRIDAY), _resolution(d + t, None)])
        for d, t in itertools.product(DIRECTIONS, TERMS)
    }
    sentence = ". ".join(d + t for d, t in itertools.product(DIRECTIONS, TERMS))
    found = [sentence[s:e] for s, e in find_date_mentions(sentence)]
    return {"articles": mentions, "battery": battery, "battery_found": found}


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def now() -> dict[str, Any]:
    return json.loads(json.dumps(observed()))


def test_every_article_mention_is_found_and_resolved_as_before(snapshot, now) -> None:
    assert len(now["articles"]) >= 15
    differ = [name for name in now["articles"] if now["articles"][name] != snapshot["articles"].get(name)]
    assert not differ, differ[:5]


def test_the_dev_sets_are_checked_too(snapshot, now) -> None:
    shared_data("eval", "giveme5w1h-dev")
    shared_data("eval", "polnear-dev", "polnear-dev.jsonl")
    dev = [name for name in snapshot["articles"] if not name.startswith("fixtures/")]
    assert len(dev) == 50 + 84
    assert [name for name in dev if name in now["articles"]] == dev


def test_every_direction_with_every_form_resolves_as_before(snapshot, now) -> None:
    assert now["battery"] == snapshot["battery"]
    assert now["battery_found"] == snapshot["battery_found"]
    resolved = [resolve_mention(m, FRIDAY).resolved for m in now["battery"]]
    assert sum(resolved) > len(resolved) / 2  # most of them resolve against a Friday


def test_calendar_words_are_declared_once_and_in_order() -> None:
    assert WEEKDAY_NAMES[0] == "Monday" and len(WEEKDAY_NAMES) == 7
    assert MONTH_NAMES[0] == "January" and len(MONTH_NAMES) == 12
    assert [resolve_mention(f"{m} 2024", None).start.month for m in MONTH_NAMES] == list(range(1, 13))
    assert [resolve_mention(f"{d} (5)", FRIDAY).resolved for d in WEEKDAY_NAMES] == [True] + [False] * 6
