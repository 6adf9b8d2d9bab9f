"""MkDocs set up for a help center: material with kbgen's theme, no fonts from other origins,
the Markdown extensions articles may use, kbgen's own link checks instead of MkDocs'."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from kbgen import locale
from kbgen.exceptions import ConfigError
from kbgen.site.config import KbgenConfig
from kbgen.site.settings import THEME_DIR, base_language, language_code, site_language

log = logging.getLogger("mkdocs.plugins.kbgen")

MARKDOWN_DEFAULTS = {"toc": {"permalink": True}, "attr_list": {}, "admonition": {}, "tables": {}}
# Material's own search (lunr and its workers) and source maps: 2 MB nobody downloads.
UNUSED_THEME_ASSETS = ("assets/javascripts/lunr/", "assets/javascripts/workers/")


def configured(config: MkDocsConfig) -> bool:
    return str(THEME_DIR) in config.theme.dirs


def configure(config: MkDocsConfig, options: KbgenConfig) -> None:
    """Adjust the MkDocs configuration for a help center (once: see :func:`configured`)."""
    if config.theme.name != "material":
        raise ConfigError(
            f"kbgen needs theme 'material', got {config.theme.name!r}; "
            "set 'theme: {name: material}'"
        )
    code = language_code(config, options)
    lang = site_language(config, options)
    config.theme["language"] = material_language(code)
    # Material loads Google Fonts unless told not to; a help center must not call other origins.
    config.theme["font"] = False
    custom = config.theme.get("custom_dir")
    position = 1 if custom and str(Path(custom).resolve()) == config.theme.dirs[0] else 0
    config.theme.dirs.insert(position, str(THEME_DIR))
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


def warnings_of(config: MkDocsConfig, options: KbgenConfig) -> list[str]:
    """What is usable but probably not meant in the configuration. Logged while MkDocs builds
    (on_config), so that `--strict` counts them."""
    found = []
    for code in options.languages or [language_code(config, options)]:
        if not locale.available(base_language(code)):
            found.append(f"kbgen has no UI strings for language {code!r}; using English")
    if options.feedback.collector_url.strip() and not config.site_url:
        # The collector allows CORS only for the manifest's site_url: every in-place vote
        # would be blocked by the browser and fall back to the confirm page, silently.
        found.append(
            "mkdocs.yml: feedback.collector_url is set but site_url is not, so the collector "
            "cannot allow the site's origin and every vote falls back to the confirm page "
            "(set site_url to the site's public address)"
        )
    return found


def notes_of(config: MkDocsConfig) -> list[str]:
    return [
        f"plugin '{name}' is not needed: kbgen brings its own search"
        for name in ("search", "material/search")
        if name in config.plugins
    ]


def material_language(code: str) -> str:
    """The code material has translations for: 'pt-BR' as is, 'de-CH' as 'de', else 'en'."""
    import material

    folder = Path(material.__file__).resolve().parent / "templates" / "partials" / "languages"
    for candidate in (code, code.split("-")[0].lower()):
        if (folder / f"{candidate}.html").is_file():
            return candidate
    return "en"


def unused_theme_asset(src_uri: str) -> bool:
    return src_uri.startswith(UNUSED_THEME_ASSETS) or (
        src_uri.startswith("assets/") and src_uri.endswith(".map")
    )
