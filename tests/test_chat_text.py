"""Shortening and escaping rules shared by every chat renderer."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from summarizer.chat.text import (
    ELLIPSIS,
    ZERO_WIDTH_SPACE,
    escape_slack,
    join_within,
    more_text,
    neutralise_mentions,
    shorten,
    slack_safe,
)

BIDEN = "will continue at times and places of our choosing."


def test_text_that_fits_is_left_alone() -> None:
    assert shorten(BIDEN, len(BIDEN)) == BIDEN


def test_long_text_is_cut_after_a_whole_word_and_marked() -> None:
    assert shorten(BIDEN, 25) == "will continue at times…"


def test_cut_drops_a_dangling_comma_before_the_ellipsis() -> None:
    assert shorten("Kirby said, however, that the US", 22) == "Kirby said, however…"


def test_limit_applies_to_the_escaped_text() -> None:
    shortened = shorten("a & b & c & d", 12, slack_safe)
    assert len(shortened) <= 12
    assert shortened == "a &amp; b…"


def test_a_single_token_longer_than_the_limit_is_cut_inside_it() -> None:
    assert shorten("https://example.org/" + "a" * 100, 10) == "https://e…"


@given(text=st.text(alphabet=st.sampled_from("ab &<>@ \n"), max_size=80), limit=st.integers(1, 60))
def test_shortened_text_is_within_the_limit_and_made_of_whole_words(text: str, limit: int) -> None:
    raw = text.split()
    shortened = shorten(" ".join(raw), limit, slack_safe)
    assert len(shortened) <= limit
    if shortened.endswith(ELLIPSIS):
        kept = shortened.removesuffix(ELLIPSIS).split()
        # Whole leading words, or, when not even the first word fits, a piece of that word.
        whole = slack_safe(" ".join(raw[: len(kept)])).split()
        assert kept == whole or (len(kept) <= 1 and slack_safe(raw[0]).startswith("".join(kept)))


def test_slack_control_characters_become_entities() -> None:
    assert escape_slack("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_mentions_are_broken_by_a_zero_width_space() -> None:
    assert (
        neutralise_mentions("@here and @channel") == f"@{ZERO_WIDTH_SPACE}here and @{ZERO_WIDTH_SPACE}channel"
    )


def test_a_lone_at_sign_is_left_alone() -> None:
    assert neutralise_mentions("meet @ noon") == "meet @ noon"


def test_joined_list_names_how_many_items_were_left_out() -> None:
    places = ["Syria", "Iraq", "Jordan", "Gaza", "Israel", "Egypt"]
    assert join_within(places, 30, sep=", ", more=more_text("place")) == "Syria, …and 5 more places"
