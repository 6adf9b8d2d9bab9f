"""The renderer kbgen's build hands its plan to: one MkDocs build with the kbgen plugin."""

from __future__ import annotations

import logging

from mkdocs import exceptions as mkdocs_exceptions
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig

from kbgen.build import RenderJob
from kbgen.exceptions import BuildError
from kbgen.site.plugin import KbgenPlugin, url_policy
from kbgen.site.urls import UrlPolicy


class MkDocsRenderer:
    def __init__(self, config: MkDocsConfig, plugin: KbgenPlugin) -> None:
        self.config = config
        self.plugin = plugin
        self.urls: UrlPolicy = url_policy(config)

    def render(self, job: RenderJob) -> set[str]:
        """Render the plan's pages, kbgen's assets and the theme's into ``job.site_dir``."""
        final = self.config.site_dir
        self.config.site_dir = str(job.site_dir)
        quiet = _DropDirtyWarning()
        build_log = logging.getLogger("mkdocs.commands.build")
        build_log.addFilter(quiet)
        try:
            with self.plugin.rendering(job) as rendered:
                # kbgen prepared site_dir (empty, or the previous site for an incremental
                # build) and says which pages changed: MkDocs must not clean it.
                mkdocs_build.build(self.config, dirty=True)
        except (mkdocs_exceptions.PluginError, mkdocs_exceptions.Abort) as exc:
            raise BuildError(str(exc).strip() or "build aborted") from None
        except mkdocs_exceptions.BuildError as exc:
            raise BuildError(str(exc)) from None
        finally:
            build_log.removeFilter(quiet)
            self.config.site_dir = final
        return rendered.outputs


class _DropDirtyWarning(logging.Filter):
    """MkDocs warns that 'dirty' builds may be inaccurate: true for its mtime checks, not for
    kbgen's page keys, and a warning would fail every --strict rebuild."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()
