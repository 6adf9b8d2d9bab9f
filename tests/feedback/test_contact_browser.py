"""The hand-over end to end in Chromium at 360×740: search, read an article, vote "Nein", open
the contact form from the article, see suggestions and the visit's context, remove one item,
send; the SMTP server gets the mail without the removed item, the webhook gets the JSON and the
customer sees the reference. The demo help center, built with a collector; a real collector
(uvicorn) with a real SMTP server and webhook receiver."""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from contact_sinks import SmtpSink, WebhookSink, wait_for
from serving import free_port

from kbgen.contact.settings import ContactSettings
from kbgen.feedback.app import create_app
from kbgen.feedback.collector import CollectorSettings

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium"),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def _config(tmp: Path, collector: str) -> Path:
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(\s+collector_url:).*$", lambda m: f'{m.group(1)} "{collector}"', text)
    text = re.sub(r"(?m)^(\s+index_dir:).*$", lambda m: f"{m.group(1)} {tmp / 'index'}", text)
    config = tmp / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    import uvicorn

    tmp = tmp_path_factory.mktemp("contact")
    collector_port = free_port()
    collector = f"http://127.0.0.1:{collector_port}"
    site_dir = tmp / "site"
    build = subprocess.run(
        [str(Path(sys.executable).with_name("kbgen")), "build", "-f", str(_config(tmp, collector)),
         "--articles", str(REPO / "articles"), "--site-dir", str(site_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site_dir))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{httpd.server_address[1]}/"
    smtp = SmtpSink().start()
    hook = WebhookSink().start()
    settings = CollectorSettings(
        db_url=f"sqlite:///{tmp / 'collector.sqlite3'}",
        site_dir=site_dir,
        origins=(site.rstrip("/"),),
        contact=ContactSettings(
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            mail_to="kundenservice@nordlicht-living.example",
            webhook_url=hook.url,
            poll_seconds=0.1,
        ),
        search_index=tmp / "index",
    )
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=collector_port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield {"site": site, "smtp": smtp, "hook": hook, "site_dir": site_dir}
    server.should_exit = True
    thread.join(timeout=15)
    httpd.shutdown()
    smtp.stop()
    hook.stop()


@pytest.fixture
def page(stack: dict[str, Any]) -> Iterator[Any]:
    api = pytest.importorskip("playwright.sync_api")
    with api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="de-DE"
        )
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        yield tab
        browser.close()
        assert errors == []


def test_search_read_vote_no_then_contact_with_context(stack: dict[str, Any], page: Any) -> None:
    site = stack["site"]
    # Search, and open the first result.
    page.goto(site + "search/?q=sendungsnummer")
    page.locator(".kbs-page__list li a").first.wait_for()
    page.wait_for_timeout(1700)  # a search counts once the visitor stopped typing
    page.goto(site + "versand/paket-verfolgen/")
    # Vote "Nein" in place.
    block = page.locator(".kbgen-feedback")
    block.get_by_role("link", name="Nein", exact=True).click()
    block.get_by_role("group", name="Was können wir verbessern?").wait_for()
    # The article's contact block leads to the form with the article as the topic.
    page.locator(".kb-contact").get_by_role("link", name="Kontaktformular").click()
    page.wait_for_url(re.compile(r"/kontakt/\?topic="))
    form = page.locator("form.kbgen-contact")
    assert form.locator("select[name=topic]").input_value() == "Wo ist mein Paket?"

    # Suggestions while typing (debounced), and typed text kept across leaving the page.
    page.fill("#kbgen-contact-message", "Mein Paket ist nicht angekommen, die Sendungsnummer fehlt")
    suggestions = form.locator(".kbgen-contact__suggestions li a")
    suggestions.first.wait_for()
    assert 1 <= suggestions.count() <= 3
    suggestions.first.click()
    page.go_back()
    page.locator("#kbgen-contact-message").wait_for()
    assert "Sendungsnummer fehlt" in page.input_value("#kbgen-contact-message")

    # "Wird mitgesendet": the search, the article and the vote; remove the vote.
    items = form.locator(".kbgen-contact__context-list li")
    texts = items.all_inner_texts()
    assert any("sendungsnummer" in t for t in texts), texts
    assert any("Wo ist mein Paket?" in t and "Gelesen" in t for t in texts), texts
    vote = [t for t in texts if "nicht hilfreich" in t]
    assert vote, texts
    items.filter(has_text="nicht hilfreich").get_by_role(
        "button", name=re.compile("Entfernen")
    ).click()
    assert not any("nicht hilfreich" in t for t in items.all_inner_texts())

    page.fill("#kbgen-contact-email", "kundin@example.org")
    page.fill("#kbgen-contact-name", "Erika Muster")
    page.get_by_role("button", name="Nachricht senden").click()
    status = form.locator(".kbgen-contact__status")
    status.filter(has_text="ist eingegangen").wait_for()
    reference = re.search(r"K-\d{4}-\d{6}", status.inner_text()).group()
    assert status.inner_text().startswith(f"Ihre Anfrage {reference} ist eingegangen")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    smtp, hook = stack["smtp"], stack["hook"]
    wait_for(lambda: smtp.messages and hook.bodies, timeout=20, what="delivery")
    mail = smtp.messages[-1]
    assert mail["X-Kbgen-Reference"] == reference
    assert mail["Reply-To"] == "Erika Muster <kundin@example.org>"
    text = mail.get_body(("plain",)).get_content()
    assert "Mein Paket ist nicht angekommen" in text
    assert "sendungsnummer" in text and "Wo ist mein Paket?" in text
    assert "nicht hilfreich" not in text  # removed by the customer
    assert "Empfohlene Artikel" in text  # the agent's start
    payload = hook.bodies[-1]
    assert payload["reference"] == reference
    assert payload["context"]["votes"] == []
    assert payload["topic"] == "Wo ist mein Paket?"
    assert 1 <= len(payload["recommended"]) <= 3


# Layout shifts not caused by a key press or tap within 0.5 s (the CLS definition), summed.
CLS_OBSERVER = """
window.kbCls = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.kbCls += e.value;
}).observe({ type: "layout-shift", buffered: true });
"""


def test_typing_a_question_shows_the_instant_answer(stack: dict[str, Any], page: Any) -> None:
    page.add_init_script(CLS_OBSERVER)
    page.goto(stack["site"] + "kontakt/")
    form = page.locator("form.kbgen-contact")
    form.locator("button[type=submit]").and_(page.locator(":enabled")).wait_for()
    # What the visit records (search-answer.js calls window.kbgenVisit.record).
    page.evaluate(
        """() => { const v = window.kbgenVisit, record = v.record; window.kbRecorded = [];
        v.record = (kind, data) => {
          window.kbRecorded.push([kind, data]);
          return record(kind, data);
        }; }"""
    )
    page.locator("#kbgen-contact-message").press_sequentially("Wie lange dauert die Lieferung?")
    card = form.locator(".kbgen-contact__suggestions .kbs-answer")
    card.wait_for()
    question = card.locator(".kbs-answer__question").inner_text()
    assert question.startswith("Wie lange dauert die Lieferung"), question
    assert card.locator(".kbs-answer__body").inner_text().strip()
    more = card.get_by_role("link", name="Ganzen Artikel lesen")
    assert more.get_attribute("href").endswith("/versand/lieferzeit/")
    assert 1 <= form.locator(".kbgen-contact__suggestions li a").count() <= 3
    page.wait_for_timeout(600)  # later shifts count too
    assert page.evaluate("window.kbCls") <= 0.05
    recorded = page.evaluate("window.kbRecorded")
    assert ["answer", {"id": "lieferzeit", "shown": True}] in recorded, recorded

    # "Ja" counts as the article's vote (via "answer") and in the visit's record.
    with page.expect_request(lambda r: r.url.endswith("/api/votes")) as request:
        card.get_by_role("button", name="Ja", exact=True).click()
    vote = request.value.post_data_json
    assert (vote["article"], vote["value"], vote["via"]) == ("lieferzeit", "yes", "answer")
    card.get_by_text("Danke für Ihre Rückmeldung!").wait_for()
    recorded = page.evaluate("window.kbRecorded")
    assert ["answer", {"id": "lieferzeit", "helpful": True}] in recorded, recorded
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.fixture(scope="module")
def unreachable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo built with a collector that is not running."""
    tmp = tmp_path_factory.mktemp("contact-down")
    site_dir = tmp / "site"
    config = _config(tmp, f"http://127.0.0.1:{free_port()}")
    build = subprocess.run(
        [str(Path(sys.executable).with_name("kbgen")), "build", "-f", str(config),
         "--articles", str(REPO / "articles"), "--site-dir", str(site_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site_dir))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_without_the_service_the_form_offers_a_prefilled_mail(unreachable: str, page: Any) -> None:
    from urllib.parse import parse_qs, urlsplit

    page.goto(unreachable + "versand/paket-verfolgen/")
    page.goto(unreachable + "kontakt/")
    page.fill("#kbgen-contact-message", "Wo bleibt mein Paket? " * 200)  # longer than a mailto
    page.fill("#kbgen-contact-email", "kundin@example.org")
    page.fill("#kbgen-contact-subject", "Paket fehlt")
    page.get_by_role("button", name="Nachricht senden").click()
    link = page.locator(".kbgen-contact__status a")
    link.wait_for()
    href = link.get_attribute("href")
    assert href.startswith("mailto:kundenservice@nordlicht-living.example?")
    assert len(href) <= 1800
    query = parse_qs(urlsplit(href).query)
    assert query["subject"] == ["Paket fehlt"]
    body = query["body"][0]
    assert body.startswith("Wo bleibt mein Paket?") and body.endswith("…")
    assert "nicht gesendet werden" in page.locator(".kbgen-contact__status").inner_text()


def test_without_javascript_the_page_lists_the_channels(unreachable: str) -> None:
    api = pytest.importorskip("playwright.sync_api")
    with api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(
            java_script_enabled=False, viewport={"width": 360, "height": 740}
        )
        tab = context.new_page()
        tab.goto(unreachable + "kontakt/")
        assert not tab.locator("form.kbgen-contact").is_visible()
        channels = tab.locator(".kbgen-contact__channels")
        assert (
            channels.get_by_role("link", name="040 1234567").get_attribute("href")
            == "tel:0401234567"
        )
        assert channels.get_by_role(
            "link", name="kundenservice@nordlicht-living.example"
        ).is_visible()
        assert "Hafenstraße 1" in channels.inner_text()
        browser.close()
