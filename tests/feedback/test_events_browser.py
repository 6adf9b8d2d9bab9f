"""Visit events end to end in a real Chromium: the demo help center built with a collector,
served as ``http://help.test:PORT/`` (Chromium resolves the name to 127.0.0.1), a real
collector (uvicorn) on another origin. A visit's search, opened result, article view and vote
arrive as events of one visit; no cookie is set and no request leaves the two origins. Global
Privacy Control and Do Not Track suppress the events, and so does opening the same site as a
local preview (127.0.0.1) when the site did not ask for local events. The visit's record
for the contact form stays in the tab; the report reads on a phone without script."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from conftest import ARTICLES, write_manifest
from sqlalchemy import select

from kbgen.feedback import schema
from kbgen.feedback.app import create_app
from kbgen.feedback.collector import CollectorSettings
from kbgen.feedback.event_store import EventBatch, EventStore
from kbgen.feedback.manifest import load_manifest
from kbgen.feedback.report import build_report
from kbgen.feedback.report_render import render
from kbgen.feedback.self_service import build_self_service
from kbgen.feedback.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import analytics_sim  # noqa: E402

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


def test_the_visit_record_for_the_contact_form(chromium: Any, served: dict[str, Any]) -> None:
    context = chromium.new_context()
    page = context.new_page()
    page.goto(served["site"])
    page.wait_for_function("window.kbgenVisit !== undefined")
    first_id = page.evaluate("kbgenVisit.context().visit_id")
    ctx = page.evaluate(
        """() => {
        kbgenVisit.record("search", {q: "Pak", results: 3});
        kbgenVisit.record("search", {q: "  Paket   VERFOLGEN ", results: 2, final: true});
        kbgenVisit.record("article", {id: "paket-verfolgen", lang: "de", title: "Wo?", url: "/x/"});
        kbgenVisit.record("assistant", {role: "user", text: "a".repeat(5000)});
        for (let i = 0; i < 25; i++) {
            kbgenVisit.record("vote", {id: "a" + i, lang: "de", value: "no"});
        }
        kbgenVisit.forget("votes", 0);
        return kbgenVisit.context();
    }"""
    )
    assert [(s["q"], s["results"]) for s in ctx["searches"]] == [("paket verfolgen", 2)]
    assert ctx["articles"][-1]["id"] == "paket-verfolgen" and ctx["articles"][-1]["title"] == "Wo?"
    assert len(ctx["assistant"][0]["text"]) == 1000
    assert len(ctx["votes"]) == 19 and ctx["votes"][0]["id"] == "a6"  # bounded, then one forgotten
    assert ctx["visit_id"] == first_id and ctx["lang"] == "de"
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('kbgen-visit'))") == []
    page.reload()
    page.wait_for_function("window.kbgenVisit !== undefined")
    assert page.evaluate("kbgenVisit.context().visit_id") == first_id  # the same tab
    other = context.new_page()
    other.goto(served["site"])
    other.wait_for_function("window.kbgenVisit !== undefined")
    assert other.evaluate("kbgenVisit.context()")["visit_id"] != first_id  # another tab
    assert other.evaluate("kbgenVisit.context().searches") == []
    page.evaluate("kbgenVisit.clear()")
    cleared = page.evaluate("kbgenVisit.context()")
    assert cleared["visit_id"] != first_id and cleared["votes"] == [] and cleared["searches"] == []
    context.close()


def test_the_report_reads_on_a_phone_without_script(chromium: Any, tmp_path: Path) -> None:
    write_manifest(tmp_path / "site")
    store = Store(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    today = dt.date.today()
    ids = {lang: sorted({a["id"] for a in ARTICLES if a["lang"] == lang}) for lang in ("de", "en")}
    visits, _ = analytics_sim.simulate(300, ids, seed=5, today=today)
    rows = [
        {
            "visit": v.visit,
            "seq": e["seq"],
            "kind": e["kind"],
            "lang": v.lang,
            "seconds": e["t"],
            "article_id": (e.get("id") or "").split("#")[0] or None,
            "query": (e.get("q") or "").lower() or None,
            "number": e.get("n"),
            "value": e.get("value"),
            "day": v.day,
            "created_at": dt.datetime.combine(v.day, dt.time(9)),
        }
        for v in visits
        for b in v.batches
        for e in b
    ]
    EventStore(store).add_batches([EventBatch(rows=rows, day=today, client=None, limit=0)])
    manifest = load_manifest(tmp_path / "site")
    report = build_report(store, manifest, now=dt.datetime.combine(today, dt.time(12)))
    report.self_service = build_self_service(store, manifest, today=today, since=None)
    path = tmp_path / "report.html"
    path.write_text(render(report, "html"), encoding="utf-8")
    store.close()

    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False
    )
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    assert page.locator("#self-service h2").inner_text() == "Self-service"
    assert page.locator("#self-service .query").first.is_visible()
    assert page.locator("code.cmd").count() > 0
    # Nothing wider than the phone but the tables' own scrolling boxes.
    context_js = chromium.new_context(viewport={"width": 360, "height": 740})
    page_js = context_js.new_page()
    page_js.goto(path.as_uri())
    assert page_js.evaluate("document.documentElement.scrollWidth") <= 360
    assert requests == [path.as_uri()]
    context.close()
    context_js.close()
