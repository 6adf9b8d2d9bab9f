"""The search UI in a real Chromium on the demo help center, at phone width (360 px)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _page(chromium: Any, demo_server: str, width: int) -> Any:
    context = chromium.new_context(viewport={"width": width, "height": 740})
    page = context.new_page()
    page.kbs_requests = []  # type: ignore[attr-defined]
    page.kbs_errors = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.kbs_requests.append(r.url))
    page.on("pageerror", lambda e: page.kbs_errors.append(str(e)))
    yield page
    assert not page.kbs_errors, page.kbs_errors
    origins = {
        re.match(r"^(\w+://[^/]+)", u).group(1)
        for u in page.kbs_requests
        if not u.startswith("data:")
    }
    assert origins == {demo_server.rstrip("/")}, f"requests to other origins: {origins}"
    context.close()


@pytest.fixture
def phone(chromium: Any, demo_server: str) -> Any:
    yield from _page(chromium, demo_server, 360)


@pytest.fixture
def desktop(chromium: Any, demo_server: str) -> Any:
    yield from _page(chromium, demo_server, 1024)


def test_results_page_with_umlaut_variant_filter_and_back(phone: Any, demo_server: str) -> None:
    phone.goto(demo_server + "search/?q=Rueckgabe")
    status = phone.locator(".kbs-page__status")
    phone.wait_for_function("document.querySelectorAll('.kbs-page__hit').length > 0")
    assert re.search(r"\d+ Ergebnisse für „Rueckgabe“", status.inner_text())
    assert phone.locator(".kbs-page__hit mark").count() > 0
    first_title = phone.locator(".kbs-page__title").first.inner_text()
    # the shareable URL reproduces the same list
    assert phone.input_value(".kbs-page .kbs__input, main .kbs__input") == "Rueckgabe"

    filters = phone.locator(".kbs-page__filter")
    assert filters.count() >= 2
    filters.nth(1).click()
    phone.wait_for_url(re.compile(r"cat="))
    assert filters.nth(1).get_attribute("aria-pressed") == "true"

    box = phone.locator("main .kbs__input")
    box.fill("Rechnung")
    box.press("Enter")
    phone.wait_for_url(re.compile(r"q=Rechnung"))
    phone.wait_for_function(
        "document.querySelector('.kbs-page__status').textContent.includes('Rechnung')"
    )
    phone.go_back()
    phone.wait_for_function(
        "document.querySelector('.kbs-page__status').textContent.includes('Rueckgabe')"
    )
    phone.go_back()
    phone.wait_for_function(
        f"document.querySelector('.kbs-page__title')?.textContent === {json.dumps(first_title)}"
    )


def test_typo_is_corrected_with_a_link_to_the_original(phone: Any, demo_server: str) -> None:
    phone.goto(demo_server + "search/?q=Rechnnung")
    phone.wait_for_function("document.querySelectorAll('.kbs-page__hit').length > 0")
    notice = phone.locator(".kbs-page__suggest")
    assert notice.is_visible()
    assert notice.inner_text().startswith("Ergebnisse für Rechnung.")
    assert notice.locator("em").inner_text() == "Rechnung"
    assert "„Rechnung“" in phone.locator(".kbs-page__status").inner_text()
    assert phone.locator(".kbs-page__hit mark").count() > 0  # the corrected word is marked
    original = notice.locator("a.kbs-page__original")
    assert original.inner_text() == "Rechnnung"
    original.click()
    phone.wait_for_url(re.compile(r"q=Rechnnung&exact=1"))
    # the words as typed find nothing; "did you mean" offers the correction instead
    phone.wait_for_function("!document.querySelector('.kbs-page__empty').hidden")
    assert "Meinten Sie" in notice.inner_text() and "rechnung" in notice.inner_text().lower()


def test_search_box_says_which_words_it_searched(phone: Any, demo_server: str) -> None:
    phone.goto(demo_server)
    box = phone.locator("main .kbs__input")
    box.click()
    box.type("Rechnnung", delay=20)  # no corpus word starts so: corrected while typing
    phone.wait_for_function("!!document.querySelector('main .kbs__corrected')")
    assert phone.locator("main .kbs__corrected").inner_text() == "Ergebnisse für Rechnung."
    assert phone.locator("main [role=option]").count() >= 2


def test_zero_results_show_promoted_and_contact(phone: Any, demo_server: str) -> None:
    phone.goto(demo_server + "search/?q=xqzvw")
    phone.wait_for_function("!document.querySelector('.kbs-page__empty').hidden")
    assert phone.locator(".kbs-page__promoted a").count() > 0
    assert phone.locator(".kbs-page__empty .kb-contact").count() == 1
    assert "Keine Ergebnisse" in phone.locator(".kbs-page__status").inner_text()


def _combobox(page: Any, box: Any, scope: str) -> None:
    box.click()
    box.type("paket verf", delay=20)
    page.wait_for_function(f"!document.querySelector('{scope} .kbs__panel').hidden")
    assert box.get_attribute("aria-expanded") == "true"
    options = page.locator(f"{scope} [role=option]")
    assert options.count() >= 2
    assert "Paket" in options.first.inner_text()
    assert options.first.locator("mark").count() >= 1
    assert options.first.bounding_box()["height"] >= 44  # touch target
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/versand/paket-verfolgen/"))


def test_home_box_on_a_phone_keyboard_and_aria(phone: Any, demo_server: str) -> None:
    phone.goto(demo_server)
    _combobox(phone, phone.locator("main .kbs__input"), "main")


def test_header_box_on_desktop(desktop: Any, demo_server: str) -> None:
    desktop.goto(demo_server + "versand/")
    _combobox(desktop, desktop.locator("header .kbs__input"), "header")


def test_enter_without_choice_opens_the_results_page(desktop: Any, demo_server: str) -> None:
    desktop.goto(demo_server + "versand/")
    box = desktop.locator("header .kbs__input")
    box.fill("Rücksendung")
    box.press("Enter")
    desktop.wait_for_url(re.compile(r"/search/\?q=R%C3%BCcksendung"))
    desktop.wait_for_function("document.querySelectorAll('.kbs-page__hit').length > 0")


def test_result_data_is_rendered_as_text(phone: Any, demo_server: str) -> None:
    payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'

    def poison(route: Any) -> None:
        records = json.loads(route.fetch().text())
        for record in records:
            record[1] = payload + record[1]
            record[6] = payload + " Paket " + record[6]
        route.fulfill(body=json.dumps(records), content_type="application/json")

    phone.route(re.compile(r".*/assets/kbgen/search/.*/d\d+\.json$"), poison)
    phone.goto(demo_server + "search/?q=Paket")
    phone.wait_for_function("document.querySelectorAll('.kbs-page__hit').length > 0")
    assert payload in phone.locator(".kbs-page__title").first.inner_text()
    assert phone.locator(".kbs-page img, .kbs-page script").count() == 0
    assert phone.evaluate("window.__pwned") is None


def test_zero_result_searches_are_reported_once_when_final(phone: Any, demo_server: str) -> None:
    posts: list[dict] = []

    def with_collector(route: Any) -> None:
        html = route.fetch().text().replace('data-zero-url=""', 'data-zero-url="/api/zero-results"')
        route.fulfill(body=html, content_type="text/html; charset=utf-8")

    def collector(route: Any) -> None:
        posts.append(json.loads(route.request.post_data or "{}"))
        route.fulfill(status=204, body="")

    phone.route(re.compile(r".*/search/(\?.*)?$"), with_collector)
    phone.route(re.compile(r".*/api/zero-results$"), collector)
    phone.goto(demo_server + "search/")
    box = phone.locator("main .kbs__input")
    box.type("xqzv", delay=30)  # typing: intermediate queries are not reported at once
    box.press("Enter")  # the final query is
    phone.wait_for_function("!document.querySelector('.kbs-page__empty').hidden")
    phone.wait_for_timeout(2500)
    assert posts == [{"query": "xqzv", "lang": "de"}]
