"""What a brief is doing while you wait: one small event type for every driver and every display.

The CLI prints ``message``; ``brief serve`` streams the event as server-sent events; a batch counts
stages. ``done``/``total`` are filled where the step can count (tokens read or written, bytes
assembled), so a display can show a bar instead of a spinner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Stage = Literal["assembling", "loading", "reading", "writing", "asking", "checking", "done"]


@dataclass(frozen=True)
class Progress:
    stage: Stage
    message: str
    done: int | None = None
    total: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"stage": self.stage, "message": self.message, "done": self.done, "total": self.total}


OnProgress = Callable[[Progress], None]


def ignore(_event: Progress) -> None:
    """The default listener: nobody is watching."""


__all__ = ["OnProgress", "Progress", "Stage", "ignore"]
