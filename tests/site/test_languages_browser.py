"""The bilingual demo on a small phone (360×740) in a real Chromium: switch the language on an
article, a category and a search; every page fits, has no axe violations, calls no other origin
and the switcher's targets are at least 44 px."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 360, 740
AXE = Path(__file__).resolve().parents[1] / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN_AXE = """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))
  .violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
CHECK = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  lang: document.documentElement.lang,
  targets: [...document.querySelectorAll('.kb-lang__link')].map(a => {
    const r = a.getBoundingClientRect(); return [r.width, r.height];
  }),
})"""


@pytest.fixture
def phone(chromium, demo_server):
    context = chromium.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="de-DE",
    )
    page = context.new_page()
    page.kb_requests = []  # type: ignore[attr-defined]
    page.kb_errors = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.kb_requests.append(r.url))
    page.on("pageerror", lambda e: page.kb_errors.append(str(e)))
    page.on("console", lambda m: page.kb_errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def check_page(page: Any, lang: str, base: str) -> None:
    page.wait_for_load_state("load")
    data = page.evaluate(CHECK)
    assert data["lang"] == lang, page.url
    assert data["scrollWidth"] <= WIDTH, f"{page.url} scrolls sideways ({data['scrollWidth']} px)"
    for width, height in data["targets"]:
        assert width >= 44 and height >= 44, f"{page.url}: switcher target {width}×{height}"
    if AXE.is_file():
        page.add_script_tag(path=str(AXE))
        assert page.evaluate(RUN_AXE, TAGS) == [], page.url
    assert all(url.startswith(base) for url in page.kb_requests), page.kb_requests
    assert page.kb_errors == [], page.kb_errors


def switch(page: Any, lang: str) -> None:
    with page.expect_navigation():
        page.locator(f'.kb-lang__link[data-kb-lang="{lang}"]').tap()


def test_switch_on_an_article_stays_on_the_article(phone, demo_server) -> None:
    phone.goto(demo_server + "versand/paket-verfolgen/")
    check_page(phone, "de", demo_server)
    switch(phone, "en")
    assert urlsplit(phone.url).path == "/en/versand/paket-verfolgen/"
    assert phone.locator("h1.kb-title").inner_text() == "Where is my parcel?"
    check_page(phone, "en", demo_server)
    switch(phone, "de")
    assert urlsplit(phone.url).path == "/versand/paket-verfolgen/"


def test_switch_on_a_category_stays_on_the_category(phone, demo_server) -> None:
    phone.goto(demo_server + "en/ruecksendung/")
    check_page(phone, "en", demo_server)
    switch(phone, "de")
    assert urlsplit(phone.url).path == "/ruecksendung/"
    assert phone.locator("h1.kb-title").inner_text() == "Rücksendung & Umtausch"
    check_page(phone, "de", demo_server)


def test_switch_on_a_search_keeps_the_query_and_the_language(phone, demo_server) -> None:
    phone.goto(demo_server + "search/?q=PayPal")
    phone.locator(".kbs-page__list li").first.wait_for()
    check_page(phone, "de", demo_server)
    switch(phone, "en")
    parts = urlsplit(phone.url)
    assert parts.path == "/en/search/" and parse_qs(parts.query)["q"] == ["PayPal"]
    phone.locator(".kbs-page__list li").first.wait_for()
    links = phone.locator(".kbs-page__list a").evaluate_all("as => as.map(a => a.pathname)")
    assert links and all(path.startswith("/en/") for path in links)  # English hits only
    check_page(phone, "en", demo_server)


def test_a_search_finding_nothing_offers_the_other_language(phone, demo_server) -> None:
    phone.goto(demo_server + "en/search/?q=Mehrwertsteuer")
    offer = phone.locator("[data-kb-otherlangs] a:visible")
    offer.first.wait_for()
    assert offer.first.inner_text().endswith("in German")
    with phone.expect_navigation():
        offer.first.tap()
    parts = urlsplit(phone.url)
    assert parts.path == "/search/" and parse_qs(parts.query)["q"] == ["Mehrwertsteuer"]
    phone.locator(".kbs-page__list li").first.wait_for()
    check_page(phone, "de", demo_server)


def test_a_missing_translation_opens_the_home_page_and_says_why(phone, demo_server) -> None:
    phone.goto(demo_server + "zahlung/rechnung/mehrwertsteuer/")
    switch(phone, "en")
    parts = urlsplit(phone.url)
    assert (parts.path, parts.fragment) == ("/en/", "kb-untranslated")
    assert phone.locator("#kb-untranslated").is_visible()
    check_page(phone, "en", demo_server)
    phone.goto(demo_server + "en/")
    assert not phone.locator("#kb-untranslated").is_visible()


def test_the_search_box_finding_nothing_offers_the_other_language(phone, demo_server) -> None:
    phone.goto(demo_server + "en/")
    box = phone.locator("main .kbs__input")
    box.tap()
    box.type("Mehrwertsteuer", delay=20)
    offer = phone.locator("main [role=option]", has_text="in German")
    offer.wait_for()
    assert phone.locator("main .kbs__empty").is_visible()  # English finds nothing
    assert re.fullmatch(r"\d+ results? in German", offer.inner_text())
    assert offer.bounding_box()["height"] >= 44  # touch target
    # Screen readers hear it too: the live status names the offer after "no results".
    assert offer.inner_text() in phone.locator("main .kbs__status").inner_text()
    check_page(phone, "en", demo_server)  # the open drop-down too: axe, no overflow
    # Keyboard: the offer is an option like the hits (the last one is "all results").
    options = phone.locator("main [role=option]")
    index = options.evaluate_all("os => os.findIndex(o => o.textContent.includes('in German'))")
    for _ in range(index + 1):
        box.press("ArrowDown")
    with phone.expect_navigation():
        box.press("Enter")
    parts = urlsplit(phone.url)
    assert parts.path == "/search/" and parse_qs(parts.query)["q"] == ["Mehrwertsteuer"]
    phone.locator(".kbs-page__list li").first.wait_for()
    check_page(phone, "de", demo_server)


def test_the_english_404_searches_english(phone, demo_server) -> None:
    phone.goto(demo_server + "en/404.html")
    assert phone.locator("h1").inner_text() == "Page not found"
    box = phone.locator("main .kbs__input")
    box.tap()
    box.type("delivery", delay=20)
    phone.locator("main .kbs__option .kbs__title").first.wait_for()
    hits = phone.locator("main .kbs__option").evaluate_all(
        "os => os.filter(o => o.querySelector('.kbs__title')).map(o => o.textContent)"
    )
    assert hits and not any("Lieferung" in hit for hit in hits), hits
    check_page(phone, "en", demo_server)
    with phone.expect_navigation():
        box.press("ArrowDown")
        box.press("Enter")
    assert urlsplit(phone.url).path.startswith("/en/")
    check_page(phone, "en", demo_server)
