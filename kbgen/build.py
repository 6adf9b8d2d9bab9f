"""The build, top to bottom: configuration → articles → plan → search → render → publish → report.

Engine-neutral. The site layer reads the configuration into :class:`~kbgen.settings.Settings`
and hands in a :class:`Renderer` (MkDocs with material and kbgen's theme, ``kbgen.site``) that
decides URLs and draws the plan's pages; everything else happens here, in :func:`build`:

1. load and check the articles (errors, and warnings when strict, stop the build);
2. plan the site: structure, URLs, page models and views, the article manifest;
3. start the search index and its static export in a background process;
4. render: only the changed pages when the previous site and its page keys are at hand;
5. publish: the new site is swapped in; a failed build leaves the previous one untouched;
6. report: :class:`BuildRecord` (timings, problems) → ``kbgen.report.build_report``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kbgen import paths, views
from kbgen import plan as site_plan
from kbgen.articles import Article, Catalog, LoadOptions, Problems, Severity, check, load
from kbgen.articles.dates import git_dates
from kbgen.cache import BuildCache, digest
from kbgen.exceptions import ArticleError
from kbgen.indexing import SiteSearch, check_questions, start_search
from kbgen.plan import Page, Plan, Related, Urls
from kbgen.settings import Settings
from kbgen.translations import Translation
from kbgen.translations import status as translation_status

log = logging.getLogger("kbgen")
problem_log = logging.getLogger("kbgen.articles")


@dataclass
class RenderJob:
    """What the renderer draws: the plan's pages into ``site_dir``.

    ``changed`` lists the pages to render in an incremental build (None: all); the others are
    carried over from the previous site already in ``site_dir``."""

    plan: Plan
    site_dir: Path
    related: Callable[[], Related]
    changed: set[str] | None = None
    views: dict[str, views.PageView] = field(default_factory=dict)

    def view(self, page: Page) -> views.PageView:
        found = self.views.get(page.src_uri)
        if found is None:
            found = self.views[page.src_uri] = views.view(self.plan, page, self.related)
        return found


class Renderer(Protocol):
    """The site engine: decides URLs and writes pages (``kbgen.site.render``)."""

    urls: Urls

    def render(self, job: RenderJob) -> set[str]:
        """Write the site into ``job.site_dir``; return every site-relative file it holds."""
        ...


@dataclass
class BuildRecord:
    """What a build found and measured, filled in as it runs, so a failed build reports too
    (``kbgen.report``)."""

    site_dir: Path
    timings: dict[str, float] = field(default_factory=dict)
    catalog: Articles | None = None
    seconds: float | None = None  # set when the site was published


def build(settings: Settings, renderer: Renderer, record: BuildRecord | None = None) -> BuildRecord:
    """Build the help center atomically: into a folder beside the site, swapped in on success;
    a failed build leaves the previous site untouched."""
    record = record or BuildRecord(settings.site_dir)
    started = time.perf_counter()
    record.catalog = catalog = read_articles(settings, record.timings)
    stop_on_problems(catalog, settings.strict)
    plan = make_plan(catalog, settings, renderer.urls)
    cache = BuildCache(settings.cache_dir)
    staging, previous = stage(settings.site_dir, cache)
    search = start_search(plan, staging / paths.SEARCH_EXPORT)
    try:
        job = RenderJob(plan, staging, search.related)
        keys = page_keys(job) if previous else None  # waits for the related lists
        if keys is not None:
            job.changed = changed_pages(job, keys, previous, record.timings)
        else:
            record.timings["pages_to_build"] = len(plan.pages)
        outputs = renderer.render(job)
        search.finish(record.timings)
        if previous:
            prune(staging, outputs)
        keys = keys or page_keys(job)
    except BaseException:
        search.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish(staging, settings.site_dir, cache, keys)
    record.seconds = time.perf_counter() - started
    return record


def prepare(settings: Settings, urls: Urls, site_dir: Path) -> tuple[RenderJob, SiteSearch]:
    """The pipeline's first steps for an engine that runs the build itself (``mkdocs serve``):
    articles, plan, search into ``site_dir``; the caller renders and finishes the search."""
    catalog = read_articles(settings)
    stop_on_problems(catalog, settings.strict)
    plan = make_plan(catalog, settings, urls)
    search = start_search(plan, site_dir / paths.SEARCH_EXPORT)
    return RenderJob(plan, site_dir, search.related), search


# -- articles -----------------------------------------------------------------------------


def stop_on_problems(catalog: Articles, strict: bool) -> None:
    """Log every problem; stop on errors (and, when strict, on warnings) with an
    :class:`ArticleError`."""
    log_problems(catalog)
    errors, warnings = catalog.problems.errors, catalog.problems.warnings
    if errors:
        raise ArticleError(
            f"{len(errors)} article error(s) found; fix them and build again "
            "(`kbgen check` lists every problem)"
        )
    if strict and warnings:
        raise ArticleError(
            f"{len(warnings)} article warning(s) in strict mode; fix them or build without "
            "--strict (`kbgen check` lists every problem)"
        )


@dataclass
class Articles:
    """The articles of every language (the default first) and their translation status."""

    catalogs: dict[str, Catalog]
    translations: list[Translation] = field(default_factory=list)

    @property
    def problems(self) -> Problems:
        found = Problems()
        for catalog in self.catalogs.values():
            found.extend(catalog.problems)
        return found

    @property
    def articles(self) -> list[Article]:
        return [a for catalog in self.catalogs.values() for a in catalog.articles]

    @property
    def published(self) -> list[Article]:
        return [a for catalog in self.catalogs.values() for a in catalog.published]


def read_articles(settings: Settings, timings: dict[str, float] | None = None) -> Articles:
    """Load and check every article of every language (what `kbgen check` reports)."""
    started = time.perf_counter()
    cache = BuildCache(settings.cache_dir)
    languages = settings.all_languages
    catalogs: dict[str, Catalog] = {}
    for index, lang in enumerate(languages):
        # The default language's articles are the folder itself, without the other
        # languages' folders; every other language has its own folder (articles/en/).
        root = settings.docs_dir if index == 0 else settings.docs_dir / lang
        exclude = settings.exclude + (languages[1:] if index == 0 else ())
        options = LoadOptions(
            default_lang=lang,
            max_file_bytes=settings.max_file_kb * 1024,
            exclude=exclude,
            extra_front_matter=settings.extra_front_matter,
        )
        key = digest([str(root.resolve()), str(settings.root), repr(options)])
        catalog = load(root, options, display_root=settings.root, cache=cache.load_articles(key))
        # Saved before checks and dates touch the articles: the cache holds what the files say.
        cache.save_articles(key, catalog.cache)
        check(catalog, slugify=settings.slugify)
        check_questions(catalog, settings)  # writers' search regression tests (`questions:`)
        if index and not root.is_dir():
            catalog.problems.warning(
                catalog.where(""),
                0,
                f"no folder for language '{lang}'",
                f"put its articles in {catalog.where('')} or remove '{lang}' from 'languages'",
            )
        if len(languages) > 1:
            _keep_folder_language(catalog, lang)
        catalogs[lang] = catalog
    articles = Articles(catalogs, translation_status(catalogs))
    if timings is not None:
        timings["load_and_check"] = time.perf_counter() - started
    return articles


def _keep_folder_language(catalog: Catalog, lang: str) -> None:
    """An article's language is its folder's; a different `lang:` is a mistake to point out."""
    for article in catalog.articles:
        if article.lang != lang:
            catalog.problems.warning(
                catalog.where(article.path),
                article.meta_lines.get("lang", 1),
                f"'lang: {article.lang}' in the '{lang}' articles; published as '{lang}'",
                "move the file to that language's folder or remove 'lang:'",
            )
            article.lang = lang


def log_problems(catalog: Articles) -> None:
    levels = {
        Severity.ERROR: logging.ERROR,
        Severity.WARNING: logging.WARNING,
        Severity.INFO: logging.DEBUG,
    }
    for problem in catalog.problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        hint = f" ({problem.hint})" if problem.hint else ""
        problem_log.log(levels[problem.severity], f"{where}: {problem.message}{hint}")


def fill_dates(catalog: Catalog) -> dt.date | None:
    """Dates from git for articles without `updated`; returns the newest date of the content.

    Pages are stamped (sitemap lastmod, the gzipped sitemap's header) with content dates, not
    the build time, so two builds of the same input are byte-identical. SOURCE_DATE_EPOCH, when
    set, is the date of pages that have none.
    """
    missing = [a for a in catalog.articles if a.updated is None]
    if missing:
        dates = git_dates(catalog.root)
        for article in missing:
            article.updated = dates.get(str(article.path))
    known = [a.updated for a in catalog.published if a.updated]
    if "SOURCE_DATE_EPOCH" in os.environ or not known:
        return None
    return max(known)


def make_plan(articles: Articles, settings: Settings, urls: Urls) -> Plan:
    dates = [fill_dates(catalog) for catalog in articles.catalogs.values()]
    known = [d for d in dates if d is not None]
    newest = max(known) if known else None
    return site_plan.make(articles.catalogs, settings, urls, newest, articles.translations)


# -- incremental builds -------------------------------------------------------------------


def page_keys(job: RenderJob) -> dict[str, str]:
    """Every page keyed by its inputs: the configuration, theme and code (the settings'
    fingerprint), the site-wide parts of its language and the page's own view."""
    plan = job.plan
    site_keys = {
        lang: digest([plan.settings.fingerprint, views.site_inputs(plan, lang)])
        for lang in plan.languages
    }
    return {
        uri: digest(views.page_key(plan, page, job.view(page), site_keys[page.lang]))
        for uri, page in plan.pages.items()
    }


def changed_pages(
    job: RenderJob, keys: dict[str, str], previous: dict[str, str], timings: dict[str, float]
) -> set[str]:
    """The pages whose inputs changed since the previous build (or whose file is missing)."""
    changed = {
        uri
        for uri, key in keys.items()
        if previous.get(uri) != key or not (job.site_dir / job.plan.urls.file(uri)).is_file()
    }
    log.info(f"incremental build: {len(changed)} of {len(keys)} pages changed")
    timings["pages_to_build"] = len(changed)
    return changed


# -- publishing ---------------------------------------------------------------------------


def stage(final: Path, cache: BuildCache) -> tuple[Path, dict[str, str]]:
    """A fresh folder beside the site to build into; for an incremental build a copy of the
    previous site, with the page keys it was built from."""
    staging = final.parent / f".{final.name}.kbgen-new"
    shutil.rmtree(staging, ignore_errors=True)
    previous = cache.load_pages(final) if final.is_dir() else {}
    if previous:
        shutil.copytree(final, staging, copy_function=shutil.copy2)
    else:
        staging.mkdir(parents=True)
    return staging, previous


def prune(site_dir: Path, outputs: set[str]) -> None:
    """Remove what an incremental build carried over but no longer belongs to the site."""
    for path in sorted(site_dir.rglob("*"), reverse=True):
        rel = path.relative_to(site_dir).as_posix()
        if path.is_file() and rel not in outputs and not rel.startswith(paths.SEARCH_EXPORT + "/"):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def publish(staging: Path, final: Path, cache: BuildCache, keys: dict[str, str]) -> None:
    """Swap the new site in; the page keys are saved after, as the swap and the cache write
    cannot be one atomic step."""
    cache.forget_pages(final)
    previous = final.parent / f".{final.name}.kbgen-old"
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        final.rename(previous)
    staging.rename(final)
    shutil.rmtree(previous, ignore_errors=True)
    cache.save_pages(final, keys)
