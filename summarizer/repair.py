"""One targeted re-ask for quotes that grounding could not verify.

Instructor's default re-ask sends the whole conversation back with the validation error,
and the prompt grows with every attempt (2,896 → 4,906 → 7,264 tokens seen on the sample,
same wrong answer each time). Here the model gets the article once more and a short list
of only the failing items with the exact reason, and answers with a tiny object.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, Field

from .grounding.check import QuoteFailure
from .prompts import load_prompt
from .schema import MAX_LIST


class QuoteRepair(BaseModel):
    item: int = Field(description="The item number from the list.")
    quote: str | None = Field(
        description="Exact words copied from inside quotation marks in the article, or null if there are none."
    )


class QuoteRepairs(BaseModel):
    repairs: list[QuoteRepair] = Field(max_length=MAX_LIST)


def build_repair_messages(messages: list[dict[str, str]], failures: list[QuoteFailure]) -> list[dict[str, str]]:
    """The original system prompt and article, then the failing items only (not the whole first answer)."""
    items = [
        {"item": f.index, "actor": f.actor, "quote you gave": f.quote, "problem": f.reason} for f in failures
    ]
    prompt = load_prompt("repair")
    request = prompt.render(items=json.dumps(items, ensure_ascii=False, indent=1))
    return [*messages, {"role": "user", "content": request}]


def repairs_by_index(answer: QuoteRepairs, failures: list[QuoteFailure]) -> dict[int, str | None]:
    wanted = {f.index for f in failures}
    return {r.item: r.quote for r in answer.repairs if r.item in wanted}
