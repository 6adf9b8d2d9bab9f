"""Running MkDocs for kbgen: load the configuration, check, build, serve."""

from __future__ import annotations

import logging
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs import exceptions as mkdocs_exceptions
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config as mkdocs_load_config
from mkdocs.config.defaults import MkDocsConfig

from kbgen.articles import Catalog, Severity
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
    """Build the site atomically: into a temporary folder beside it, swapped in on success.

    A failed or interrupted build leaves the previous site untouched. Article errors abort the
    build with every problem listed.
    """
    plugin = plugin_of(config)
    assert plugin is not None
    final = Path(config.site_dir)
    staging = final.parent / f".{final.name}.kbgen-new"
    shutil.rmtree(staging, ignore_errors=True)
    cache = project.cache_of(config, plugin.config)
    started = time.perf_counter()
    previous = cache.load_pages(final) if final.is_dir() else {}
    if previous:
        # Start from a copy of the previous site; only changed pages are rendered again.
        shutil.copytree(final, staging, copy_function=shutil.copy2)
        plugin.previous_keys = previous
    else:
        plugin.previous_keys = None
    config.site_dir = str(staging)
    quiet = _DropDirtyWarning()
    build_log = logging.getLogger("mkdocs.commands.build")
    build_log.addFilter(quiet)
    try:
        mkdocs_build.build(config, dirty=bool(previous))
    except (mkdocs_exceptions.PluginError, mkdocs_exceptions.Abort) as exc:
        kind, message = plugin.failure or ("build", str(exc).strip() or "build aborted")
        if kind == "config":
            raise ConfigError(message) from None
        if kind == "articles":
            raise ArticleError(message) from None
        raise BuildError(message) from None
    except mkdocs_exceptions.BuildError as exc:
        raise BuildError(str(exc)) from None
    finally:
        build_log.removeFilter(quiet)
        config.site_dir = str(final)
        if sys.exc_info()[0] is not None:
            shutil.rmtree(staging, ignore_errors=True)
    cache.forget_pages(final)  # the swap below is not atomic with the cache write
    _swap(staging, final)
    cache.save_pages(final, plugin.page_keys)
    assert plugin.catalog is not None
    return BuildResult(config, plugin.catalog, time.perf_counter() - started, dict(plugin.timings))


class _DropDirtyWarning(logging.Filter):
    """MkDocs warns that 'dirty' builds may be inaccurate: true for its mtime checks, not for
    kbgen's page keys, and a warning would fail every --strict rebuild."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


def _swap(staging: Path, final: Path) -> None:
    previous = final.parent / f".{final.name}.kbgen-old"
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        final.rename(previous)
    staging.rename(final)
    shutil.rmtree(previous, ignore_errors=True)


def report(config: MkDocsConfig, result: BuildResult | None, error: str | None) -> dict:
    """The machine-readable build report (`kbgen build --report FILE`)."""
    plugin = plugin_of(config)
    catalog = result.catalog if result else (plugin.catalog if plugin else None)
    problems = list(catalog.problems) if catalog else []
    data: dict = {
        "version": 1,
        "ok": error is None,
        "error": error,
        "articles": {
            "total": len(catalog.articles) if catalog else 0,
            "published": len(catalog.published) if catalog else 0,
            "drafts": sum(1 for a in catalog.articles if a.draft) if catalog else 0,
        },
        "counts": {s.value: sum(1 for p in problems if p.severity is s) for s in Severity},
        "problems": [
            {
                "path": p.path,
                "line": p.line,
                "severity": p.severity.value,
                "message": p.message,
                "hint": p.hint,
            }
            for p in sorted(problems)
        ],
        "timings": {k: round(v, 3) for k, v in (plugin.timings.items() if plugin else [])},
        "site_dir": config.site_dir,
    }
    if result is not None:
        data["timings"]["total"] = round(result.seconds, 3)
        data["sizes"] = _sizes(Path(config.site_dir))
    return data


def _sizes(site: Path) -> dict:
    total = pages = 0
    largest = ("", 0)
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        if path.suffix == ".html":
            pages += 1
            if size > largest[1]:
                largest = (path.relative_to(site).as_posix(), size)
    return {
        "site_bytes": total,
        "html_pages": pages,
        "largest_page": {"path": largest[0], "bytes": largest[1]},
    }


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
