"""A batch's JSONL briefs → events: each record's article found again, then grouped (``cluster``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from ..errors import InputError
from ..schema import Brief
from .cluster import cluster_briefs
from .inputs import ARTICLE_SUFFIXES, load_one, read_briefs
from .sources import EventArticle


def _article_for(key: str, brief: Brief, folder: Path | None) -> EventArticle:
    """The briefed article: the record's source file, else ``folder/<id>.<ext>`` (spans point into it)."""
    candidates = [Path(brief.meta.source)] if brief.meta.source else []
    if folder is not None:
        candidates += [folder / f"{key}{ext}" for ext in ARTICLE_SUFFIXES]
    for path in candidates:
        if path.is_file():
            article = load_one(str(path))[0]
            return article if article.published else EventArticle(
                text=article.text, origin=article.origin, outlet=article.outlet, title=article.title,
                published=brief.meta.published)
    raise InputError(f"{key}: the briefed article is not found (give --articles FOLDER)")


def group_records(
    path: Path, folder: Path | None, *, window: timedelta
) -> tuple[list[list[EventArticle]], dict[str, Brief]]:
    """The events of a batch's briefs: groups of articles, and the briefs by article id."""
    briefs = read_briefs(path)
    if not briefs:
        raise InputError(f"{path}: no briefs in this file")
    keys = sorted(briefs)
    articles = [_article_for(k, briefs[k], folder) for k in keys]
    groups = cluster_briefs([briefs[k] for k in keys], [a.published for a in articles], window=window)
    return [[articles[i] for i in g] for g in groups], briefs
