"""Shared fixtures: small projects in tmp_path, the kbgen command, the demo site built once per
session, a local HTTP server for it and a real Chromium (Debian's, never a downloaded one)."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from documents import Document, article

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CHROMIUM = Path("/usr/bin/chromium")
DEMO_PUBLISHED = 32  # 33 articles in articles/, one of them (kundenkonto/wunschliste.md) a draft

SMALL_CONFIG = """\
site_name: Testhilfe
docs_dir: articles
theme:
  name: material
{site_url}
plugins:
  - kbgen:
      language: {language}
      search: {{enabled: false}}
{options}
"""


# -- the kbgen command --------------------------------------------------------------------------


def kbgen_executable() -> str:
    beside = Path(sys.executable).with_name("kbgen")
    if beside.exists():
        return str(beside)
    found = shutil.which("kbgen")
    assert found, "the kbgen console script is not installed (pip install -e .)"
    return found


@pytest.fixture(scope="session")
def kbgen() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed ``kbgen`` command as a user would: ``kbgen("check", cwd=project)``."""

    def run(
        *args: str,
        cwd: Path | str | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 300,
    ) -> subprocess.CompletedProcess[str]:
        environ = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
        return subprocess.run(
            [kbgen_executable(), *args],
            cwd=cwd,
            env=environ,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture(autouse=True)
def _restore_cli_logging() -> Iterator[None]:
    """`kbgen` commands run in-process (click's CliRunner) point the mkdocs and kbgen loggers at
    their captured stderr and stop propagation; undo that so caplog and later tests see logs."""
    import logging

    saved = {}
    for name in ("mkdocs", "kbgen", "mkdocs.commands", "mkdocs.structure"):
        logger = logging.getLogger(name)
        saved[name] = (logger.handlers[:], logger.level, logger.propagate)
    yield
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


# -- small projects ---------------------------------------------------------------------------


@dataclass
class Project:
    """A help-center project in a temporary folder: ``mkdocs.yml`` plus ``articles/``."""

    root: Path

    @property
    def articles(self) -> Path:
        return self.root / "articles"

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def write(self, rel: str, content: str | bytes) -> Path:
        path = self.articles / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def build(self, **overrides: Any) -> Path:
        """Build in-process (much faster than a subprocess); returns the site folder."""
        from kbgen.site import runner

        config = runner.load_config(self.config, site_dir=self.site, **overrides)
        runner.build(config)
        return self.site

    def html(self, rel_url: str) -> Document:
        """The built page at a site-relative URL, e.g. ``versand/lieferzeit/``."""
        path = (
            self.site / rel_url if rel_url.endswith(".html") else self.site / rel_url / "index.html"
        )
        return Document.parse(path.read_text(encoding="utf-8"))


def _new_project(
    root: Path,
    files: dict[str, str | bytes] | None = None,
    *,
    site_url: str | None = None,
    language: str = "de",
    **options: Any,
) -> Project:
    import yaml

    root.mkdir(parents=True, exist_ok=True)
    extra = ""
    if options:
        dumped = yaml.safe_dump(options, allow_unicode=True, sort_keys=False)
        extra = "\n".join("      " + line for line in dumped.splitlines())
    (root / "mkdocs.yml").write_text(
        SMALL_CONFIG.format(
            site_url=f"site_url: {site_url}" if site_url else "", language=language, options=extra
        ),
        encoding="utf-8",
    )
    project = Project(root)
    project.articles.mkdir(exist_ok=True)
    for rel, content in (files or {}).items():
        project.write(rel, content)
    return project


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Project]:
    """``make_project({"versand/x.md": text, ...}, site_url=..., contact={...})``: a project in
    tmp_path with the kbgen plugin (search disabled) and the given plugin options."""

    def make(files: dict[str, str | bytes] | None = None, **kwargs: Any) -> Project:
        return _new_project(tmp_path / "project", files, **kwargs)

    return make


@pytest.fixture(scope="session")
def project_factory(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Project]:
    """Like make_project, for module- or session-scoped fixtures: ``project_factory(name, ...)``."""

    def make(name: str, files: dict[str, str | bytes] | None = None, **kwargs: Any) -> Project:
        return _new_project(tmp_path_factory.mktemp(name) / "project", files, **kwargs)

    return make


@pytest.fixture
def write_article() -> Callable[..., str]:
    return article


@pytest.fixture(scope="session")
def parse_html() -> Callable[[str | Path], Document]:
    def parse(source: str | Path) -> Document:
        text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
        return Document.parse(text)

    return parse


# -- the demo help center, built once --------------------------------------------------------


@dataclass
class DemoBuild:
    project: Path  # holds the copy of mkdocs.yml (its search index goes here, not into the repo)
    site: Path
    result: subprocess.CompletedProcess[str]


def demo_config_copy(target: Path) -> Path:
    """The repository's mkdocs.yml, unchanged except that the Whoosh index is written to
    ``target`` (a build must not touch the working tree other engineers share)."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text, count = re.subn(
        r"(?m)^(\s+index_dir:).*$", lambda m: f"{m.group(1)} {target / 'search_index'}", text
    )
    if count == 0:  # the option may be left at its default
        text = text.replace(
            "      search:\n", f"      search:\n        index_dir: {target / 'search_index'}\n", 1
        )
    config = target / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


@pytest.fixture(scope="session")
def demo_config() -> Callable[[Path], Path]:
    """``demo_config(folder)`` writes the demo's mkdocs.yml into folder (see demo_config_copy)."""
    return demo_config_copy


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory, kbgen: Callable[..., Any]) -> DemoBuild:
    project = tmp_path_factory.mktemp("demo")
    config = demo_config_copy(project)
    site = project / "site"
    result = kbgen(
        "build",
        "-f",
        str(config),
        "--articles",
        str(REPO / "articles"),
        "--site-dir",
        str(site),
        cwd=project,
    )
    return DemoBuild(project, site, result)


@pytest.fixture(scope="session")
def demo_site(demo_build: DemoBuild) -> Path:
    assert demo_build.result.returncode == 0, demo_build.result.stderr
    return demo_build.site


# -- serving a site and driving Chromium -----------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser navigated away mid-response


@pytest.fixture(scope="session")
def demo_server(demo_site: Path) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:PORT/``) of the demo site on a random local port."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(demo_site))
    )
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium through Playwright. Skips without it, except in CI where it must exist.

    Module-scoped on purpose: Playwright's sync API runs an event loop while it is started, and
    other test modules start their own; only one may run at a time."""
    if not CHROMIUM.exists():
        message = f"browser tests need Debian Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set: {message}", pytrace=False)
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("CI is set: playwright is not installed (pip install -e '.[test]')")
        pytest.skip("browser tests need playwright (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking"],
            headless=True,
        )
        try:
            yield browser
        finally:
            browser.close()
