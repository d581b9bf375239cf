"""The HTTP API's request and response bodies: one set of Pydantic models for validation and ``/openapi.json``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from ..schema import Brief


class BriefRequest(BaseModel):
    """One article: exactly one of ``text``, ``url`` or ``html``."""

    text: str | None = Field(default=None, description="The article as plain text or Markdown.")
    url: str | None = Field(default=None, description="An http(s) URL of an article page, fetched by the service.")
    html: str | None = Field(default=None, description="A saved article page; its body is extracted.")
    published: str | None = Field(default=None, description="Publication date, YYYY-MM-DD, to resolve dates.")
    lang: str | None = Field(default=None, description="Brief in this language (ISO 639-1); quotes stay verbatim.")
    source: str | None = Field(default=None, max_length=200, description="A name for the article, shown in meta.")

    @model_validator(mode="after")
    def _one_input(self) -> BriefRequest:
        given = [name for name in ("text", "url", "html") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of text, url or html")
        return self


class JobAccepted(BaseModel):
    id: str
    state: str
    status_url: str
    events_url: str = Field(description="Server-sent events of the job's progress (carries a ticket for it).")


class ProgressEvent(BaseModel):
    type: str
    stage: str | None = None
    message: str | None = None
    done: int | None = None
    total: int | None = None


class JobStatus(BaseModel):
    id: str
    state: Literal["queued", "running", "done", "failed"]
    created: float
    started: float | None = None
    finished: float | None = None
    progress: ProgressEvent | None = None
    error: str | None = None
    brief: Brief | None = None


class ErrorBody(BaseModel):
    error: str


__all__ = ["BriefRequest", "ErrorBody", "JobAccepted", "JobStatus", "ProgressEvent"]
