"""The build's search step: the published articles into the Whoosh index and its static export,
in a background process beside page rendering (``kbgen.search.worker``)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from kbgen.articles.text import plain_text
from kbgen.plan import Plan, Related

log = logging.getLogger("kbgen.search")


class SiteSearch:
    """The search work of one build. Without search (``search.enabled: false``) every step is a
    no-op and there are no related lists."""

    def __init__(self, job: object | None, timings: dict[str, float] | None = None) -> None:
        self.job = job
        self._related: Related | None = None if job is not None else {}
        self.timings: dict[str, float] = timings if timings is not None else {}

    def related(self) -> Related:
        """Related article ids; the first call waits for the index."""
        if self._related is None:
            started = time.perf_counter()
            self._related = self.job.related()  # type: ignore[union-attr]
            self.timings["search_index_wait"] = time.perf_counter() - started
            self.timings["search_index"] = self.timings["search_index_wait"]
            log.info(f"search index: {self.job.index_stats()}")  # type: ignore[union-attr]
        return self._related

    def finish(self, timings: dict[str, float]) -> None:
        """Wait for the export (it ran while pages rendered)."""
        if self.job is None:
            return
        started = time.perf_counter()
        stats = self.job.finish()  # type: ignore[attr-defined]
        timings.update(self.timings)
        timings["search_export_wait"] = time.perf_counter() - started
        if stats is not None:
            log.info(f"search export: {stats}")
        self.job = None

    def close(self) -> None:
        if self.job is not None:
            self.job.close()  # type: ignore[attr-defined]
            self.job = None


def start_search(plan: Plan, export_dir: Path) -> SiteSearch:
    """Start indexing the plan's articles and exporting the index into ``export_dir``."""
    settings = plan.settings
    if not settings.search.enabled:
        return SiteSearch(None)
    from kbgen.search import SearchDoc, SearchSettings
    from kbgen.search.worker import SearchJob

    titles = {f.slug: f.title for f in plan.catalog.folders.values()}
    docs = [
        SearchDoc(
            id=a.id,
            lang=a.lang,
            title=a.title,
            url=plan.url_of(a),
            keywords=list(a.keywords),
            category=titles.get(a.category, ""),
            category_slug=a.category,
            section=titles.get(a.section, "") if a.section else "",
            body=plain_text(a.body),
            promoted=a.promoted,
        )
        for a in plan.hc.articles
    ]
    search_settings = SearchSettings(
        index_dir=settings.search.index_dir,
        weights=dict(settings.search.weights),
        synonyms=[list(group) for group in settings.search.synonyms],
    )
    job = SearchJob(docs, search_settings, limit=settings.related_limit)
    job.start_export(export_dir)
    return SiteSearch(job)
