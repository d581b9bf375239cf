"""One name grammar: the same words make a name token and join a run of names (grounding/names.py)."""

from __future__ import annotations

import pytest

from summarizer.grounding.names import PARTICLES, is_name_token, name_runs
from summarizer.grounding.speakers import speaker_of
from summarizer.schema import Span


@pytest.mark.parametrize("token", ["Kirby", "O’Neill", "Sen.", "J.D.", "Al-Sisi", *PARTICLES])
def test_name_tokens(token: str) -> None:
    assert is_name_token(token)


@pytest.mark.parametrize("token", ["said", "the", "I", "i.", "minister", "2024"])
def test_not_name_tokens(token: str) -> None:
    assert not is_name_token(token)


@pytest.mark.parametrize("particle", PARTICLES)
def test_every_particle_joins_a_run_as_it_makes_a_token(particle: str) -> None:
    text = f"The minister, Maria {particle} Stefano, spoke on Monday."
    assert (text.index("Maria"), f"Maria {particle} Stefano") in name_runs(text)


def test_a_surname_expands_across_a_particle_of_either_list() -> None:
    text = "Italy’s minister Maria di Stefano arrived. Stefano said: “We will act.”"
    start = text.index("We")
    assert speaker_of(text, Span(start=start, end=start + len("We will act."))) == "Maria di Stefano"


def test_runs_leave_out_sentence_starts_calendar_words_and_headlines() -> None:
    text = "Then Donald Trump spoke. On Wednesday John Kirby said so. The Very Long Title Case Headline Here."
    names = [name for _, name in name_runs(text)]
    assert "Donald Trump" in names and "John Kirby" in names
    assert not any("Wednesday" in n or "Headline" in n for n in names)
