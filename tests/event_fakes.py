"""A recording fake transport for event tests: answers a BriefDraft from the article in the request
(its first sentence, a name it holds) and an EventSummaryDraft from the facts, and counts every call.

Hand-made answers (named as such): they exercise the seam, the cache and the merge, not the model.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from openai.types.chat import ChatCompletion

from tests.fake_openai import completion_with_tool_call

_ARTICLE = re.compile(r"<article>\s*(.*?)\s*</article>", re.S)
_NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")


def _draft_for(article: str) -> dict[str, Any]:
    first = re.split(r"(?<=[.!?])\s", article.strip(), maxsplit=1)[0][:300]
    name = (_NAME.findall(article) or ["Croydon"])[0]
    return {
        "headline": " ".join(first.split()[:12]) or "A report of the event",
        "summary": first if len(first) >= 20 else first + " — as the article reports it.",
        "who": [{"name": name, "kind": "person", "role": None}],
        "what": [first],
        "where": [],
        "when": [],
        "positions": [],
        "open_questions": [],
    }


class RecordingTransport:
    """An in-process transport (``llm.transport.Transport`` shape) that answers and counts by tool name."""

    label = "fake"
    model = "fake-model"

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def _answer(self, kwargs: dict[str, Any]) -> ChatCompletion:
        tool = kwargs["tools"][0]["function"]["name"]
        self.calls[tool] += 1
        if tool == "BriefDraft":
            user = next(m["content"] for m in kwargs["messages"] if m["role"] == "user")
            match = _ARTICLE.search(user)
            args = _draft_for(match.group(1) if match else user)
        else:
            args = {"headline": "Tram derails in Croydon, several killed",
                    "summary": "A tram overturned in Croydon; the sources give different death tolls."}
        return ChatCompletion.model_validate(completion_with_tool_call(json.dumps(args), name=tool))

    def create(self, **kwargs: Any) -> ChatCompletion:
        return self._answer(kwargs)

    async def acreate(self, **kwargs: Any) -> ChatCompletion:
        return self._answer(kwargs)
