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

from kbgen import paths
from kbgen import plan as site_plan
from kbgen.articles import Catalog, LoadOptions, Severity, check, load
from kbgen.articles.dates import git_dates
from kbgen.cache import BuildCache, digest
from kbgen.exceptions import ArticleError
from kbgen.indexing import SiteSearch, check_questions, start_search
from kbgen.locale import strings as ui_strings
from kbgen.plan import Page, Plan, Related, Urls
from kbgen.settings import Settings

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
    views: dict[str, site_plan.PageView] = field(default_factory=dict)

    def view(self, page: Page) -> site_plan.PageView:
        found = self.views.get(page.src_uri)
        if found is None:
            found = self.views[page.src_uri] = site_plan.view(self.plan, page, self.related)
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
    catalog: Catalog | None = None
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
        if previous:
            job.changed = changed_pages(job, previous, record.timings)
        else:
            record.timings["pages_to_build"] = len(plan.pages)
        outputs = renderer.render(job)
        search.finish(record.timings)
        if previous:
            prune(staging, outputs)
        keys = page_keys(job)
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


def stop_on_problems(catalog: Catalog, strict: bool) -> None:
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


def read_articles(settings: Settings, timings: dict[str, float] | None = None) -> Catalog:
    """Load and check every article (what `kbgen check` reports)."""
    started = time.perf_counter()
    options = LoadOptions(
        default_lang=settings.lang,
        max_file_bytes=settings.max_file_kb * 1024,
        exclude=settings.exclude,
        extra_front_matter=settings.extra_front_matter,
    )
    cache = BuildCache(settings.cache_dir)
    key = digest([str(settings.docs_dir.resolve()), str(settings.root), repr(options)])
    catalog = load(
        settings.docs_dir, options, display_root=settings.root, cache=cache.load_articles(key)
    )
    # Saved before checks and dates touch the articles: the cache holds what the files say.
    cache.save_articles(key, catalog.cache)
    check(catalog, slugify=settings.slugify)
    check_questions(catalog, settings)  # writers' search regression tests (`questions:`)
    if timings is not None:
        timings["load_and_check"] = time.perf_counter() - started
    return catalog


def log_problems(catalog: Catalog) -> None:
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


def make_plan(catalog: Catalog, settings: Settings, urls: Urls) -> Plan:
    newest = fill_dates(catalog)
    return site_plan.make(catalog, settings, urls, ui_strings(settings.lang), newest)


# -- incremental builds -------------------------------------------------------------------


def page_keys(job: RenderJob) -> dict[str, str]:
    """Every page keyed by its inputs: the configuration, theme and code (the settings'
    fingerprint), the site-wide parts and the page's own view."""
    site_key = digest([job.plan.settings.fingerprint, site_plan.site_inputs(job.plan)])
    return {
        uri: digest(site_plan.page_key(job.plan, page, job.view(page), site_key))
        for uri, page in job.plan.pages.items()
    }


def changed_pages(job: RenderJob, previous: dict[str, str], timings: dict[str, float]) -> set[str]:
    """The pages whose inputs changed since the previous build (or whose file is missing)."""
    keys = page_keys(job)  # asks for related lists: waits for the search index
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
