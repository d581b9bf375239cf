"""Prompt templates are data: files in ``prompts/`` with an id and a version.

A template file starts with a small front matter block::

    ---
    id: brief
    version: 3
    ---
    You are ...

The body may use ``{placeholders}`` filled with :meth:`Prompt.render`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
_PACKAGED_DIR = Path(__file__).resolve().parent / "_prompts"


@dataclass(frozen=True)
class Prompt:
    id: str
    version: str
    template: str
    # What the model answers with these instructions: "brief" (schema.BriefAnswer, with the fact sheet) or
    # "draft" (schema.BriefDraft, the whole brief with its quotes: prompts up to brief-v3).
    answer: str = "brief"

    def render(self, **values: str) -> str:
        text = self.template
        # Plain replacement rather than str.format: templates may contain JSON braces.
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        return text


def _prompts_dir() -> Path:
    # A source checkout reads prompts/ at the top level; an installed wheel carries a copy.
    return PROMPTS_DIR if PROMPTS_DIR.is_dir() else _PACKAGED_DIR


def parse_prompt(raw: str, *, origin: str = "<string>") -> Prompt:
    if not raw.startswith("---\n"):
        raise ValueError(f"{origin}: prompt file must start with a '---' front matter block")
    header, _, body = raw[4:].partition("\n---\n")
    fields = dict(line.split(":", 1) for line in header.splitlines() if ":" in line)
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    if "id" not in fields or "version" not in fields:
        raise ValueError(f"{origin}: front matter needs 'id' and 'version'")
    answer = fields.get("answer", "brief")
    if answer not in ("brief", "draft"):
        raise ValueError(f"{origin}: 'answer' must be brief or draft, not {answer!r}")
    return Prompt(id=fields["id"], version=fields["version"], template=body.strip() + "\n", answer=answer)


def load_system_prompt(name: str) -> Prompt:
    """The brief's instructions, ``prompts/NAME.md``: a missing name is the caller's input error."""
    try:
        return load_prompt(name)
    except OSError:
        from .errors import InputError

        known = ", ".join(sorted(p.stem for p in _prompts_dir().glob("brief*.md")))
        raise InputError(f"no system prompt {name!r} (prompts/{name}.md); known: {known}") from None


@cache
def load_prompt(name: str) -> Prompt:
    path = _prompts_dir() / f"{name}.md"
    return parse_prompt(path.read_text(encoding="utf-8"), origin=str(path))
