"""A real Chromium on a small static article page that carries the partial and feedback.js,
voting against a real collector (uvicorn) on another origin: with JavaScript (vote in place,
follow-up, thanks, remembered on return) and without (link → confirm → POST → thanks)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLES, render_partial, write_manifest
from serving import free_port, serve_app, serve_directory

from kbgen.feedback.app import create_app
from kbgen.feedback.collector import CollectorSettings
from kbgen.feedback.report import build_report
from kbgen.feedback.report_render import to_data
from kbgen.feedback.store import Store

CHROMIUM = Path("/usr/bin/chromium")
ASSETS = Path(__file__).resolve().parents[2] / "kbgen" / "assets"
ARTICLE_PATH = "versand/paket-verfolgen/"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium"),
]


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[dict[str, Any]]:
    site_port, collector_port = free_port(), free_port()
    site_origin = f"http://127.0.0.1:{site_port}"
    collector_url = f"http://127.0.0.1:{collector_port}"

    site = tmp_path / "site"
    write_manifest(site, site_url=site_origin + "/", articles=ARTICLES)
    (site / "assets/kbgen/feedback.js").write_bytes((ASSETS / "feedback.js").read_bytes())
    shutil.copy(ASSETS / "feedback.css", site / "assets/kbgen/feedback.css")
    page = site / ARTICLE_PATH / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<!doctype html><html lang="de"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Wo ist mein Paket?</title>"
        '<link rel="stylesheet" href="../../assets/kbgen/feedback.css"></head><body><main>'
        "<h1>Wo ist mein Paket?</h1><p>Die Sendungsnummer steht in der Versandbestätigung.</p>"
        f"{render_partial(collector=collector_url)}</main>"
        '<script type="module" src="../../assets/kbgen/feedback.js"></script></body></html>',
        encoding="utf-8",
    )

    db_url = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    app = create_app(CollectorSettings(db_url=db_url, site_dir=site))
    with serve_directory(site, site_port), serve_app(app, collector_port):
        yield {
            "article": f"{site_origin}/{ARTICLE_PATH}",
            "db_url": db_url,
            "site": site,
            "collector": collector_url,
        }


@pytest.fixture
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def _report(servers: dict[str, Any]) -> dict[str, Any]:
    from kbgen.feedback.manifest import load_manifest

    store = Store(servers["db_url"])
    try:
        return to_data(build_report(store, load_manifest(servers["site"])))
    finally:
        store.close()


def test_vote_no_with_reason_and_comment_in_place(servers: dict[str, Any], browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="de-DE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(servers["article"])
    block = page.locator(".kbgen-feedback")
    assert block.get_by_role("link", name="Nein").bounding_box()["height"] >= 44

    block.get_by_role("link", name="Nein").click()
    group = block.get_by_role("group", name="Was können wir verbessern?")
    group.wait_for()
    assert page.url == servers["article"]  # no navigation
    group.get_by_label("Informationen fehlen").check()
    comment = 'Wo finde ich die Sendungsnummer? <b>fett</b> & "Zitat"'
    block.get_by_label("Kommentar (optional)").fill(comment)
    assert block.locator(".kbgen-feedback__count").inner_text() == f"{len(comment)} von 600 Zeichen"
    block.get_by_role("button", name="Absenden").click()
    status = block.get_by_role("status")
    status.filter(has_text="Danke! Ihr Hinweis").wait_for()
    assert block.locator("form").count() == 0
    assert block.get_by_role("link", name="Kontakt aufnehmen").get_attribute("href") == (
        "mailto:hilfe@shop.example"
    )

    data = _report(servers)
    assert [(c["article"], c["reason"], c["comment"]) for c in data["comments"]] == [
        ("paket-verfolgen", "missing", comment)
    ]
    assert data["totals"] == {"yes": 0, "no": 1, "total": 1, "helpful_share": 0.0}

    page.reload()  # the vote is remembered, without cookies
    status.filter(has_text="nicht hilfreich").wait_for()
    assert not block.get_by_role("link", name="Nein").is_visible()
    assert context.cookies() == []
    stored = page.evaluate("() => localStorage.getItem('kbgen-feedback:de:paket-verfolgen')")
    assert json.loads(stored)["value"] == "no"
    assert errors == []
    context.close()


def test_vote_without_javascript_confirms_then_thanks(
    servers: dict[str, Any], browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(servers["article"])
    page.get_by_role("link", name="Ja").click()
    page.wait_for_url(f"{servers['collector']}/vote?**")
    assert page.get_by_role("heading", name="Feedback bestätigen").is_visible()
    assert _report(servers)["totals"]["total"] == 0  # following the link stored nothing
    page.get_by_role("button", name="Feedback senden").click()
    page.get_by_role("heading", name="Danke für Ihr Feedback!").wait_for()
    assert _report(servers)["totals"] == {"yes": 1, "no": 0, "total": 1, "helpful_share": 1.0}
    page.get_by_role("link", name="Zurück zum Artikel").click()
    page.wait_for_url(servers["article"])

    page.get_by_role("link", name="Nein").click()
    page.get_by_role("button", name="Feedback senden").click()
    page.get_by_label("Unverständlich").check()
    page.get_by_label("Kommentar (optional)").fill("Zu viele Schritte.")
    page.get_by_role("button", name="Absenden").click()
    page.get_by_role("heading", name="Danke! Ihr Hinweis hilft uns").wait_for()
    data = _report(servers)
    assert data["comments"][0]["comment"] == "Zu viele Schritte."
    assert data["reasons"]["confusing"] == 1
    context.close()
