"""The MkDocs plugin `kbgen`: renders the pages of kbgen's build plan with material and kbgen's
theme. The build's order lives in :mod:`kbgen.build`; this adapter only answers MkDocs' hooks.

Run by ``kbgen build`` the plugin receives a :class:`~kbgen.build.RenderJob`
(:meth:`KbgenPlugin.rendering`); run by ``mkdocs build`` or ``mkdocs serve`` it prepares one
itself with the same pipeline steps (:func:`kbgen.build.prepare`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markupsafe import escape
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from kbgen import build, paths
from kbgen.articles.loader import excluded
from kbgen.exceptions import KbgenError
from kbgen.indexing import SiteSearch
from kbgen.plan import Language, Plan
from kbgen.site.config import KbgenConfig
from kbgen.site.configure import (
    configure,
    configured,
    material_language,
    notes_of,
    unused_theme_asset,
    warnings_of,
)
from kbgen.site.progress import Progress
from kbgen.site.sanitize import clean
from kbgen.site.settings import settings_of
from kbgen.site.templates import Kb, count_headings, meta_for, redirect_page
from kbgen.site.urls import UrlPolicy

log = logging.getLogger("mkdocs.plugins.kbgen")

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
STATIC_OUTPUTS = {"404.html", "sitemap.xml", "sitemap.xml.gz"}


def url_policy(config: MkDocsConfig) -> UrlPolicy:
    """The site's URL policy: MkDocs' `use_directory_urls`, so kbgen's links and MkDocs' files
    agree."""
    return UrlPolicy(directory_urls=config.use_directory_urls)


@dataclass
class Rendered:
    """What one MkDocs run wrote: every site-relative file of the site."""

    outputs: set[str] = field(default_factory=set)


class KbgenPlugin(BasePlugin[KbgenConfig]):
    """Turns a folder of FAQ articles into a help center; see the README for the options."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self._job: build.RenderJob | None = None
        self._rendered = Rendered()
        self._own_search: SiteSearch | None = None  # only when MkDocs runs the build itself
        self._progress: Progress | None = None
        self._navs: dict[str, Navigation] = {}
        self._theme_language: str | None = None  # the site's, while a page renders in another
        self._env: jinja2.Environment | None = None
        self._files: Files | None = None

    @contextmanager
    def rendering(self, job: build.RenderJob) -> Iterator[Rendered]:
        """Render ``job`` in the MkDocs build run inside this block."""
        self._job, self._rendered = job, Rendered()
        try:
            yield self._rendered
        finally:
            self._job = None

    # -- configuration -------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not configured(config):
            try:
                configure(config, self.config)
            except KbgenError as exc:
                raise PluginError(exc.format_message()) from None
        for message in warnings_of(config, self.config):
            log.warning(message)
        for message in notes_of(config):
            log.info(message)
        return config

    # -- files: the plan's pages, kbgen's assets, the manifest ---------------------------

    @event_priority(50)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if self._job is None:
            self._job = self._prepare(config)
        job = self._job
        pages = job.plan.pages
        keep = Files([])
        for file in files:
            if file.src_uri.endswith(".md"):
                page = pages.get(file.src_uri)
                if page is not None and not page.generated:
                    keep.append(file)
                continue  # drafts, intros (their text goes to landing pages), excluded files
            if file.src_uri.rsplit("/", 1)[-1].startswith("_") or excluded(
                file.src_uri, job.plan.settings.exclude
            ):
                continue
            if unused_theme_asset(file.src_uri):
                continue
            keep.append(file)
        for page in pages.values():
            if page.generated:
                keep.append(File.generated(config, page.src_uri, content=page.markdown))
        for asset in sorted(ASSETS_DIR.rglob("*")):
            if asset.is_file() and not asset.name.startswith("."):
                uri = f"{paths.ASSETS}/" + asset.relative_to(ASSETS_DIR).as_posix()
                keep.append(File.generated(config, uri, abs_src_path=str(asset)))
        keep.append(File.generated(config, paths.MANIFEST, content=job.plan.manifest()))
        if len(job.plan.languages) > 1:
            # The default language lives at the root; /de/ (say) sends visitors there.
            default = job.plan.default
            keep.append(
                File.generated(
                    config,
                    f"{default.lang}/index.html",
                    content=redirect_page(default.lang, default.strings),
                )
            )
        self._rendered.outputs = (
            {f.dest_uri for f in keep}
            | STATIC_OUTPUTS
            | {language.folder + "404.html" for language in _others(job.plan)}
        )
        if job.changed is not None:
            for file in keep.documentation_pages():
                # MkDocs' dirty mode asks each file whether it changed; the answer is kbgen's.
                file.is_modified = _answer(file.src_uri in job.changed)  # type: ignore[method-assign]
        self._progress = Progress(len(pages) if job.changed is None else len(job.changed))
        return keep

    def _prepare(self, config: MkDocsConfig) -> build.RenderJob:
        """`mkdocs build` / `mkdocs serve`: the pipeline's first steps, run from here."""
        settings = settings_of(config, self.config)
        try:
            job, self._own_search = build.prepare(
                settings, url_policy(config), Path(config.site_dir)
            )
        except KbgenError as exc:
            raise PluginError(exc.format_message()) from None
        return job

    # -- navigation: categories only, never every article ------------------------------

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        assert self._job is not None
        plan = self._job.plan
        self._navs = {}
        for language in plan.languages.values():
            pages: list[Page] = []
            homes = [language.folder + "index.md"]
            categories = [
                f"{language.folder}{c.folder.slug}/index.md" for c in language.hc.categories
            ]
            for src_uri in homes + categories:
                file = files.get_file_from_path(src_uri)
                if file is not None and file.page is not None:
                    pages.append(file.page)
            for page in pages:
                page.parent = None
                # Set here, not from the rendered page: an incremental build may not render it.
                page.title = str(escape(plan.pages[page.file.src_uri].title))
            # Each language's pages show its own menu (home and categories).
            menu = Navigation(list(pages), pages)
            # MkDocs knows only the root's index.md as a home page; a language has its own.
            menu.homepage = pages[0] if pages and pages[0].file.src_uri == homes[0] else None
            self._navs[language.lang] = menu
        for file in files.documentation_pages():
            page = file.page
            if page is None:
                continue
            page.previous_page = page.next_page = None
            planned = plan.pages.get(file.src_uri)
            # The sitemap's lastmod: when the content changed, not when the site was built.
            # Set for every page here, since an incremental build renders only some of them.
            changed = (planned.changed_on() if planned else None) or plan.newest
            if changed is not None:
                page.update_date = changed.isoformat()
        return self._navs[plan.default.lang]

    # -- pages ---------------------------------------------------------------------------

    def on_page_read_source(self, page: Page, config: MkDocsConfig) -> str | None:
        assert self._job is not None
        planned = self._job.plan.pages.get(page.file.src_uri)
        # The loader has decoded the file and split its front matter already; MkDocs would
        # parse the YAML a second time and keep the H1 the page renders itself.
        return None if planned is None else planned.markdown

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        assert self._job is not None
        planned = self._job.plan.pages.get(page.file.src_uri)
        if planned is not None:
            page.meta = meta_for(planned)
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self._job is not None
        planned = self._job.plan.pages.get(page.file.src_uri)
        if planned is not None and not planned.generated and self.config.raw_html == "safe":
            return clean(html)
        return html

    def on_page_context(
        self, context: dict, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict:
        assert self._job is not None
        plan = self._job.plan
        planned = plan.pages.get(page.file.src_uri)
        if planned is None:
            context["kb"] = Kb(plan.default.site)
            return context
        language = plan.languages[planned.lang]
        view = self._job.view(planned)
        show_toc = False
        if view.kind == "article":
            show_toc = count_headings(page.toc) >= plan.settings.toc_min_headings
            if not show_toc:
                page.meta["hide"] = ["toc"]
        context["kb"] = Kb(language.site, view, show_toc)
        if language is not plan.default:
            context["nav"] = self._navs[language.lang]
            # Material's own strings and <html lang> follow the theme's language at render
            # time: the page's language until the page is written (on_post_page).
            self._theme_language = config.theme["language"]
            config.theme["language"] = material_language(language.lang)
        return context

    def on_template_context(self, context: dict, template_name: str, config: MkDocsConfig) -> dict:
        # Static templates (404.html, sitemap.xml) have no page but share the site's chrome.
        assert self._job is not None
        plan = self._job.plan
        context["kb"] = Kb(plan.default.site)
        if template_name == "sitemap.xml":
            context["kb_alternates"] = {
                uri: plan.alternates(page) for uri, page in plan.pages.items()
            }
        return context

    def on_env(self, env: jinja2.Environment, config: MkDocsConfig, files: Files) -> None:
        self._env, self._files = env, files

    def _write_404s(self, config: MkDocsConfig) -> None:
        """``/<lang>/404.html`` for every language but the default (whose 404 is MkDocs' own, at
        the root): that language's strings, menu, search and ``<html lang>``. Like the root's,
        it links with absolute paths, since a host serves it at any missing path below."""
        if self._job is None or self._env is None or self._files is None:
            return
        base_url = urlsplit(config.site_url or "/").path
        template = self._env.get_template("404.html")
        site_language = config.theme["language"]
        try:
            for language in _others(self._job.plan):
                context = get_context(
                    self._navs[language.lang], self._files, config, base_url=base_url
                )
                context["kb"] = Kb(language.site)
                config.theme["language"] = material_language(language.lang)
                output = _strip_indentation(template.render(context))
                path = Path(config.site_dir) / language.folder / "404.html"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(output, encoding="utf-8")
        finally:
            config.theme["language"] = site_language

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if self._theme_language is not None:
            config.theme["language"] = self._theme_language
            self._theme_language = None
        if self._progress is not None:
            self._progress.step()
        return _strip_indentation(output)

    def on_post_build(self, config: MkDocsConfig) -> None:
        self._write_404s(config)
        if self._progress is not None:
            self._progress.done()
            self._progress = None
        if not config.site_url:
            # Without site_url the sitemap would hold relative paths, which crawlers reject.
            for name in ("sitemap.xml", "sitemap.xml.gz"):
                (Path(config.site_dir) / name).unlink(missing_ok=True)
        if self._own_search is not None:
            self._own_search.finish({})
            self._own_search = None
            self._job = None

    def on_build_error(self, error: Exception) -> None:
        if self._own_search is not None:
            self._own_search.close()
            self._own_search = None
            self._job = None


def _others(plan: Plan) -> list[Language]:
    """The site's languages but the default (none for a one-language site)."""
    return [language for language in plan.languages.values() if language is not plan.default]


def _answer(value: bool) -> Callable[[], bool]:
    return lambda: value


_VERBATIM = re.compile(r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.S | re.I)
_INDENT = re.compile(r"\n[ \t]+|\n{2,}")


def _strip_indentation(html: str) -> str:
    """Template indentation is a sixth of a page's bytes; whitespace inside <pre> and
    <textarea> is content and stays."""
    parts = _VERBATIM.split(html)
    for i in range(0, len(parts), 2):
        parts[i] = _INDENT.sub("\n", parts[i])
    return "".join(parts)
