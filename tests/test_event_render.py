"""Replay: the tram event (10 articles, 8 outlets) merged from the recorded briefs of the embedded model
(fixtures/events/giveme5w1h-dev-briefs.jsonl, real model output; the articles without a recorded brief
give their code-read facts, ``offline=True``) and rendered by every renderer. No model.

Each renderer is pinned by a snapshot (tests/snapshots/event_tram.*; rewrite with
``BRIEF_UPDATE_SNAPSHOTS=1 pytest tests/test_event_render.py`` after an intended change and review the
diff) and checked for what the editor needs: every item names its sources with spans, the casualty
figures appear as a disagreement with each outlet's number, and each chat payload is within its limits.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

import pytest

from summarizer.chat.event import render_event_payload
from summarizer.chat.limits import (
    DISCORD_TOTAL,
    MATTERMOST_POST_TEXT,
    SLACK_MAX_BLOCKS,
    SLACK_SECTION_TEXT,
    TEAMS_BODY_BYTES_BUDGET,
)
from summarizer.chat.wire import encode
from summarizer.event import summarize_event
from summarizer.event.inputs import load_articles, read_briefs
from summarizer.event.schema import EventBrief
from summarizer.render.event import to_event_json, to_event_markdown, to_event_text
from tests.conftest import EVAL_DIR, FIXTURES

RECORDED = FIXTURES / "events" / "giveme5w1h-dev-briefs.jsonl"
SNAPSHOTS = Path(__file__).parent / "snapshots"
REF = re.compile(r"s\d+@\d+-\d+")


@cache
def tram() -> tuple[EventBrief, dict[str, str]]:
    articles = load_articles([str(EVAL_DIR)], "category")["tram"]
    event = summarize_event(articles, briefs=read_briefs(RECORDED), cache=False, write_headline=False, offline=True)
    texts = {s.id: next(a.text for a in articles if a.origin == s.origin) for s in event.sources}
    return event, texts


def _snapshot(name: str, rendered: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("BRIEF_UPDATE_SNAPSHOTS") == "1":
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"no snapshot yet: run with BRIEF_UPDATE_SNAPSHOTS=1 to write {name}"
    assert rendered == path.read_text(encoding="utf-8")


def test_the_replayed_tram_event_is_merged_from_the_recorded_briefs_without_a_model() -> None:
    event, _ = tram()
    recorded = {s.origin for s in event.sources} & set(read_briefs(RECORDED))
    assert len(event.sources) == 10 and event.meta.calls == 0
    assert event.meta.cached_briefs == len(recorded) >= 4
    assert len({s.outlet for s in event.sources}) == 10  # ten outlets' names as the dataset gives them


def test_every_span_of_every_item_is_the_sources_own_words() -> None:
    event, texts = tram()
    data = json.loads(to_event_json(event))

    def supports(node: object):  # every SourceSpans in the JSON, wherever it sits
        if isinstance(node, dict):
            if "source" in node and "spans" in node:
                yield node
            for value in node.values():
                yield from supports(value)
        elif isinstance(node, list):
            for value in node:
                yield from supports(value)

    found = list(supports({k: v for k, v in data.items() if k != "sources"}))
    assert found and all(s["spans"] for s in found)
    for s in found:
        first = s["spans"][0]
        assert texts[s["source"]][first["start"]:first["end"]] == s["text"]


def test_the_casualty_figures_are_a_disagreement_with_each_outlets_number() -> None:
    event, _ = tram()
    killed = next(d for d in event.disagreements if d.subject == "killed")
    values = {v.value: {s.source for s in v.sources} for v in killed.values}
    assert values["at least 5"] == {"s2"}  # the Independent's first report
    assert len(values["at least 7"]) >= 5 and "s10" in values["7"]  # the Telegraph, a day later
    assert killed.maybe_update


def test_text_renderer_replay() -> None:
    event, _ = tram()
    text = to_event_text(event)
    section = text.split("WHERE THE SOURCES DIFFER")[1].split("\n\n")[0]
    assert "killed" in section and all(REF.search(line) for line in section.splitlines() if "–" in line)
    _snapshot("event_tram.txt", text)


def test_markdown_renderer_replay() -> None:
    event, _ = tram()
    md = to_event_markdown(event)
    assert "## Where the sources differ" in md and "](" not in md and "<http" not in md
    _snapshot("event_tram.md", md)


def test_json_renderer_replay() -> None:
    event, _ = tram()
    out = to_event_json(event)
    assert EventBrief.model_validate_json(out) == event
    _snapshot("event_tram.json", out)


@pytest.mark.parametrize("platform", ["slack", "mattermost", "discord", "teams"])
def test_chat_payload_replay_within_limits(platform: str) -> None:
    event, _ = tram()
    payload = render_event_payload(event, platform)
    if platform == "slack":
        assert len(payload["blocks"]) <= SLACK_MAX_BLOCKS
        assert all(len(b["text"]["text"]) <= SLACK_SECTION_TEXT for b in payload["blocks"] if b["type"] == "section")
    elif platform == "mattermost":
        assert len(payload["text"]) <= MATTERMOST_POST_TEXT
    elif platform == "discord":
        embed = payload["embeds"][0]
        total = len(embed["title"]) + len(embed["description"]) + sum(
            len(f["name"]) + len(f["value"]) for f in embed["fields"])
        assert total <= DISCORD_TOTAL and all(len(f["value"]) <= 1024 for f in embed["fields"])
    else:
        assert len(encode(payload)) <= TEAMS_BODY_BYTES_BUDGET
    assert "killed" in json.dumps(payload, ensure_ascii=False)
    _snapshot(f"event_tram_{platform}.json", json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def test_html_view_replay_every_source_link_lands_on_the_marked_words() -> None:
    from summarizer.render.event_html import to_event_html

    event, texts = tram()
    page = to_event_html(event, texts)
    targets = set(re.findall(r'href="#(s\d+-\d+)"', page))
    anchors = set(re.findall(r'<mark id="(s\d+-\d+)"', page))
    assert targets and targets <= anchors
    assert "<script" not in page and "default-src 'none'" in page
    assert all(f'id="{s.id}"' in page for s in event.sources)  # the switcher: one section per source
    _snapshot("event_tram.html", page)
