"""Free text that stays true: quoted words told as narration, fragments in `what`, stances the speaker never said."""

from __future__ import annotations

from summarizer.grounding.index import ArticleIndex
from summarizer.quality import is_fragment, narrated_quotes, quality_flags, stance_support, with_quality_flags
from summarizer.schema import Brief, Meta, Position

ARTICLE = (
    "President Joe Biden said the response “will continue at times and places of our choosing.”\n"
    "The Iraqi military condemned the strikes as “a violation of the country's sovereignty”."
)
META = Meta(model="m", endpoint="e", mode="tools", prompt_id="brief", prompt_version="3")


def _brief(**fields) -> Brief:
    return Brief(headline=fields.pop("headline", "Strikes go on"), summary=fields.pop("summary", "Strikes."),
                 meta=fields.pop("meta", META), **fields)


def test_quoted_words_told_as_narration_are_found_and_quoted_ones_are_not() -> None:
    index = ArticleIndex(ARTICLE)
    narration = "The American response will continue at times and places of our choosing."
    assert narrated_quotes(index, narration) == ["will continue at times and places of our choosing."]
    quoted = "Biden said the response “will continue at times and places of our choosing.”"
    assert narrated_quotes(index, quoted) == []
    single = "Biden said it 'will continue at times and places of our choosing', and didn't say more."
    assert narrated_quotes(index, single) == []


def test_fragments_are_phrases_without_a_finite_verb_after_the_first_word() -> None:
    for fragment in ("success", "30 minutes", "air strikes in Syria and Iraq", "met at the White House",
                     "Niki Lauda's praise", "U. S. air strikes against Iraq and Syria",
                     "Supply oxygen, food and water", "Middle East tensions", "Iran's Resistance targets"):
        assert is_fragment(fragment), fragment
    for sentence in ("The US struck 85 targets in Syria and Iraq", "Dean calls on Trump to apologize",
                     "US response will continue at times and places of our choosing", "the boy was found dead",
                     "Flynn said Trump was right", "Iraqi military condemned the US airstrikes",
                     "Massa retires", "Iran's leader Khamenei warns Washington"):
        assert not is_fragment(sentence), sentence


def test_a_stance_is_supported_by_its_speakers_words_not_by_another_speakers() -> None:
    index = ArticleIndex(ARTICLE)
    biden = Position(actor="Joe Biden", stance="The response will continue at places of our choosing.")
    assert stance_support(index, biden) == 1.0
    iraq = Position(actor="Iraqi military", stance="The response will continue at places of our choosing.")
    assert stance_support(index, iraq) is not None and stance_support(index, iraq) < 0.25


def test_flags_name_the_field_and_go_to_flags_and_warnings() -> None:
    brief = _brief(
        summary="The response will continue at times and places of our choosing.",
        what=["air strikes in Syria and Iraq"],
        positions=[Position(actor="Iraqi military", stance="Biden will choose the times and places.")],
    )
    flags = quality_flags(brief, ARTICLE)
    assert [f.split(" ", 2)[:2] for f in flags] == [["summary", "tells"], ["what", "1"], ["stance", "of"]]
    flagged = with_quality_flags(brief, ARTICLE)
    assert flagged.meta.quality_flags == flags and not flagged.meta.flags and flagged.meta.warnings == flags
    assert with_quality_flags(_brief(), ARTICLE) == _brief()


def test_fragments_and_stances_are_not_judged_in_a_brief_written_in_another_language() -> None:
    portuguese = _brief(what=["30 minutos de duração"], meta=META.model_copy(update={"brief_language": "pt"}),
                        positions=[Position(actor="Joe Biden", stance="A resposta continuará.")])
    assert quality_flags(portuguese, ARTICLE) == []


def test_quoted_words_told_as_narration_get_their_quotation_marks_back() -> None:
    from summarizer.quality import mark_quoted_words

    index = ArticleIndex(ARTICLE)
    told = "Biden said the American response will continue at times and places of our choosing. Iraq objected."
    marked = mark_quoted_words(index, told)
    assert marked == ("Biden said the American response “will continue at times and places of our choosing”. "
                      "Iraq objected.")
    assert narrated_quotes(index, marked) == []
    assert mark_quoted_words(index, marked) == marked  # already quoted: left alone
    assert mark_quoted_words(index, "Biden said the strikes will go on.") == "Biden said the strikes will go on."


def test_a_stance_the_speakers_words_do_not_support_is_rewritten_from_them_or_dropped() -> None:
    from summarizer.grounding.check import Grounded
    from summarizer.quality import rewrite_unsupported_stances
    from summarizer.schema import Span

    index = ArticleIndex(ARTICLE)
    start = ARTICLE.index("will continue")
    quote = Span(start=start, end=ARTICLE.index(".”") + 1)
    grounded = Grounded(who=[], where=[], when=[], positions=[
        Position(actor="President Joe Biden", stance="support", quote=quote.of(ARTICLE), quote_span=quote,
                 quote_verified=True),
        Position(actor="President Joe Biden", stance="approval"),  # a label beside his quoted position
        Position(actor="Iraqi military", stance="The strikes violate Iraq's sovereignty."),
        Position(actor="Antony Blinken", stance="neutral"),  # a label, supported by nothing
        Position(actor="Antony Blinken", stance="He wants a truce that frees the hostages held in Gaza."),
    ])
    rewrite_unsupported_stances(index, grounded)
    assert [p.actor for p in grounded.positions] == ["President Joe Biden", "Iraqi military", "Antony Blinken"]
    assert grounded.positions[0].stance.startswith("President Joe Biden said the response “will continue")
    assert grounded.positions[1].stance == "The strikes violate Iraq's sovereignty."  # supported: kept
    assert grounded.positions[2].stance.startswith("He wants a truce")  # unsupported, no quote: kept, flagged
    assert any("rewritten" in w for w in grounded.warnings)
