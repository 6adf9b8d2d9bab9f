"""The project's MkDocs configuration read into kbgen's engine-neutral :class:`Settings`; the
site's language is worked out here and nowhere else."""

from __future__ import annotations

import logging
from pathlib import Path

import kbgen_theme
from mkdocs.config.defaults import MkDocsConfig

from kbgen.articles.checks import default_slugify
from kbgen.articles.text import Slugify
from kbgen.cache import digest, tree_digest
from kbgen.settings import Contact, FeedbackOptions, SearchOptions, Settings
from kbgen.site.config import KbgenConfig

log = logging.getLogger("mkdocs.plugins.kbgen")

THEME_DIR = Path(kbgen_theme.__file__).resolve().parent
DEFAULT_LANGUAGE = "de"


def language_code(config: MkDocsConfig, options: KbgenConfig) -> str:
    """The configured (default) language as written ('de-CH'): the first of `languages`, else
    the plugin's `language`, else `theme.language`, else German."""
    if options.languages:
        return options.languages[0].strip()
    return (options.language or config.theme.get("language") or DEFAULT_LANGUAGE).strip()


def languages(options: KbgenConfig) -> tuple[str, ...]:
    """The base languages of a multilingual site, the default first; () for one language."""
    found: list[str] = []
    for code in options.languages:
        lang = base_language(code)
        if lang not in found:
            found.append(lang)
    return tuple(found) if len(found) > 1 else ()


def base_language(code: str) -> str:
    """'de-CH' → 'de': UI strings, analyzers and article keys are per base language."""
    return code.strip().split("-")[0].split("_")[0].lower() or DEFAULT_LANGUAGE


def site_language(config: MkDocsConfig, options: KbgenConfig) -> str:
    return base_language(language_code(config, options))


def project_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()


def slugify_of(config: MkDocsConfig) -> Slugify:
    """The heading-anchor function the site uses, so link checks agree with the pages."""
    return config.mdx_configs.get("toc", {}).get("slugify") or default_slugify


def settings_of(config: MkDocsConfig, options: KbgenConfig, *, lang: str | None = None) -> Settings:
    """kbgen's settings from a loaded (and configured) MkDocs configuration."""
    root = project_root(config)

    def under_root(value: str) -> Path:
        path = Path(value)
        return path if path.is_absolute() else root / path

    return Settings(
        root=root,
        docs_dir=Path(config.docs_dir),
        site_dir=Path(config.site_dir),
        cache_dir=under_root(options.cache_dir),
        site_url=config.site_url or "",
        site_name=config.site_name,
        lang=lang or site_language(config, options),
        slugify=slugify_of(config),
        fingerprint=fingerprint(config, options),
        strict=bool(config.strict),
        contact=Contact(
            **{k: tuple(v) if isinstance(v, list) else v for k, v in dict(options.contact).items()}
        ),
        search=SearchOptions(
            enabled=options.search.enabled,
            index_dir=under_root(options.search.index_dir),
            weights={k: float(v) for k, v in options.search.weights.items()},
            synonyms=[list(group) for group in options.search.synonyms],
            answer_threshold=options.search.answer_threshold,
        ),
        feedback=FeedbackOptions(
            enabled=options.feedback.enabled,
            collector_url=options.feedback.collector_url,
            report_zero_results=options.feedback.report_zero_results,
            events=options.feedback.events,
            events_local=options.feedback.events_local,
        ),
        exclude=tuple(options.exclude),
        extra_front_matter=tuple(options.extra_front_matter),
        max_file_kb=options.max_file_kb,
        toc_min_headings=options.toc_min_headings,
        raw_html=options.raw_html,
        siblings_limit=options.siblings_limit,
        related_limit=options.related_limit,
        promoted_limit=options.promoted_limit,
        languages=languages(options),
    )


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
            tree_digest(THEME_DIR, package),
            material.__version__ if hasattr(material, "__version__") else "",
            mkdocs.__version__,
        ]
    )
