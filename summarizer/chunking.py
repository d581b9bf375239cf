"""How many tokens an article costs, how much fits in one model call, and splitting it when it does not fit.

Token counts:

* hosted OpenAI models: ``tiktoken`` when it is installed and has its encoding cached; otherwise
* an estimate of ``ceil(chars / 3.0)``. The embedded model's tokenizer is only available with the
  model file loaded, and the flow must plan before any model is touched. Measured with Qwen2.5's own
  tokenizer (vocab-only GGUF): 51 English news articles (the sample and giveme5w1h-dev) run 3.58–5.09
  characters a token, median 4.51; the Portuguese test translation of the sample 3.50. Dividing by 3.0
  overcounts every one of them (by 16 % for the densest), so a part planned to fit does fit; the price
  is parts about a third smaller than needed for typical English.

The budget for the article in one call is the context window minus the prompt around the article
(instructions, the tool schema, the chat template: 1,104 tokens on the sample; 1,400 reserved) and
the answer (``Settings.output_tokens``).

Splitting is on paragraph boundaries (lines), falling back to sentences, then to words, for a
paragraph that alone is over budget. Parts are balanced (a 1.2-budget article becomes two parts of
0.6, not 1 and 0.2) and overlap by a little (the last paragraph, up to ``overlap_tokens``), so a
statement cut at a boundary is whole in one of them. Each part is a ``[start, end)`` range of the
article, so its spans shift into the whole article by adding ``start``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from .settings import Settings

CHARS_PER_TOKEN = 3.0
PROMPT_OVERHEAD_TOKENS = 1_400
UNKNOWN_WINDOW = 8_192  # llama.cpp's server, Ollama and vLLM are often run with this, or less
DEFAULT_OVERLAP_TOKENS = 150
# Context windows of hosted models by name prefix (longest prefix wins); BRIEF_CONTEXT_WINDOW overrides.
KNOWN_WINDOWS = {
    "gpt-4o": 128_000,
    "gpt-4.1": 1_047_576,
    "gpt-4-turbo": 128_000,
    "gpt-5": 400_000,
    "gpt-3.5-turbo": 16_385,
    "o1": 200_000,
    "o3": 200_000,
    "o4": 200_000,
}

Counter = Callable[[str], int]


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def token_counter(settings: Settings) -> Counter:
    """Exact counts for OpenAI models when tiktoken can give them; the safe estimate otherwise."""
    if settings.uses_endpoint:
        try:
            import tiktoken

            encoding = tiktoken.encoding_for_model(settings.model_name)
        except Exception:  # noqa: BLE001 - not installed, unknown model, or no cached encoding offline
            return estimate_tokens
        return lambda text: len(encoding.encode(text, disallowed_special=()))
    return estimate_tokens


def context_window(settings: Settings) -> int:
    if settings.context_window:
        return settings.context_window
    if not settings.uses_endpoint:
        return settings.n_ctx
    name = settings.model_name.lower()
    matches = [prefix for prefix in KNOWN_WINDOWS if name.startswith(prefix)]
    return KNOWN_WINDOWS[max(matches, key=len)] if matches else UNKNOWN_WINDOW


def article_budget(settings: Settings) -> int:
    """Tokens of article one call may carry: ``BRIEF_MAX_ARTICLE_TOKENS``, or the window less prompt and answer."""
    if settings.max_article_tokens:
        return settings.max_article_tokens
    return max(512, context_window(settings) - PROMPT_OVERHEAD_TOKENS - settings.output_tokens)


@dataclass(frozen=True)
class Part:
    """``[start, end)`` of the article: one model call's share of it."""

    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=\S)")


def split_article(
    text: str, budget: int, count: Counter = estimate_tokens, overlap_tokens: int = DEFAULT_OVERLAP_TOKENS
) -> list[Part]:
    """The article as one part when it fits ``budget`` tokens, else as balanced, slightly overlapping parts."""
    total = count(text)
    if total <= budget:
        return [Part(0, len(text))]
    units = [u for p in _lines(text) for u in _fit(text, p, budget, count)]
    sizes = [count(u.of(text)) for u in units]
    overlap = min(overlap_tokens, budget // 4)
    target = min(budget, math.ceil(sum(sizes) / math.ceil(sum(sizes) / (budget - overlap))) + overlap)
    parts: list[Part] = []
    first = 0
    while first < len(units):
        last, size = first, sizes[first]
        while last + 1 < len(units) and size + sizes[last + 1] <= target:
            last += 1
            size += sizes[last]
        parts.append(Part(units[first].start, units[last].end))
        if last + 1 >= len(units):
            break
        # Start the next part a paragraph early when that paragraph is small: the overlap.
        first = last if last > first and sizes[last] <= overlap else last + 1
    return parts


def _lines(text: str) -> list[Part]:
    return [Part(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]


def _fit(text: str, unit: Part, budget: int, count: Counter) -> list[Part]:
    """A paragraph, or its sentences, or its words: pieces of at most ``budget`` tokens."""
    if count(unit.of(text)) <= budget:
        return [unit]
    pieces, start = [], unit.start
    for match in _SENTENCE_END.finditer(text, unit.start, unit.end):
        pieces.append(Part(start, match.start()))
        start = match.end()
    pieces.append(Part(start, unit.end))
    if len(pieces) > 1:
        return [piece for p in pieces for piece in _fit(text, p, budget, count)]
    return _words(text, unit, budget, count)


def _words(text: str, unit: Part, budget: int, count: Counter) -> list[Part]:
    # Counting word by word keeps this linear; a sum of word counts is never below the count of their text.
    pieces, start, end, size = [], unit.start, unit.start, 0
    for match in re.finditer(r"\S+", text[unit.start : unit.end]):
        words = count(match.group()) + 1
        if end > start and size + words > budget:
            pieces.append(Part(start, end))
            start, size = unit.start + match.start(), 0
        end, size = unit.start + match.end(), size + words
    pieces.append(Part(start, end))
    return pieces
