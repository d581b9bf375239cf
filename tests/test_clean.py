"""What the model is shown: the article without scraped noise."""

from __future__ import annotations

from summarizer.clean import clean_for_model


def test_hashtag_trailer_is_removed(sample_text: str) -> None:
    cleaned = clean_for_model(sample_text)
    assert "#Attacks" not in cleaned
    assert cleaned.rstrip().endswith("charges the same.")


def test_stray_full_stop_after_a_sentence_is_removed(sample_text: str) -> None:
    assert "terrorists. ." in sample_text
    assert "terrorists. ." not in clean_for_model(sample_text)


def test_photo_credits_and_caption_markers_are_removed() -> None:
    scraped = "Image copyright Reuters Image caption The boy was found (Photo: Getty Images) in the well."
    assert clean_for_model(scraped) == "The boy was found in the well."


def test_article_words_are_kept() -> None:
    text = "He said the image caption was wrong. #news\nShare this story: it matters."
    assert clean_for_model(text) == text
