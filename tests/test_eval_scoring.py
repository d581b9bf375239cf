"""Scoring briefs against Giveme5W1H gold: how the gold is read, what matches, how credit adds up."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from summarizer.errors import InputError
from summarizer.evaluation.loader import GoldAnswer, GoldArticle, load_dataset, load_gold_article
from summarizer.evaluation.matching import date_matches, phrase_matches
from summarizer.evaluation.runner import ArticleRun
from summarizer.evaluation.scoring import AGREED, MISSED, NOT_SCORED, SCORED, build_report, score_question
from summarizer.schema import Actor, Brief, DateMention, Meta, Place

GOLD_DIR = FIXTURES / "articles" / "giveme5w1h"
CHINA_WELL = GOLD_DIR / "38e6814a263c875294b34f714ac3a2e5dc5cc2a9bba6163b7b1f688b.json"
TOBLERONE = GOLD_DIR / "e8a979de28fef3fdc3a5f6ee1c971260273dd814493fa1760d0b098c.json"


def _brief(**fields) -> Brief:
    meta = Meta(model="m", endpoint="e", mode="tools", prompt_id="brief", prompt_version="2", calls=1,
                prompt_tokens=100, completion_tokens=50, faithfulness=1.0)
    base = {"headline": "A headline here", "summary": "A summary of the events.", "meta": meta}
    return Brief(**{**base, **fields})


def _gold(question: str, *answers: GoldAnswer) -> GoldArticle:
    return GoldArticle(id="x", text="text", published="2016-11-08", gold={question: answers})


# --- reading the gold as it is -----------------------------------------------------


def test_gold_is_read_with_counts_and_parsed_dates() -> None:
    article = load_gold_article(CHINA_WELL)
    assert article.published == "2016-11-11"
    assert article.answers("who") == (GoldAnswer("Chinese boy", 3),)
    assert article.answers("when") == (GoldAnswer("Sunday", 3, "2016-11-12"),)
    assert [a.count for a in article.answers("what")] == [3, 2]


def test_an_entry_with_a_count_but_no_text_is_an_agreed_no_answer() -> None:
    article = load_gold_article(TOBLERONE)
    assert article.gold["where"] == (GoldAnswer(None, 2),)
    assert article.has_no_answer("where")


def test_a_when_entry_with_a_parsed_date_but_no_text_is_a_date_only_answer() -> None:
    article = load_gold_article(TOBLERONE)
    assert article.answers("when") == (GoldAnswer(None, 3, "2016-11-08"),)
    assert not article.has_no_answer("when")


def test_dataset_filters_by_file_name_prefix_and_refuses_an_empty_folder(tmp_path) -> None:
    assert [a.id[:10] for a in load_dataset(GOLD_DIR, ids=["38e6814a26", "e8a979de28"])] == ["38e6814a26",
                                                                                             "e8a979de28"]
    with pytest.raises(InputError):
        load_dataset(tmp_path)


# --- matching ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "gold"),
    [
        ("Kirby", "John Kirby"),  # a part of the gold phrase
        ("The boy was found dead in the well", "found dead"),  # the gold phrase inside a sentence
        ("Tram derailed near London", "Derails"),  # inflection
        ("Toblerone's new shape", "the Toblerone shape"),  # possessive and function words
        ("Croydon", "Croydon, Near London"),  # half of the gold phrase, and nothing else
        ("boy trapped in an abandoned well", "trapped down an abandoned well"),
    ],
)
def test_answers_that_state_the_gold_phrase_match(answer: str, gold: str) -> None:
    assert phrase_matches(answer, gold)


@pytest.mark.parametrize(
    ("answer", "gold"),
    [
        ("Sunday", "Sunday's Brazilian Grand Prix"),  # one word of four
        ("Mondelez International", "Toblerone"),
        ("Jos Verstappen", "Max Verstappen"),  # a namesake: half the words, and one the gold lacks
        ("meeting at White House", "describes first meeting with Donald Trump at White House as 'excellent'"),
        ("the", "the"),  # nothing but function words
    ],
)
def test_answers_that_do_not_state_the_gold_phrase_do_not_match(answer: str, gold: str) -> None:
    assert not phrase_matches(answer, gold)


def test_dates_match_when_the_gold_day_lies_in_the_resolved_range() -> None:
    assert date_matches("2016-11-08", None, "2016-11-08")
    assert date_matches("2016-11-01", "2016-11-10", "2016-11-08")
    assert not date_matches("2016-11-09", None, "2016-11-08")
    assert not date_matches(None, None, "2016-11-08")


# --- credit per question -------------------------------------------------------------


def test_the_top_answer_earns_the_share_of_coders_who_chose_the_phrase_it_matches() -> None:
    gold = _gold("what", GoldAnswer("found dead", 3), GoldAnswer("four-day rescue operation", 1))
    majority = score_question(_brief(what=["The boy was found dead"]), gold, "what")
    minority = score_question(_brief(what=["A four-day rescue operation ended", "The boy was found dead"]), gold,
                              "what")
    assert (majority.status, majority.credit) == (SCORED, 1.0)
    assert minority.credit == pytest.approx(1 / 3)
    assert minority.best == 1.0 and minority.matching_answers == 2


def test_a_resolved_date_matches_the_gold_parsed_day_whatever_the_words() -> None:
    gold = _gold("when", GoldAnswer(None, 3, "2016-11-08"))
    brief = _brief(when=[DateMention(mention="Tuesday", event="e", date="2016-11-08", resolved=True)])
    assert score_question(brief, gold, "when").credit == 1.0


def test_no_answer_gold_with_no_brief_answer_is_agreed_and_not_scored() -> None:
    gold = _gold("where", GoldAnswer(None, 2))
    assert score_question(_brief(where=[]), gold, "where").status == AGREED


def test_an_answer_where_the_coders_agreed_there_is_none_scores_zero() -> None:
    gold = _gold("where", GoldAnswer(None, 2))
    score = score_question(_brief(where=[Place(name="London")]), gold, "where")
    assert (score.status, score.credit) == (SCORED, 0.0)


def test_why_and_how_from_the_summary_are_not_scored_against_no_answer_gold() -> None:
    gold = _gold("why", GoldAnswer(None, 3))
    assert score_question(_brief(), gold, "why").status == NOT_SCORED


def test_an_empty_list_where_the_gold_has_an_answer_is_missed_not_wrong() -> None:
    gold = _gold("where", GoldAnswer("Hebei province", 3))
    score = score_question(_brief(where=[]), gold, "where")
    assert (score.status, score.credit) == (MISSED, None)


def test_who_matches_on_the_name_or_on_role_and_name() -> None:
    gold = _gold("who", GoldAnswer("Toblerone maker Mondelez", 3))
    brief = _brief(who=[Actor(name="Mondelez", kind="organisation", role="Toblerone maker")])
    assert score_question(brief, gold, "who").credit == 1.0


# --- the report --------------------------------------------------------------------


def test_overall_precision_is_the_mean_of_the_question_precisions() -> None:
    article = load_gold_article(CHINA_WELL)
    brief = _brief(
        who=[Actor(name="Chinese boy", kind="person")],
        what=["Rescuers dug for four days"],
        where=[Place(name="Hebei province")],
        when=[DateMention(mention="Sunday", event="fell", date="2016-11-06", resolved=True)],
        summary="A boy who fell down an abandoned well was found dead.",
    )
    report = build_report([ArticleRun(article, brief, seconds=2.0)], dataset="d", settings={})
    precision = {q: row["precision"] for q, row in report["questions"].items()}
    assert precision["who"] == 1.0 and precision["where"] == 1.0 and precision["when"] == 1.0
    assert precision["what"] == 0.0
    assert report["overall"]["precision_first_four"] == 0.75
    assert report["overall"]["precision"] == pytest.approx(sum(precision.values()) / 6, abs=1e-4)
    assert report["cost"]["calls_per_brief"] == 1.0 and report["cost"]["seconds_per_brief"] == 2.0


def test_a_failed_brief_is_counted_not_scored() -> None:
    failed = ArticleRun(load_gold_article(CHINA_WELL), None, error="timed out")
    report = build_report([failed], dataset="d", settings={})
    assert report["cost"]["failed"] == 1 and report["questions"]["who"]["scored"] == 0
    assert report["overall"]["precision"] is None
