"""Grouping a batch's briefs into events (pure), and the `brief event` / `brief events` input edges."""

from __future__ import annotations

from datetime import timedelta

from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.event.cluster import cluster_briefs, keys_of, pair_scores
from summarizer.event.inputs import _published
from summarizer.schema import Actor, Brief, DateMention, Meta, Place

META = Meta(model="m", endpoint="e", mode="tools", prompt_id="brief", prompt_version="1")


def brief(headline: str, who: list[str], where: list[str], day: str | None = None) -> Brief:
    return Brief(headline=headline, summary="…", meta=META, who=[Actor(name=n, kind="person") for n in who],
                 where=[Place(name=p) for p in where],
                 when=[DateMention(mention="Wednesday", event="crash", date=day)] if day else [])


# Names as the recorded briefs of the dev set give them (tram, toberone-gate).
TRAM_1 = brief("Tram derails in Croydon, killing at least seven", ["British Transport Police"], ["Croydon"],
               "2016-11-09")
TRAM_2 = brief("Croydon tram crash: driver arrested", ["the British Transport Police"], ["Sandilands"], "2016-11-09")
TRAM_3 = brief("Seven killed as tram derails after speeding", ["Martin Bamford"], ["Croydon", "Sandilands"])
CHOC_1 = brief("Toblerone changes its shape", ["Mondelez International"], ["UK"], "2016-11-08")
CHOC_2 = brief("Fans outraged by Toblerone gaps", ["Mondelez"], ["Britain"], "2016-11-08")


def test_briefs_sharing_actors_places_and_headline_names_form_one_event() -> None:
    groups = cluster_briefs([TRAM_1, CHOC_1, TRAM_2, CHOC_2, TRAM_3], ["2016-11-09"] * 5)
    assert sorted(sorted(g) for g in groups) == [[0, 2, 4], [1, 3]]


def test_a_shared_day_alone_does_not_make_one_event() -> None:
    a = brief("Obama meets Trump", ["Barack Obama"], ["White House"], "2016-11-10")
    b = brief("Toblerone gaps", ["Mondelez"], ["UK"], "2016-11-10")
    assert len(cluster_briefs([a, b], ["2016-11-10", "2016-11-10"])) == 2
    assert "day:2016-11-10" in keys_of(a) & keys_of(b)


def test_briefs_further_apart_than_the_window_are_other_events() -> None:
    groups = cluster_briefs([TRAM_1, TRAM_2], ["2016-11-09T08:00:00", "2016-11-20T08:00:00"],
                            window=timedelta(hours=72))
    assert len(groups) == 2


def test_pair_scores_count_pairs_put_together_rightly() -> None:
    assert pair_scores([[0, 1], [2]], ["a", "a", "b"]) == {"precision": 1.0, "recall": 1.0}
    assert pair_scores([[0, 1, 2]], ["a", "a", "b"]) == {"precision": 0.3333, "recall": 1.0}


def test_a_giveme5w1h_midnight_stamp_is_a_date_without_a_time() -> None:
    assert _published("2016-11-09 00:00:00") == "2016-11-09"
    assert _published("2016-11-09 08:46:26") == "2016-11-09T08:46:26"


def test_brief_event_with_a_missing_file_is_one_line_and_exit_2(tmp_path) -> None:
    result = CliRunner().invoke(app, ["event", str(tmp_path / "nope.txt"), "--no-headline"])
    assert result.exit_code == 2
    assert "nope.txt" in result.output and "Traceback" not in result.output


def test_brief_events_with_a_file_of_no_briefs_is_exit_2(tmp_path) -> None:
    empty = tmp_path / "briefs.jsonl"
    empty.write_text('{"id": "x", "error": "ModelError", "brief": null}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["events", str(empty)])
    assert result.exit_code == 2 and "no briefs" in result.output
