"""Which language a brief is written in, and the instruction that asks for it.

The article's language is detected (``sources/detect.py``) and recorded. The brief is written in the
article's language unless ``--lang`` asks for another; quotes, names, places and date words are
always copied in the article's language, since grounding checks them against it. An English article
briefed in English needs no instruction, so its prompt (and its recorded fixtures) stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError
from .prompts import load_prompt
from .sources.detect import LANGUAGE_NAMES, detect_language, language_name


@dataclass(frozen=True)
class LanguagePlan:
    detected: str | None  # ISO 639-1 code of the article, None when not confident
    target: str | None  # the brief's language: --lang, else the article's
    instruction: str | None  # appended to the system prompt; None when none is needed
    prompt_tag: str | None  # "language.1" when the instruction is used


def check_lang(lang: str | None) -> str | None:
    """``--lang`` as an ISO 639-1 code we can name to the model, or a clear input error."""
    if lang is None:
        return None
    code = lang.strip().lower().replace("_", "-")
    if code not in LANGUAGE_NAMES:
        known = ", ".join(sorted(c for c in LANGUAGE_NAMES if "-" not in c))
        raise InputError(f"unknown --lang {lang!r}: use a two-letter code such as en, pt, es or fr ({known})")
    return code


def plan_language(text: str, lang: str | None = None) -> LanguagePlan:
    detected = detect_language(text)
    target = check_lang(lang) or detected
    if target is None or (target == "en" and detected == "en"):
        return LanguagePlan(detected, target, None, None)
    prompt = load_prompt("language")
    instruction = prompt.render(
        article_language=language_name(detected) or "its original language",
        brief_language=language_name(target) or target,
    )
    return LanguagePlan(detected, target, instruction, f"{prompt.id}.{prompt.version}")
