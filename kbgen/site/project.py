"""Reading a project's configuration and articles the way `kbgen` and `mkdocs` builds do."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import kbgen_theme
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from kbgen import locale
from kbgen.articles import Catalog, LoadOptions, check, load
from kbgen.articles.checks import default_slugify
from kbgen.articles.dates import git_dates
from kbgen.articles.structure import HelpCenter
from kbgen.articles.text import Slugify, plain_text
from kbgen.site.cache import BuildCache, digest, tree_digest
from kbgen.site.config import KbgenConfig

if TYPE_CHECKING:
    from kbgen.search import Passage, SearchDoc, SearchSettings

log = logging.getLogger("mkdocs.plugins.kbgen")

THEME_DIR = str(Path(kbgen_theme.__file__).resolve().parent)
MARKDOWN_DEFAULTS = {"toc": {"permalink": True}, "attr_list": {}, "admonition": {}, "tables": {}}


def project_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()


def configure(config: MkDocsConfig, options: KbgenConfig) -> str:
    """Adjust the MkDocs configuration for a help center; return the UI language."""
    if config.theme.name != "material":
        raise PluginError(
            f"kbgen needs theme 'material', got {config.theme.name!r}; "
            "set 'theme: {name: material}'"
        )
    code = (options.language or config.theme.get("language") or "de").strip()
    lang = base_language(code)  # UI strings, analyzers and article keys are per base language
    if not locale.available(lang):
        log.warning(f"kbgen has no UI strings for language {code!r}; using English")
    config.theme["language"] = _material_language(code)
    # Material loads Google Fonts unless told not to; a help center must not call other origins.
    config.theme["font"] = False
    if THEME_DIR not in config.theme.dirs:
        custom = config.theme.get("custom_dir")
        position = 1 if custom and str(Path(custom).resolve()) == config.theme.dirs[0] else 0
        config.theme.dirs.insert(position, THEME_DIR)
    # kbgen's own link checks report broken links with file and line; MkDocs' would repeat
    # them without a line (and count twice under --strict).
    for name in ("not_found", "anchors", "unrecognized_links", "absolute_links"):
        setattr(config.validation.links, name, logging.DEBUG)
    for name, settings in MARKDOWN_DEFAULTS.items():
        if name not in config.markdown_extensions:
            config.markdown_extensions.append(name)
            config.mdx_configs.setdefault(name, dict(settings))
    # The heading permalinks' tooltip in the site's language, not Python-Markdown's English.
    config.mdx_configs.setdefault("toc", {}).setdefault(
        "permalink_title", locale.strings(lang)["permalink_title"]
    )
    for name in ("search", "material/search"):
        if name in config.plugins:
            log.info(f"plugin '{name}' is not needed: kbgen brings its own search")
    return lang


def base_language(code: str) -> str:
    """'de-CH' → 'de'."""
    return code.strip().split("-")[0].split("_")[0].lower() or "de"


def _material_language(code: str) -> str:
    """The code material has translations for: 'pt-BR' as is, 'de-CH' as 'de', else 'en'."""
    import material

    folder = Path(material.__file__).resolve().parent / "templates" / "partials" / "languages"
    for candidate in (code, code.split("-")[0].lower()):
        if (folder / f"{candidate}.html").is_file():
            return candidate
    return "en"


def slugify_of(config: MkDocsConfig) -> Slugify:
    """The heading-anchor function the site uses, so link checks agree with the pages."""
    return config.mdx_configs.get("toc", {}).get("slugify") or default_slugify


# Material's own search (lunr and its workers) and source maps: 2 MB nobody downloads.
UNUSED_THEME_ASSETS = ("assets/javascripts/lunr/", "assets/javascripts/workers/")


def unused_theme_asset(src_uri: str) -> bool:
    return src_uri.startswith(UNUSED_THEME_ASSETS) or (
        src_uri.startswith("assets/") and src_uri.endswith(".map")
    )


def load_catalog(config: MkDocsConfig, options: KbgenConfig, slugify: Slugify) -> Catalog:
    load_options = LoadOptions(
        default_lang=base_language(options.language or config.theme.get("language") or "de"),
        max_file_bytes=options.max_file_kb * 1024,
        exclude=tuple(options.exclude),
    )
    root = project_root(config)
    cache = cache_of(config, options)
    key = digest([str(Path(config.docs_dir).resolve()), str(root), repr(load_options)])
    catalog = load(
        Path(config.docs_dir), load_options, display_root=root, cache=cache.load_articles(key)
    )
    # Saved before checks and dates touch the articles: the cache holds what the files say.
    cache.save_articles(key, catalog.cache)
    check(catalog, slugify=slugify)
    check_questions(catalog, options)
    return catalog


def cache_of(config: MkDocsConfig, options: KbgenConfig) -> BuildCache:
    folder = Path(options.cache_dir)
    return BuildCache(folder if folder.is_absolute() else project_root(config) / folder)


def fingerprint(config: MkDocsConfig, options: KbgenConfig) -> str:
    """What every page depends on besides its own content: configuration, theme, versions."""
    import material
    import mkdocs

    config_text = ""
    if config.config_file_path and Path(config.config_file_path).is_file():
        config_text = Path(config.config_file_path).read_text(encoding="utf-8", errors="replace")
    # kbgen's own code too (not just its version): an upgrade or a local change re-renders.
    package = Path(__file__).resolve().parent.parent
    return digest(
        [
            config_text,
            str(config.docs_dir),
            config.site_url,
            dict(options),
            tree_digest(Path(THEME_DIR), package),
            material.__version__ if hasattr(material, "__version__") else "",
            mkdocs.__version__,
        ]
    )


def fill_dates(catalog: Catalog) -> dt.date | None:
    """Dates from git for articles without `updated`; returns the newest date of the content.

    MkDocs stamps pages (sitemap lastmod, the gzipped sitemap's header) with the build time;
    kbgen stamps them with content dates instead, so two builds of the same input are
    byte-identical. SOURCE_DATE_EPOCH, when set, is the date of pages that have none.
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


class SiteSearch:
    """The search work of one build, running in a background process beside page rendering."""

    def __init__(self, job: object) -> None:
        self.job = job
        self._related: dict[tuple[str, str], list[str]] | None = None

    @property
    def related(self) -> dict[tuple[str, str], list[str]]:
        if self._related is None:
            self._related = self.job.related()  # waits for the index and related articles
            log.info(f"search index: {self.job.index_stats()}")
        return self._related

    def start_export(self, site_dir: Path) -> None:
        self.job.start_export(site_dir / "assets" / "kbgen" / "search")

    def finish(self) -> None:
        stats = self.job.finish()
        if stats is not None:
            log.info(f"search export: {stats}")

    def close(self) -> None:
        self.job.close()


def prepare_search(config: MkDocsConfig, options: KbgenConfig, hc: HelpCenter) -> SiteSearch | None:
    if not options.search.enabled:
        return None
    from kbgen.search.worker import SearchJob

    docs = search_docs(hc.catalog, hc.articles, passages=passage_maker(config))
    index_dir = Path(options.search.index_dir)
    if not index_dir.is_absolute():
        index_dir = project_root(config) / index_dir
    settings = search_settings(options, index_dir)
    return SiteSearch(SearchJob(docs, settings, limit=options.related_limit))


def search_settings(options: KbgenConfig, index_dir: Path) -> SearchSettings:
    from kbgen.search import SearchSettings

    return SearchSettings(
        index_dir=index_dir,
        weights={k: float(v) for k, v in options.search.weights.items()},
        synonyms=[list(group) for group in options.search.synonyms],
    )


def passage_maker(config: MkDocsConfig) -> Callable[[Any], list[Passage]]:
    """An article's answer passages, rendered with the site's Markdown settings and the
    article bodies' HTML allowlist (kbgen/search/passages.py says which sections count)."""
    import markdown

    from kbgen.search import Passage
    from kbgen.search.passages import sections, site_links
    from kbgen.site.sanitize import clean

    slugify = slugify_of(config)
    md = markdown.Markdown(
        extensions=list(config.markdown_extensions), extension_configs=dict(config.mdx_configs)
    )

    def make(article: Any) -> list[Passage]:
        out = []
        for part in sections(article.body, article.title, article.lang, slugify):
            html = clean(md.reset().convert(part.markdown))
            html = site_links(html, str(article.path), article.url)
            # plain_text turns **x**. into "x ."; the answer text is read by people (e-mail)
            text = re.sub(r"\s+([.,;:!?])", r"\1", plain_text(part.markdown))
            out.append(Passage(part.anchor, part.heading, text, html))
        return out

    return make


def search_docs(
    catalog: Catalog,
    articles: Iterable[Any],
    passages: Callable[[Any], list[Passage]] | None = None,
) -> list[SearchDoc]:
    """What the search indexes of each published article (the build and `kbgen check`)."""
    from kbgen.search import SearchDoc

    titles = {f.slug: f.title for f in catalog.folders.values()}
    return [
        SearchDoc(
            id=a.id,
            lang=a.lang,
            title=a.title,
            url=a.url,
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


def check_questions(catalog: Catalog, options: KbgenConfig) -> None:
    """Warn, at its line, about each `questions:` entry whose article is not in the top 3."""
    if not options.search.enabled or not any(a.questions for a in catalog.published):
        return
    from kbgen.search.regression import TOP, run_questions

    by_key = {(a.lang, a.id): a for a in catalog.published}
    settings = search_settings(options, Path("unused"))
    for result in run_questions(search_docs(catalog, catalog.published), settings):
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
