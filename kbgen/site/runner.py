"""Running kbgen on a MkDocs project: load the configuration, check, build, serve."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs import exceptions as mkdocs_exceptions
from mkdocs.config import load_config as mkdocs_load_config
from mkdocs.config.defaults import MkDocsConfig

from kbgen import build as pipeline
from kbgen.build import Articles, BuildRecord
from kbgen.exceptions import BuildError, ConfigError
from kbgen.settings import Settings
from kbgen.site.configure import configure, warnings_of
from kbgen.site.plugin import KbgenPlugin
from kbgen.site.render import MkDocsRenderer
from kbgen.site.settings import settings_of

log = logging.getLogger("kbgen")


def load_config(
    config_file: str | Path | None = None,
    *,
    articles: str | Path | None = None,
    site_dir: str | Path | None = None,
    strict: bool = False,
) -> MkDocsConfig:
    """The project's MkDocs configuration, with ``--articles``/``--site-dir`` applied and set up
    for a help center."""
    path = Path(config_file or "mkdocs.yml")
    if not path.is_file():
        raise ConfigError(
            f"no configuration file '{path}'; run kbgen in a help-center project "
            "or pass -f path/to/mkdocs.yml"
        )
    overrides: dict[str, object] = {"strict": strict}
    if articles is not None:
        if not Path(articles).is_dir():
            raise ConfigError(f"--articles '{articles}' is not a folder")
        overrides["docs_dir"] = str(Path(articles).resolve())
    if site_dir is not None:
        overrides["site_dir"] = str(Path(site_dir).resolve())
    try:
        config = mkdocs_load_config(config_file=str(path), **overrides)
    except mkdocs_exceptions.Abort as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except mkdocs_exceptions.ConfigurationError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    plugin = plugin_of(config)
    if plugin is None:
        raise ConfigError(f"{path}: the 'kbgen' plugin is not enabled; add 'plugins: [kbgen]'")
    configure(config, plugin.config)
    return config


def plugin_of(config: MkDocsConfig) -> KbgenPlugin | None:
    for plugin in config.plugins.values():
        if isinstance(plugin, KbgenPlugin):
            return plugin
    return None


def settings(config: MkDocsConfig) -> Settings:
    """kbgen's settings of a loaded project (see :func:`load_config`)."""
    plugin = plugin_of(config)
    assert plugin is not None
    return settings_of(config, plugin.config)


def check(config: MkDocsConfig) -> Articles:
    """Load and check every article without building (what `kbgen check` reports)."""
    plugin = plugin_of(config)
    assert plugin is not None
    for message in warnings_of(config, plugin.config):
        log.warning(message)
    return pipeline.read_articles(settings(config))


def build(config: MkDocsConfig, record: BuildRecord | None = None) -> BuildRecord:
    """Build the site (:func:`kbgen.build.build`) with MkDocs as the renderer."""
    plugin = plugin_of(config)
    assert plugin is not None
    return pipeline.build(settings(config), MkDocsRenderer(config, plugin), record)


def serve(
    config_file: str | Path | None,
    *,
    articles: str | Path | None,
    dev_addr: str | None,
    open_browser: bool,
) -> None:
    """Live-reloading preview on localhost (MkDocs' server with kbgen's configuration)."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    load_config(config_file, articles=articles)  # fail early with kbgen's messages
    kwargs: dict[str, object] = {
        "config_file": str(config_file or "mkdocs.yml"),
        "open_in_browser": open_browser,
    }
    if articles is not None:
        kwargs["docs_dir"] = str(Path(articles).resolve())
    if dev_addr:
        kwargs["dev_addr"] = dev_addr
    try:
        mkdocs_serve(**kwargs)
    except mkdocs_exceptions.Abort as exc:
        raise BuildError(str(exc)) from None
