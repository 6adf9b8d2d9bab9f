"""Visit events end to end in a real Chromium: the demo help center built with a collector,
served as ``http://help.test:PORT/`` (Chromium resolves the name to 127.0.0.1), a real
collector (uvicorn) on another origin. A visit's search, opened result, article view and vote
arrive as events of one visit; no cookie is set and no request leaves the two origins. Global
Privacy Control and Do Not Track suppress the events, and so does opening the same site as a
local preview (127.0.0.1) when the site did not ask for local events."""

from __future__ import annotations

import functools
import http.server
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select

from kbgen.feedback import schema
from kbgen.feedback.app import create_app
from kbgen.feedback.collector import CollectorSettings
from kbgen.feedback.store import Store

CHROMIUM = Path("/usr/bin/chromium")
HOST = "help.test"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
    kbgen: Callable[..., Any],
    demo_config: Callable[[Path], Path],
) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("events")
    site_port, collector_port = _free_port(), _free_port()
    collector = f"http://127.0.0.1:{collector_port}"
    config = demo_config(root)
    text = config.read_text(encoding="utf-8")
    text = text.replace('collector_url: ""', f'collector_url: "{collector}"')
    text = re.sub(r"(?m)^# site_url:.*$", f"site_url: http://{HOST}:{site_port}/", text)
    config.write_text(text, encoding="utf-8")
    site = root / "site"
    repo = Path(__file__).resolve().parents[2]
    result = kbgen(
        "build", "-f", str(config), "--articles", str(repo / "articles"), "--site-dir", str(site)
    )
    assert result.returncode == 0, result.stderr

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", site_port), functools.partial(_Quiet, directory=str(site))
    )
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    db_url = f"sqlite:///{root / 'feedback.sqlite3'}"
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(CollectorSettings(db_url=db_url, site_dir=site)),
            host="127.0.0.1",
            port=collector_port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "collector did not start"
    yield {
        "site": f"http://{HOST}:{site_port}/",
        "local": f"http://127.0.0.1:{site_port}/",
        "collector": collector,
        "db_url": db_url,
    }
    server.should_exit = True
    thread.join(timeout=10)
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
            ],
        )
        yield browser
        browser.close()


def _events(db_url: str) -> list[Any]:
    store = Store(db_url)
    try:
        with store.reading() as conn:
            ev = schema.events
            return list(conn.execute(select(ev).order_by(ev.c.visit, ev.c.seq)))
    finally:
        store.close()


def _visit(chromium: Any, base: str, init_script: str = "", vote: bool = True) -> dict[str, Any]:
    """Search "Paket" in the box, open the first result, vote "yes", go home. (Beacons sent
    while a page unloads are not reported as the page's requests: arrival is checked in the
    database.)"""
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base)
    box = page.locator("header .kbs__input, .kbs__input").first
    box.click()
    box.type("Paket", delay=40)
    page.wait_for_selector(".kbs__option .kbs__title", state="visible")
    title = page.locator(".kbs__option .kbs__title").first.inner_text()
    time.sleep(1.8)  # the visitor reads the suggestions: the search settles
    page.locator(".kbs__option").first.click()
    page.wait_for_selector(".kbgen-feedback__choice")
    if vote:
        page.locator('.kbgen-feedback__choice[data-value="yes"]').click()
        page.wait_for_function(
            "document.querySelector('.kbgen-feedback__status').textContent.length > 0"
        )
    page.goto(base)  # leaving the article sends the batch (pagehide)
    page.wait_for_load_state("load")
    cookies = context.cookies()
    url = page.url
    context.close()
    return {"requests": requests, "cookies": cookies, "title": title, "url": url}


def _origins(urls: list[str]) -> set[str]:
    return {m.group(1) for u in urls if (m := re.match(r"^(\w+://[^/]+)", u))}


def _wait_for(predicate: Callable[[], Any], seconds: float = 10) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


def test_a_visit_arrives_as_events_without_cookies_or_other_origins(
    chromium: Any, served: dict[str, Any]
) -> None:
    before = len(_events(served["db_url"]))
    visit = _visit(chromium, served["site"])
    rows = _wait_for(lambda: _events(served["db_url"])[before:] or None)
    time.sleep(0.5)  # the beacons of one page may arrive a moment apart
    rows = _events(served["db_url"])[before:]
    assert rows, "no events arrived"
    assert len({r.visit for r in rows}) == 1, "one visit, one id"
    kinds = [r.kind for r in rows]
    assert kinds == ["search", "result", "article", "vote"], kinds
    search, result, article, vote = rows
    assert search.query == "paket" and search.number > 0
    assert result.number == 1 and result.article_id == article.article_id
    assert vote.value == "yes" and vote.article_id == article.article_id
    assert [r.seq for r in rows] == sorted(r.seq for r in rows)
    assert visit["cookies"] == []
    assert _origins(visit["requests"]) <= {served["site"].rstrip("/"), served["collector"]}


@pytest.mark.parametrize(
    "script",
    [
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})",
        "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})",
    ],
    ids=["gpc", "dnt"],
)
def test_privacy_signals_suppress_events(
    chromium: Any, served: dict[str, Any], script: str
) -> None:
    before = len(_events(served["db_url"]))
    visit = _visit(chromium, served["site"], script)
    time.sleep(1.5)
    assert len(_events(served["db_url"])) == before
    assert any("/api/votes" in u for u in visit["requests"])  # the vote itself still counts


def test_a_local_preview_sends_nothing(chromium: Any, served: dict[str, Any]) -> None:
    before = len(_events(served["db_url"]))
    # (The collector accepts votes from the site's own origin only, so no vote here.)
    _visit(chromium, served["local"], vote=False)
    time.sleep(1.5)
    assert len(_events(served["db_url"])) == before
