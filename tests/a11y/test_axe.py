"""axe-core on the demo help center in a real Chromium, on a phone (360×740) and a desktop
(1280×800): home, a category, an article, the search results for "paket", the article after
"Nein" (follow-up form open) and the collector's no-JS confirm page. WCAG 2.0/2.1 A and AA plus
axe's best practices; every page must have zero violations.

Needs Debian Chromium (/usr/bin/chromium) and axe-core from tests/a11y/package-lock.json:

    npm ci --prefix tests/a11y

Without either the tests skip with the reason; with the environment variable CI set they fail.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from serving import QuietHandler, free_port

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
VIEWPORTS = {"phone": (360, 740), "desktop": (1280, 800)}

HOME, CATEGORY, ARTICLE = "", "versand/", "versand/paket-verfolgen/"
ARTICLE_ID = "paket-verfolgen"
SEARCH = "search/?q=paket"
CONTACT = "kontakt/"


# -- what the test needs --------------------------------------------------------------------


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.is_file():
        message = (
            f"the axe tests need axe-core at {AXE.relative_to(REPO)} (npm ci --prefix tests/a11y)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI is set: {message}", pytrace=False)
        pytest.skip(message)
    return AXE


def _kbgen() -> str:
    beside = Path(sys.executable).with_name("kbgen")
    found = str(beside) if beside.exists() else shutil.which("kbgen")
    assert found, "the kbgen console script is not installed (pip install -e .)"
    return found


def _configure(config: Path, collector_url: str) -> None:
    """Point the copied demo configuration's feedback block at the test's collector."""
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(
        r"(?m)^(\s+collector_url:).*$", lambda m: f'{m.group(1)} "{collector_url}"', text
    )
    assert count == 1, "mkdocs.yml has no feedback.collector_url line to adjust"
    config.write_text(text, encoding="utf-8")


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the collector exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the collector did not answer /healthz within 30 s:\n{log.read_text()}")


@dataclass
class Stack:
    site_dir: Path
    site: str  # http://127.0.0.1:PORT/
    collector: str  # http://127.0.0.1:PORT (no slash)
    revision: str  # the article's revision, as the vote links carry it


@pytest.fixture(scope="module")
def stack(
    axe_script: Path, chromium: Any, demo_config: Callable[[Path], Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:  # fmt: skip
    """The demo help center built with a collector URL, served by a threaded http.server, and
    that collector (`kbgen feedback serve`) running against the built site."""
    tmp = tmp_path_factory.mktemp("a11y")
    collector_port = free_port()
    collector = f"http://127.0.0.1:{collector_port}"
    config = demo_config(tmp)  # the repository's mkdocs.yml, search index in tmp
    _configure(config, collector)
    site_dir = tmp / "site"
    build = subprocess.run(
        [_kbgen(), "build", "-f", str(config), "--articles", str(REPO / "articles"),
         "--site-dir", str(site_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    assert build.returncode == 0, build.stderr

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site_dir))
    )
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_address[1]}/"

    log = tmp / "collector.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [_kbgen(), "feedback", "serve", "--site-dir", str(site_dir),
             "--db", f"sqlite:///{tmp / 'fb.sqlite3'}", "--port", str(collector_port),
             "--origin", site.rstrip("/"), "--log-level", "warning"],
            cwd=tmp, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_healthy(collector, process, log)
        manifest = json.loads((site_dir / "assets/kbgen/articles.json").read_text("utf-8"))
        revision = next(
            a["revision"]
            for a in manifest["articles"]
            if a["id"] == ARTICLE_ID and a["lang"] == "de"
        )
        yield Stack(site_dir, site, collector, revision)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server.shutdown()
        server.server_close()


# -- running axe ----------------------------------------------------------------------------

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
  }));
}"""


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"]:
            target = " ".join(json.dumps(t, ensure_ascii=False) for t in node["target"])
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {target}: {summary[:300]}")
    return "\n".join(lines)


def _open_search(page: Any, stack: Stack) -> None:
    page.goto(stack.site + SEARCH)
    page.locator(".kbs-page__list li").first.wait_for()


def _answer_no(page: Any, stack: Stack) -> None:
    page.goto(stack.site + ARTICLE)
    block = page.locator(".kbgen-feedback")
    with page.expect_response(lambda r: r.url.startswith(stack.collector + "/api/votes")) as vote:
        block.get_by_role("link", name="Nein", exact=True).click()
    assert vote.value.status == 201, vote.value.text()
    block.get_by_role("group", name="Was können wir verbessern?").wait_for()
    block.locator("textarea").wait_for()


def _contact_typed(page: Any, stack: Stack) -> None:
    page.goto(stack.site + ARTICLE)  # the visit's context then holds an article
    page.goto(stack.site + CONTACT + "?topic=Wo%20ist%20mein%20Paket%3F")
    page.fill("#kbgen-contact-message", "Mein Paket ist nicht angekommen")
    page.locator(".kbgen-contact__suggestions li").first.wait_for()
    page.locator(".kbgen-contact__context-list li").first.wait_for()


def _contact_answer(page: Any, stack: Stack) -> None:
    page.goto(stack.site + CONTACT)
    page.fill("#kbgen-contact-message", "Wie lange dauert die Lieferung?")
    page.locator(".kbgen-contact__suggestions .kbs-answer").wait_for()
    page.locator(".kbgen-contact__suggestions li").first.wait_for()


PAGES: dict[str, Callable[[Any, Stack], None]] = {
    "contact": lambda page, s: page.goto(s.site + CONTACT),
    "contact-typed": _contact_typed,
    "contact-answer": _contact_answer,
    "home": lambda page, s: page.goto(s.site + HOME),
    "category": lambda page, s: page.goto(s.site + CATEGORY),
    "article": lambda page, s: page.goto(s.site + ARTICLE),
    "search-results": _open_search,
    "article-after-no": _answer_no,
    "collector-confirm": lambda page, s: page.goto(
        f"{s.collector}/vote?article={ARTICLE_ID}&lang=de&rev={s.revision}&value=no"
    ),
}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_axe_violations(name: str, viewport: str, stack: Stack, chromium: Any,
                           axe_script: Path) -> None:  # fmt: skip
    width, height = VIEWPORTS[viewport]
    mobile = viewport == "phone"
    context = chromium.new_context(
        viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile,
        locale="de-DE", bypass_csp=True,  # the collector's CSP would block the injected axe
    )  # fmt: skip
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        PAGES[name](page, stack)
        page.wait_for_load_state("load")
        page.add_script_tag(path=str(axe_script))
        violations = page.evaluate(RUN_AXE, TAGS)
    finally:
        context.close()
    if violations:
        pytest.fail(
            f"{len(violations)} axe violation(s) on {name} at {width}×{height} ({page.url}):\n"
            + describe(violations),
            pytrace=False,
        )
    assert errors == []
