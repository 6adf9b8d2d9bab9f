"""The build's search step: the published articles into the Whoosh index and its static export,
in a background process beside page rendering (``kbgen.search.worker``)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from kbgen.articles.model import Article
from kbgen.articles.text import plain_text
from kbgen.plan import Plan, Related
from kbgen.settings import Settings

if TYPE_CHECKING:
    from kbgen.articles import Catalog
    from kbgen.search import Passage, SearchDoc, SearchSettings

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
    from kbgen.search.worker import SearchJob

    docs: list[SearchDoc] = []
    for language in plan.languages.values():  # one index and export per language
        docs.extend(
            search_docs(
                language.catalog,
                language.hc.articles,
                language.url_of,
                passages=passage_maker(settings, language.url_of),
            )
        )
    search_settings = search_settings_of(settings)
    job = SearchJob(docs, search_settings, limit=settings.related_limit)
    job.start_export(export_dir)
    return SiteSearch(job)


def search_settings_of(settings: Settings, index_dir: Path | None = None) -> SearchSettings:
    from kbgen.search import SearchSettings

    return SearchSettings(
        index_dir=index_dir or settings.search.index_dir,
        weights=dict(settings.search.weights),
        synonyms=[list(group) for group in settings.search.synonyms],
        answer_threshold=settings.search.answer_threshold,
    )


def passage_maker(
    settings: Settings, url_of: Callable[[Article], str]
) -> Callable[[Article], list[Passage]]:
    """An article's answer passages (kbgen/search/passages.py says which sections count),
    rendered from Markdown with the common extensions and cleaned with the article bodies'
    HTML allowlist; links made to work outside the article."""
    import markdown

    from kbgen.search import Passage
    from kbgen.search.passages import sections, site_links
    from kbgen.site.sanitize import clean

    md = markdown.Markdown(extensions=["tables", "attr_list", "admonition", "sane_lists"])

    def make(article: Article) -> list[Passage]:
        out = []
        for part in sections(article.body, article.title, article.lang, settings.slugify):
            html = clean(md.reset().convert(part.markdown))
            html = site_links(html, str(article.path), url_of(article))
            # plain_text turns **x**. into "x ."; the answer text is read by people (e-mail)
            text = re.sub(r"\s+([.,;:!?])", r"\1", plain_text(part.markdown))
            out.append(Passage(part.anchor, part.heading, text, html))
        return out

    return make


def search_docs(
    catalog: Catalog,
    articles: Iterable[Article],
    url_of: Callable[[Article], str],
    passages: Callable[[Article], list[Passage]] | None = None,
) -> list[SearchDoc]:
    """What the search indexes of each published article (the build and `kbgen check`)."""
    from kbgen.search import SearchDoc

    titles = {f.slug: f.title for f in catalog.folders.values()}
    return [
        SearchDoc(
            id=a.id,
            lang=a.lang,
            title=a.title,
            url=url_of(a),
            keywords=list(a.keywords),
            category=titles.get(a.category, ""),
            category_slug=a.category,
            section=titles.get(a.section, "") if a.section else "",
            body=plain_text(a.body),
            promoted=a.promoted,
            questions=list(a.questions),
            passages=passages(a) if passages else [],
        )
        for a in articles
    ]


def check_questions(catalog: Catalog, settings: Settings) -> None:
    """Warn, at its line, about each `questions:` entry whose article is not in the top 3."""
    if not settings.search.enabled or not any(a.questions for a in catalog.published):
        return
    from kbgen.search.regression import TOP, run_questions

    by_key = {(a.lang, a.id): a for a in catalog.published}
    docs = search_docs(catalog, catalog.published, lambda a: str(a.path))
    for result in run_questions(docs, search_settings_of(settings, Path("unused"))):
        if result.passed:
            continue
        article = by_key[(result.lang, result.article_id)]
        found = f"rank {result.rank}" if result.rank else "not in the first 10"
        catalog.problems.warning(
            catalog.where(article.path),
            article.meta_lines.get("questions", 1),
            f"search question {result.index + 1} '{result.question}' does not find this "
            f"article in the top {TOP} ({found}; first: {', '.join(result.top) or 'nothing'})",
            "use the question's words in the title, keywords or text, or add a synonym",
        )
