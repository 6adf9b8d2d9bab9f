"""Running MkDocs for kbgen: load the configuration, check, build, serve."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs import exceptions as mkdocs_exceptions
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config as mkdocs_load_config
from mkdocs.config.defaults import MkDocsConfig

from kbgen.articles import Catalog
from kbgen.exceptions import ArticleError, BuildError, ConfigError
from kbgen.site import project
from kbgen.site.plugin import KbgenPlugin

log = logging.getLogger("kbgen")


@dataclass
class BuildResult:
    config: MkDocsConfig
    catalog: Catalog
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def load_config(
    config_file: str | Path | None = None,
    *,
    articles: str | Path | None = None,
    site_dir: str | Path | None = None,
    strict: bool = False,
) -> MkDocsConfig:
    """The project's MkDocs configuration, with ``--articles``/``--site-dir`` applied."""
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
    if plugin_of(config) is None:
        raise ConfigError(f"{path}: the 'kbgen' plugin is not enabled; add 'plugins: [kbgen]'")
    return config


def plugin_of(config: MkDocsConfig) -> KbgenPlugin | None:
    for plugin in config.plugins.values():
        if isinstance(plugin, KbgenPlugin):
            return plugin
    return None


def check(config: MkDocsConfig) -> Catalog:
    """Load and check every article without building (what `kbgen check` reports)."""
    plugin = plugin_of(config)
    assert plugin is not None
    config.plugins.on_startup(command="build", dirty=False)
    try:
        config = config.plugins.on_config(config)
    except mkdocs_exceptions.PluginError as exc:
        raise ConfigError(str(exc)) from None
    return project.load_catalog(config, plugin.config, project.slugify_of(config))


def build(config: MkDocsConfig) -> BuildResult:
    """Build the site. Article errors abort the build with every problem listed."""
    plugin = plugin_of(config)
    assert plugin is not None
    started = time.perf_counter()
    try:
        mkdocs_build.build(config)
    except mkdocs_exceptions.PluginError as exc:
        raise ArticleError(str(exc)) from None
    except mkdocs_exceptions.Abort as exc:
        raise ArticleError(str(exc).strip() or "build aborted") from None
    except mkdocs_exceptions.BuildError as exc:
        raise BuildError(str(exc)) from None
    assert plugin.catalog is not None
    return BuildResult(config, plugin.catalog, time.perf_counter() - started, dict(plugin.timings))


def serve(config_file: str | Path | None, *, articles: str | Path | None, dev_addr: str | None, open_browser: bool) -> None:
    """Live-reloading preview on localhost (MkDocs' server with kbgen's configuration)."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    load_config(config_file, articles=articles)  # fail early with kbgen's messages
    kwargs: dict[str, object] = {"config_file": str(config_file or "mkdocs.yml"), "open_in_browser": open_browser}
    if articles is not None:
        kwargs["docs_dir"] = str(Path(articles).resolve())
    if dev_addr:
        kwargs["dev_addr"] = dev_addr
    try:
        mkdocs_serve(**kwargs)
    except mkdocs_exceptions.Abort as exc:
        raise BuildError(str(exc)) from None
