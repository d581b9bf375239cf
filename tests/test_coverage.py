"""Coverage in code: which of the article's paragraphs a brief is grounded in, weighted by what they hold."""

from __future__ import annotations

from summarizer.coverage import article_paragraphs, brief_coverage, heaviest_sentence, left_out_warning, with_coverage
from summarizer.grounding.index import ArticleIndex
from summarizer.schema import Actor, Brief, Meta, Span

ARTICLE = (
    "Officials in Paris said the talks with Germany failed on Monday.\n"
    "\n"
    "Later, 3 ministers from Spain and Italy met in Rome and agreed on 12 points.\n"
    "The weather was mild."
)
META = Meta(model="m", endpoint="e", mode="tools", prompt_id="brief", prompt_version="3")


def _brief(**fields) -> Brief:
    return Brief(headline=fields.pop("headline", "x"), summary=fields.pop("summary", "y"),
                 meta=fields.pop("meta", META), **fields)


def test_paragraphs_are_numbered_without_blank_lines_and_weighted_by_names_and_numbers() -> None:
    paragraphs = article_paragraphs(ARTICLE)
    assert [p.number for p in paragraphs] == [1, 2, 3]
    assert {"Paris", "Germany"} <= set(paragraphs[0].names) and "Monday" not in paragraphs[0].names
    assert paragraphs[1].weight > paragraphs[0].weight > paragraphs[2].weight == 1


def test_a_name_grounded_in_a_paragraph_covers_it_and_the_rest_is_named() -> None:
    start = ARTICLE.index("Paris")
    brief = _brief(who=[Actor(name="Paris", kind="country", evidence=[Span(start=start, end=start + 5)])])
    share, left_out = brief_coverage(brief, ARTICLE)
    total = sum(p.weight for p in article_paragraphs(ARTICLE))
    assert share == round(article_paragraphs(ARTICLE)[0].weight / total, 3)
    assert left_out_warning(left_out) == "not covered: paragraphs 2–3 (Spain, Italy, Rome)"


def test_free_text_covers_the_paragraph_it_restates_not_one_it_shares_a_word_with() -> None:
    restates = _brief(what=["Ministers from Spain and Italy agreed on 12 points in Rome."])
    assert [p.number for p in brief_coverage(restates, ARTICLE)[1]] == [1, 3]
    one_word = _brief(what=["Italy is sunny."])
    assert [p.number for p in brief_coverage(one_word, ARTICLE)[1]] == [1, 2, 3]


def test_with_coverage_sets_the_share_and_adds_one_warning() -> None:
    brief = with_coverage(_brief(summary="Officials in Paris said talks with Germany failed."), ARTICLE)
    assert brief.meta.coverage is not None and 0 < brief.meta.coverage < 1
    assert brief.meta.warnings == ["not covered: paragraphs 2–3 (Spain, Italy, Rome)"]
    assert with_coverage(_brief(), "").meta.coverage is None


def test_a_text_without_line_breaks_is_cut_into_blocks_of_three_sentences() -> None:
    sentence = "The council in Leeds met again about the budget and the 4 new schools on the east side. "
    text = sentence * 20  # 1,780 characters on one line, as every Giveme5W1H article comes
    blocks = article_paragraphs(text)
    assert len(blocks) == 7 and all(text[p.start : p.end].count("Leeds") <= 3 for p in blocks)


def test_the_eval_report_carries_coverage_and_flags_and_compares_them() -> None:
    from summarizer.evaluation.compare import compare_reports
    from summarizer.evaluation.loader import GoldArticle
    from summarizer.evaluation.runner import ArticleRun
    from summarizer.evaluation.scoring import build_report

    article = GoldArticle(id="a", text=ARTICLE, published=None)
    covered = META.model_copy(update={"coverage": 0.5, "quality_flags": ["what 1 is a fragment, not a sentence…"]})
    report = build_report([ArticleRun(article, _brief(meta=covered))], dataset="d", settings={})
    assert (report["cost"]["coverage"], report["cost"]["flags_per_brief"]) == (0.5, 1.0)
    better = build_report([ArticleRun(article, _brief(meta=META.model_copy(update={"coverage": 0.75})))],
                          dataset="d", settings={})
    assert compare_reports(report, better)["cost"]["coverage"]["delta"] == 0.25


def test_the_heaviest_sentence_of_a_paragraph_holds_the_most_names_numbers_and_quotes() -> None:
    text = ("It was a quiet day. Then Maria Lopez of Acme Corp said 40 workers were “let go” in Lyon. "
            "Nobody knew why.\nOne more line here.")
    index = ArticleIndex(text)
    first, second = article_paragraphs(index)
    start, end = heaviest_sentence(index, first)
    assert text[start:end].startswith("Then Maria Lopez") and text[start:end].endswith("in Lyon.")
    start, end = heaviest_sentence(index, second)
    assert text[start:end] == "One more line here."  # one sentence: the paragraph itself
