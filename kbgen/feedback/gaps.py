"""Content gaps: the searches that fail most often, each with the closest existing article
(by the site's own search index, through :mod:`kbgen.search`) and a ready-made
``kbgen new`` command line to write the missing article."""

from __future__ import annotations

import logging
import shlex
from dataclasses import dataclass
from pathlib import Path

from kbgen.feedback.analytics import Analytics, QueryFigures
from kbgen.feedback.manifest import Manifest

log = logging.getLogger(__name__)

GAPS_SHOWN = 20


@dataclass
class Closest:
    id: str
    lang: str
    title: str
    url: str
    category: str


@dataclass
class Gap:
    query: QueryFigures
    closest: Closest | None
    category: str
    command: str


def _category_of(url: str, lang: str) -> str:
    parts = [p for p in url.split("/") if p]
    if parts and parts[0] == lang:
        parts = parts[1:]
    return parts[0] if len(parts) > 1 else ""


def _command(query: str, category: str) -> str:
    title = query[:1].upper() + query[1:]
    # Whatever a customer typed is quoted for the shell: the line is meant to be pasted.
    return f"kbgen new {shlex.quote(title)} --category {shlex.quote(category)}"


class _Finder:
    """Looks queries up in the built index; without one, no closest article."""

    def __init__(self, index_dir: Path | None) -> None:
        self.engine = None
        if index_dir is None:
            return
        from kbgen.search import Engine, SearchError

        try:
            self.engine = Engine(index_dir)
        except SearchError as exc:
            log.warning("Content gaps without the closest article: %s", exc)

    def closest(self, query: str, lang: str) -> Closest | None:
        if self.engine is None:
            return None
        # A failed query often finds nothing as typed; completing its words as prefixes
        # (as the search box does) still points at the nearest article.
        hits = self.engine.search(query, lang=lang, limit=1) or self.engine.search(
            query, lang=lang, limit=1, prefix=True
        )
        if not hits:
            return None
        hit = hits[0]
        return Closest(hit.id, hit.lang, hit.title, hit.url, hit.category_slug)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()


def content_gaps(
    analytics: Analytics,
    *,
    index_dir: Path | None = None,
    manifest: Manifest | None = None,
    limit: int = GAPS_SHOWN,
) -> list[Gap]:
    """The ``limit`` queries with the most failed searches (no result opened)."""
    fallback: dict[str, str] = {}  # lang → category of the most read article
    if manifest is not None:
        for use in sorted(analytics.articles.values(), key=lambda a: (-a.views, a.id)):
            ref = manifest.get(use.id, use.lang)
            category = _category_of(ref.url, ref.lang) if ref else ""
            if category and use.lang not in fallback:
                fallback[use.lang] = category
        for ref in sorted(manifest.articles.values(), key=lambda r: (r.lang, r.url)):
            fallback.setdefault(ref.lang, _category_of(ref.url, ref.lang))
    finder = _Finder(index_dir)
    gaps = []
    try:
        for q in analytics.top("failed", limit):
            closest = finder.closest(q.query, q.lang)
            category = (closest.category if closest else "") or fallback.get(q.lang, "")
            gaps.append(Gap(q, closest, category, _command(q.query, category or ".")))
    finally:
        finder.close()
    return gaps
