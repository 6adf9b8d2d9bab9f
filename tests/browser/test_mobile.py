"""The demo help center on a small phone (360×740) in a real Chromium: a customer taps from the
home page to a category and on to an article. Every page must fit the screen, stay on its own
origin, set no cookies, log no errors and offer tap targets of at least 44 px."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 360, 740
MIN_TAP = 44
TAP_TARGETS = ".kb-list a, a.kb-tile, .kb-breadcrumbs a"
MEASURE = """(selector) => ({
  scrollWidth: document.documentElement.scrollWidth,
  targets: [...document.querySelectorAll(selector)]
    .filter(el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
    .map(el => ({text: el.textContent.trim().slice(0, 50),
                 height: el.getBoundingClientRect().height})),
})"""


@dataclass
class Visit:
    url: str
    scroll_width: int
    targets: list[dict]


@dataclass
class Journey:
    base: str
    visits: list[Visit] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    cookies: list[dict] = field(default_factory=list)
    article_title: str = ""


def measure(page, journey: Journey) -> None:
    page.wait_for_load_state("load")
    data = page.evaluate(MEASURE, TAP_TARGETS)
    journey.visits.append(Visit(page.url, data["scrollWidth"], data["targets"]))


def phone(chromium, record: Journey):
    """A fresh phone-sized browser context (no state from other tests) recording into record."""
    context = chromium.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="de-DE",
    )
    page = context.new_page()
    page.on("request", lambda request: record.requests.append(request.url))
    page.on(
        "response",
        lambda r: record.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on(
        "console", lambda m: record.console_errors.append(m.text) if m.type == "error" else None
    )
    page.on("pageerror", lambda error: record.console_errors.append(str(error)))
    return context, page


@pytest.fixture(scope="module")
def journey(chromium, demo_server, demo_site) -> Journey:
    record = Journey(demo_server)
    context, page = phone(chromium, record)
    try:
        page.goto(demo_server)
        measure(page, record)
        with page.expect_navigation():
            page.locator("a.kb-tile", has_text="Versand & Lieferung").tap()
        measure(page, record)
        with page.expect_navigation():
            # An article with a table: the widest content the demo has.
            page.locator(".kb-list a", has_text="Wie lange dauert die Lieferung").first.tap()
        measure(page, record)
        record.article_title = page.locator("h1.kb-title").inner_text()
        with page.expect_navigation():
            page.locator(".kb-breadcrumbs a").first.tap()
        measure(page, record)
        # Pages with tables are the widest content; the search page has a search form.
        wide = [
            p.parent.relative_to(demo_site).as_posix() + "/"
            for p in sorted(demo_site.rglob("index.html"))
            if "<table" in p.read_text(encoding="utf-8")
        ]
        for url in [*wide, "search/"]:
            page.goto(demo_server + url)
            measure(page, record)
        record.cookies = context.cookies()
    finally:
        context.close()
    return record


def test_the_journey_reaches_the_article(journey: Journey) -> None:
    paths = [urlsplit(v.url).path for v in journey.visits[:4]]
    assert paths == ["/", "/versand/", "/versand/lieferzeit/", "/"]
    assert journey.article_title == "Wie lange dauert die Lieferung und was kostet der Versand?"
    assert len(journey.visits) > 6  # the sweep over pages with wide content ran


def test_no_page_scrolls_sideways(journey: Journey) -> None:
    too_wide = [(v.url, v.scroll_width) for v in journey.visits if v.scroll_width > WIDTH]
    assert too_wide == []


def test_tap_targets_are_at_least_44px_high(journey: Journey) -> None:
    small = [
        (urlsplit(v.url).path, t["text"], round(t["height"], 1))
        for v in journey.visits[:4]
        for t in v.targets
        if t["height"] < MIN_TAP
    ]
    assert small == []
    assert all(v.targets for v in journey.visits[:4])  # the selectors still match something


def test_every_request_stays_on_the_site(journey: Journey) -> None:
    origin = urlsplit(journey.base).netloc
    foreign = sorted(
        {
            url
            for url in journey.requests
            if urlsplit(url).netloc != origin and not url.startswith(("data:", "blob:"))
        }
    )
    assert foreign == []


def test_no_cookies(journey: Journey) -> None:
    assert journey.cookies == []


def test_no_console_errors_and_no_failed_requests(journey: Journey) -> None:
    assert journey.failed == []
    assert journey.console_errors == []


def test_search_from_the_404_page_stays_on_the_site(chromium, demo_server) -> None:
    record = Journey(demo_server)
    context, page = phone(chromium, record)
    try:
        page.goto(demo_server + "404.html")
        page.wait_for_load_state("load")
        action = page.eval_on_selector("form[role=search]", "form => form.action")
    finally:
        context.close()
    assert record.console_errors == []
    assert urlsplit(action).netloc == urlsplit(demo_server).netloc, action
    assert urlsplit(action).path == "/search/"


def test_search_results_fit_the_screen(chromium, demo_server) -> None:
    record = Journey(demo_server)
    context, page = phone(chromium, record)
    try:
        page.goto(demo_server + "search/?q=Paket")
        page.wait_for_selector(".kbs-page__filter", state="attached", timeout=10_000)
        width = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    assert record.console_errors == [] and record.failed == []
    assert width <= WIDTH
