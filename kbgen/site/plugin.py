"""The MkDocs plugin `kbgen`: articles in, help-center pages out (MkDocs meets kbgen here)."""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from kbgen import locale
from kbgen.articles import Catalog, Severity
from kbgen.articles.loader import excluded
from kbgen.articles.structure import HelpCenter
from kbgen.articles.structure import build as build_structure
from kbgen.site import context as page_context
from kbgen.site import project
from kbgen.site.cache import digest as cache_digest
from kbgen.site.config import KbgenConfig
from kbgen.site.pages import PageModel, generated_pages
from kbgen.site.progress import Progress
from kbgen.site.sanitize import clean

log = logging.getLogger("mkdocs.plugins.kbgen")

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
MANIFEST_URI = "assets/kbgen/articles.json"
SEARCH_EXPORT = "assets/kbgen/search"
STATIC_OUTPUTS = {"404.html", "sitemap.xml", "sitemap.xml.gz"}


class KbgenPlugin(BasePlugin[KbgenConfig]):
    """Turns a folder of FAQ articles into a help center; see the README for the options."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.hc: HelpCenter | None = None
        self.models: dict[str, PageModel] = {}
        self.search = None
        self.timings: dict[str, float] = {}
        self.progress: Progress | None = None
        self.newest = None
        self.failure: tuple[str, str] | None = None  # why the build stopped, for the runner
        self.previous_keys: dict[str, str] | None = None  # set by the runner for incremental builds
        self.page_keys: dict[str, str] = {}
        self.expected: set[str] = set()

    # -- configuration -------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.failure = None
        try:
            self.lang = project.configure(config, self.config)
        except PluginError as exc:
            self.failure = ("config", str(exc))
            raise
        self.strings = locale.strings(self.lang)
        self.slugify = project.slugify_of(config)
        return config

    # -- files: load, check, arrange -----------------------------------------------------

    @event_priority(50)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        started = time.perf_counter()
        self.catalog = project.load_catalog(config, self.config, self.slugify)
        self._report(self.catalog)
        self.newest = project.fill_dates(self.catalog)
        self.hc = build_structure(self.catalog)
        self.timings["load_and_check"] = time.perf_counter() - started

        published = {str(a.path): a for a in self.hc.articles}
        keep = Files([])
        for file in files:
            if file.src_uri.endswith(".md"):
                if file.src_uri in published:
                    keep.append(file)
                continue  # drafts, intros (their text goes to landing pages), excluded files
            if file.src_uri.rsplit("/", 1)[-1].startswith("_") or excluded(
                file.src_uri, self.config.exclude
            ):
                continue
            if project.unused_theme_asset(file.src_uri):
                continue
            keep.append(file)

        self.models = {}
        for model in generated_pages(self.hc, self.strings):
            self.models[model.src_uri] = model
            keep.append(File.generated(config, model.src_uri, content=model.markdown))
        for article in self.hc.articles:
            self.models[str(article.path)] = PageModel.for_article(article)
        for asset in sorted(ASSETS_DIR.rglob("*")):
            if asset.is_file() and not asset.name.startswith("."):
                uri = "assets/kbgen/" + asset.relative_to(ASSETS_DIR).as_posix()
                keep.append(File.generated(config, uri, abs_src_path=str(asset)))
        keep.append(File.generated(config, MANIFEST_URI, content=self._manifest(config)))

        self.search = project.prepare_search(config, self.config, self.hc)
        if self.search is not None:
            self.search.start_export(Path(config.site_dir))
        self.expected = {f.dest_uri for f in keep} | STATIC_OUTPUTS
        if self.previous_keys is not None:
            # Which pages changed depends on the related lists: wait for them now.
            self._plan_pages(config, keep)
        else:
            self.timings["pages_to_build"] = len(self.models)
            self.progress = Progress(len(self.models))
        return keep

    @property
    def related(self) -> dict[tuple[str, str], list[str]]:
        if self.search is None:
            return {}
        if "search_index" not in self.timings:
            started = time.perf_counter()
            self.search.related  # noqa: B018 - waits for the background index
            self.timings["search_index_wait"] = time.perf_counter() - started
            self.timings["search_index"] = self.timings["search_index_wait"]
        return self.search.related

    def _page_keys(self, config: MkDocsConfig) -> dict[str, str]:
        """Every page keyed by its inputs (configuration, theme, what the page shows)."""
        assert self.hc is not None
        site = page_context.site_inputs(self.hc, self.lang, self.config.promoted_limit)
        base = cache_digest([project.fingerprint(config, self.config), site])
        related = self.related
        return {
            uri: cache_digest(
                [base, page_context.page_inputs(model, self.hc, self.config, self.lang, related)]
            )
            for uri, model in self.models.items()
        }

    def _plan_pages(self, config: MkDocsConfig, files: Files) -> None:
        """In an incremental build, mark the pages whose inputs did not change as clean."""
        assert self.previous_keys is not None
        self.page_keys = self._page_keys(config)
        site_dir = Path(config.site_dir)
        todo = 0
        for file in files.documentation_pages():
            key = self.page_keys.get(file.src_uri)
            unchanged = (
                key is not None
                and self.previous_keys.get(file.src_uri) == key
                and (site_dir / file.dest_uri).is_file()
            )
            todo += not unchanged
            # MkDocs' dirty mode asks each file whether it changed; the answer is kbgen's.
            file.is_modified = (lambda changed: lambda: changed)(not unchanged)  # type: ignore[method-assign]
        log.info(f"incremental build: {todo} of {len(self.models)} pages changed")
        self.timings["pages_to_build"] = todo
        self.progress = Progress(todo)

    def _report(self, catalog: Catalog) -> None:
        levels = {
            Severity.ERROR: logging.ERROR,
            Severity.WARNING: logging.WARNING,
            Severity.INFO: logging.DEBUG,
        }
        for problem in catalog.problems:
            where = f"{problem.path}:{problem.line}" if problem.line else problem.path
            hint = f" ({problem.hint})" if problem.hint else ""
            log.log(levels[problem.severity], f"{where}: {problem.message}{hint}")
        errors = catalog.problems.errors
        if errors:
            message = (
                f"{len(errors)} article error(s) found; fix them and build again "
                "(`kbgen check` lists every problem)"
            )
            self.failure = ("articles", message)
            raise PluginError(message)

    def _manifest(self, config: MkDocsConfig) -> str:
        assert self.hc is not None
        records = [
            {"id": a.id, "lang": a.lang, "title": a.title, "url": a.url, "revision": a.revision}
            for a in sorted(self.hc.articles, key=lambda a: (a.lang, a.id))
        ]
        payload = {
            "version": 1,
            "site_url": config.site_url or "",
            "lang": self.lang,
            "articles": records,
        }
        return json.dumps(payload, ensure_ascii=False, indent=0, sort_keys=True)

    # -- navigation: categories only, never every article ------------------------------

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        assert self.hc is not None
        pages: list[Page] = []
        home = files.get_file_from_path("index.md")
        if home is not None and home.page is not None:
            pages.append(home.page)
        for category in self.hc.categories:
            file = files.get_file_from_path(f"{category.folder.slug}/index.md")
            if file is not None and file.page is not None:
                pages.append(file.page)
        for page in pages:
            page.parent = None
            # Set here, not from the rendered page: an incremental build may not render it.
            page.title = str(escape(self.models[page.file.src_uri].title))
        for file in files.documentation_pages():
            page = file.page
            if page is None:
                continue
            page.previous_page = page.next_page = None
            model = self.models.get(file.src_uri)
            # The sitemap's lastmod: when the content changed, not when the site was built.
            # Set for every page here, since an incremental build renders only some of them.
            changed = (model.changed_on() if model else None) or self.newest
            if changed is not None:
                page.update_date = changed.isoformat()
        return Navigation(list(pages), pages)

    # -- pages ---------------------------------------------------------------------------

    def on_page_read_source(self, page: Page, config: MkDocsConfig) -> str | None:
        model = self.models.get(page.file.src_uri)
        if model is None:
            return None
        # The loader has decoded the file and split its front matter already; MkDocs would
        # parse the YAML a second time and keep the H1 the page renders itself.
        return model.markdown if model.article is None else model.article.body

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        model = self.models.get(page.file.src_uri)
        if model is not None:
            page.meta = page_context.meta_for(model, self.strings)
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        model = self.models.get(page.file.src_uri)
        if model is not None and model.article is not None and self.config.raw_html == "safe":
            return clean(html)
        return html

    def on_page_context(
        self, context: dict, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict:
        assert self.hc is not None
        model = self.models.get(page.file.src_uri)
        context["kb"] = page_context.build(
            model, page, self.hc, self.config, self.lang, self.strings, self.related, config
        )
        return context

    def on_template_context(self, context: dict, template_name: str, config: MkDocsConfig) -> dict:
        # Static templates (404.html, sitemap.xml) have no page but share the site's chrome.
        assert self.hc is not None
        context["kb"] = page_context.build(
            None, None, self.hc, self.config, self.lang, self.strings, {}, config
        )
        return context

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if self.progress is not None:
            self.progress.step()
        return _strip_indentation(output)

    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.progress is not None:
            self.progress.done()
        if self.previous_keys is not None:
            _prune(Path(config.site_dir), self.expected)
        else:
            self.page_keys = self._page_keys(config)
        if self.search is not None:
            started = time.perf_counter()
            self.search.finish()  # the export ran in the background while pages rendered
            self.timings["search_export_wait"] = time.perf_counter() - started
            self.search = None
        if not config.site_url:
            # Without site_url the sitemap would hold relative paths, which crawlers reject.
            for name in ("sitemap.xml", "sitemap.xml.gz"):
                (Path(config.site_dir) / name).unlink(missing_ok=True)

    def on_build_error(self, error: Exception) -> None:
        if self.search is not None:
            self.search.close()
            self.search = None


def _prune(site_dir: Path, expected: set[str]) -> None:
    """Remove what an incremental build carried over but no longer belongs to the site."""
    for path in sorted(site_dir.rglob("*"), reverse=True):
        rel = path.relative_to(site_dir).as_posix()
        if path.is_file() and rel not in expected and not rel.startswith(SEARCH_EXPORT + "/"):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


_VERBATIM = re.compile(r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.S | re.I)
_INDENT = re.compile(r"\n[ \t]+|\n{2,}")


def _strip_indentation(html: str) -> str:
    """Template indentation is a sixth of a page's bytes; whitespace inside <pre> and
    <textarea> is content and stays."""
    parts = _VERBATIM.split(html)
    for i in range(0, len(parts), 2):
        parts[i] = _INDENT.sub("\n", parts[i])
    return "".join(parts)
