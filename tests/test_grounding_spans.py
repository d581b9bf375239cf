from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.grounding import find_all, find_quote, inside_quotation_marks, normalize
from summarizer.schema import Span

ARTICLE = (Path(__file__).parents[1] / "fixtures/articles/us-strikes-iraq-syria-2024-02-02.txt").read_text()
BIDEN = "will continue at times and places of our choosing."

# Text made of what articles and model output actually contain, odd marks included.
ALPHABET = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123 .,;:!?-'\"“”‘’—–…é\u00a0\n"))
texts = st.text(ALPHABET, min_size=12, max_size=200)


def test_normalize_folds_quotes_dashes_ellipsis_space_and_case():
    assert normalize("“Don’t —  GO…”")[0] == "dont - go..."


def test_normalize_maps_each_char_back_to_its_origin():
    norm, index = normalize("a  “B”")
    assert norm == "a b"
    assert index == [0, 1, 4]


def test_normalize_composes_combining_accents():
    assert normalize("Cafe\u0301")[0] == normalize("Café")[0] == "café"


@given(texts)
def test_normalize_map_is_monotonic_and_within_bounds(text):
    norm, index = normalize(text)
    assert len(index) == len(norm)
    assert all(0 <= i < len(text) for i in index)
    assert all(a <= b for a, b in itertools.pairwise(index))


def test_exact_quote_is_exact():
    m = find_quote(ARTICLE, BIDEN)
    assert m.status == "exact"
    assert m.span.of(ARTICLE) == BIDEN
    assert m.score == 100


def test_quote_with_straight_single_quotes_instead_of_curly_double_is_normalised():
    m = find_quote(ARTICLE, "'will continue at times and places of our choosing.'")
    assert m.status == "normalised"
    assert m.span.of(ARTICLE) == BIDEN


def test_quote_without_its_final_period_is_found_without_it():
    m = find_quote(ARTICLE, "'there will be additional responses that we take'")
    assert m.status == "normalised"
    assert m.span.of(ARTICLE) == "there will be additional responses that we take"


def test_quote_with_an_added_period_after_the_closing_mark_is_normalised():
    m = find_quote(ARTICLE, "warned that the American incursion could provoke new instability.")
    assert m.status == "normalised"
    assert m.span.of(ARTICLE) == "warned that the American incursion could provoke new “instability”."


def test_quote_with_straightened_apostrophe_is_normalised():
    m = find_quote(ARTICLE, "a violation of the country’s sovereignty")
    assert m.status == "normalised"
    assert m.span.of(ARTICLE) == "a violation of the country's sovereignty"


def test_exact_quote_given_with_the_articles_own_marks_excludes_them():
    m = find_quote(ARTICLE, "“not looking for a war with Iran”")
    assert m.status == "exact"
    assert m.span.of(ARTICLE) == "not looking for a war with Iran"


def test_short_quote_with_swapped_marks_passes_when_the_article_quotes_it():
    m = find_quote(ARTICLE, "'successful'")
    assert m.status == "normalised"
    assert m.span.of(ARTICLE) == "successful"


def test_short_quote_not_verbatim_is_missing():
    assert find_quote(ARTICLE, "Successfull").status == "missing"


def test_narrative_sentence_is_exact_but_not_inside_quotation_marks():
    sentence = "The American air raid carried out this Friday was in retaliation for the drone attack"
    m = find_quote(ARTICLE, sentence)
    assert m.status == "exact"
    assert not inside_quotation_marks(ARTICLE, m.span)


def test_quoted_words_are_inside_quotation_marks():
    assert inside_quotation_marks(ARTICLE, find_quote(ARTICLE, BIDEN).span)


def test_one_changed_word_is_fuzzy_and_snaps_to_the_articles_words():
    m = find_quote(ARTICLE, "will continue at times and places of our choice.")
    assert m.status == "fuzzy"
    assert m.span.of(ARTICLE) == "will continue at times and places of our choosing"
    assert m.score >= 88


def test_paraphrase_is_missing():
    m = find_quote(ARTICLE, "the American reply will go on whenever and wherever we decide")
    assert m.status == "missing"
    assert m.span is None and m.score == 0


def test_sentence_from_another_article_is_missing():
    assert find_quote(ARTICLE, "We must not overreact to campaign rhetoric").status == "missing"


def test_ellipsis_splits_a_quote_into_parts_found_in_order():
    quote = "a violation of the country's sovereignty … represent a threat that could lead Iraq"
    m = find_quote(ARTICLE, quote)
    assert m.status == "normalised"
    assert m.span.of(ARTICLE).startswith("a violation of the country's sovereignty")
    assert m.span.of(ARTICLE).endswith("represent a threat that could lead Iraq")


def test_ellipsis_parts_out_of_order_are_not_normalised():
    quote = "represent a threat that could lead Iraq ... a violation of the country's sovereignty"
    assert find_quote(ARTICLE, quote).status in ("fuzzy", "missing")


def test_regex_metacharacters_in_a_quote_are_harmless():
    assert find_quote(ARTICLE, "(2) against more than 80 [Iranian-backed]*+?").status in ("fuzzy", "missing")


def test_repeated_quote_prefers_the_quoted_occurrence():
    text = "He will continue at times and places. Later: “will continue at times and places.”"
    m = find_quote(text, "will continue at times and places")
    assert inside_quotation_marks(text, m.span)


def test_find_all_matches_whole_words_only():
    assert [s.of(ARTICLE) for s in find_all(ARTICLE, "Iran")] == ["Iran", "Iran"]


def test_find_all_ignores_case_and_possessive_apostrophes():
    text = "Hillary Clinton’s team; HILLARY CLINTON said."
    assert [s.of(text) for s in find_all(text, "Hillary Clinton")] == ["Hillary Clinton", "HILLARY CLINTON"]


def test_find_all_of_an_absent_name_is_empty():
    assert find_all(ARTICLE, "Netanyahu") == []


def test_inside_quotation_marks_handles_straight_quotes():
    text = 'He said "we will respond" and left.'
    assert inside_quotation_marks(text, Span(start=9, end=24))
    assert not inside_quotation_marks(text, Span(start=26, end=34))


def test_apostrophes_do_not_open_quoted_passages():
    text = "The country's leader didn't say."
    assert not inside_quotation_marks(text, Span(start=14, end=20))


@settings(max_examples=300)
@given(st.data())
def test_any_substring_is_found_with_the_same_normalised_text(data):
    text = data.draw(texts)
    start = data.draw(st.integers(0, len(text) - 12))
    end = data.draw(st.integers(start + 12, len(text)))
    needle = text[start:end]
    m = find_quote(text, needle)
    if not normalize(needle)[0]:
        return  # only white space and quote marks: nothing to find
    assert m.span is not None
    assert normalize(m.span.of(text))[0] == normalize(needle)[0]


@settings(max_examples=300)
@given(st.data())
def test_substring_with_model_style_changes_is_normalised(data):
    text = data.draw(texts)
    start = data.draw(st.integers(0, len(text) - 12))
    needle = text[start : data.draw(st.integers(start + 12, len(text)))]
    changed = needle.upper().replace("“", '"').replace("’", "'").replace(" ", "  ")
    if len(normalize(needle)[0].strip(" .,;:!?-")) < 12:
        return
    m = find_quote(text, changed)
    assert m.status in ("exact", "normalised")
    found, wanted = normalize(m.span.of(text))[0], normalize(needle)[0]
    assert found in (wanted, wanted.strip(" .,;:!?-"))


@given(texts, st.text(ALPHABET, min_size=1, max_size=40))
def test_a_found_span_always_lies_within_the_text(text, quote):
    m = find_quote(text, quote, min_score=50)
    if m.span is not None:
        assert 0 <= m.span.start <= m.span.end <= len(text)
        assert m.span.of(text) == text[m.span.start : m.span.end]


@pytest.mark.parametrize("quote", [BIDEN, "'there will be additional responses that we take'"])
def test_exact_and_normalised_lookups_are_fast_on_a_10kb_article(quote):
    text = (ARTICLE + "\n") * 3  # about 10 kB
    find_quote(text, quote)
    started = time.perf_counter()
    for _ in range(100):
        find_quote(text, quote)
    assert (time.perf_counter() - started) / 100 < 0.005
