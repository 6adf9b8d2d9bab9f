"""Instant answers and the answer assistant on the demo help center, in Chromium at 360×740.

Screenshots go to ``$KBGEN_TEST_ARTIFACTS/answers/`` (default: the session's temporary folder).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target)}));
}"""
CLS = """() => new Promise((done) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => done(total), 500);
})"""


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("KBGEN_TEST_ARTIFACTS")
    path = Path(folder) / "answers" if folder else tmp_path_factory.mktemp("answers")
    path.mkdir(parents=True, exist_ok=True)
    return path


# Wraps visit.js's record() as the page defines it, keeping what the page reports in __rec.
RECORDER = """window.__rec = [];
Object.defineProperty(window, "kbgenVisit", {
  configurable: true,
  get() { return window.__visit; },
  set(real) {
    window.__visit = { ...real, record: (kind, data) => { window.__rec.push([kind, data]);
      return real.record(kind, data); } };
  },
});"""


@pytest.fixture
def phone(chromium: Any, demo_server: str) -> Any:
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.kb_requests = []  # type: ignore[attr-defined]
    page.kb_votes = []  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("request", lambda r: page.kb_requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))

    def with_collector(route: Any) -> None:  # the demo has no collector: pretend one
        response = route.fetch()
        if "text/html" not in response.headers.get("content-type", ""):
            route.fulfill(response=response)
            return
        html = response.text().replace('data-votes-url=""', 'data-votes-url="/api/votes"')
        route.fulfill(response=response, body=html)

    def collector(route: Any) -> None:
        page.kb_votes.append(json.loads(route.request.post_data or "{}"))
        route.fulfill(status=201, body='{"token": "t", "followup": false}')

    page.route(re.compile(r".*/api/votes$"), collector)
    page.route(re.compile(r"^[^?]*/(\?.*)?$"), with_collector)
    yield page
    assert not errors, errors
    context.close()


def axe_clean(page: Any, what: str) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core is missing (npm ci --prefix tests/a11y)")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(RUN_AXE, TAGS)
    assert not violations, f"axe on {what}: {violations}"


def test_results_page_shows_an_instant_answer_without_layout_shift(
    phone: Any, demo_server: str, artifacts: Path
) -> None:
    phone.add_init_script(RECORDER)
    phone.goto(demo_server + "search/?q=Wie+lange+dauert+die+Lieferung%3F")
    card = phone.locator(".kbs-page__answer .kbs-answer")
    card.wait_for()
    assert "Wie lange dauert die Lieferung" in card.locator(".kbs-answer__question").inner_text()
    assert card.locator(".kbs-answer__body").inner_text().strip()
    more = card.locator("a.kbs-answer__more")
    assert more.inner_text() == "Ganzen Artikel lesen"
    assert more.get_attribute("href").endswith("/versand/lieferzeit/")
    # the card sits above the results and arrived with them
    assert phone.evaluate(
        "document.querySelector('.kbs-page__answer').compareDocumentPosition("
        "document.querySelector('.kbs-page__list')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert phone.locator(".kbs-page__hit").count() > 0
    assert phone.evaluate(CLS) <= 0.05
    phone.screenshot(path=str(artifacts / "instant-answer-360.png"), full_page=True)
    axe_clean(phone, "the results page with an instant answer")
    card.get_by_role("button", name="Ja").click()
    phone.wait_for_function(
        "document.querySelector('.kbs-answer__vote').textContent.includes('Danke')"
    )
    assert phone.kb_votes == [
        {"article": "lieferzeit", "lang": "de", "rev": "", "value": "yes", "via": "answer"}
    ]
    # the self-service report counts answers shown and marked helpful (visit.js)
    answers = phone.evaluate("window.__rec.filter((r) => r[0] === 'answer')")
    assert answers == [
        ["answer", {"id": "lieferzeit", "shown": True}],
        ["answer", {"id": "lieferzeit", "helpful": True}],
    ]


def test_a_vague_search_gets_results_but_no_answer(phone: Any, demo_server: str) -> None:
    phone.goto(demo_server + "search/?q=Hilfe")
    phone.wait_for_function("document.querySelectorAll('.kbs-page__hit').length > 0")
    assert phone.locator(".kbs-answer").count() == 0
    assert phone.locator(".kbs-page__answer").is_hidden()


def test_search_box_shows_the_answer_while_typing(phone: Any, demo_server: str) -> None:
    phone.goto(demo_server)
    box = phone.locator("main .kbs__input")
    box.click()
    box.type("Wie lange dauert die Lieferung", delay=15)
    phone.locator("main .kbs-answer--compact").wait_for()
    assert "Lieferung" in phone.locator("main .kbs-answer__question").inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    # The preview is cut between two lines, never through one (it once showed half a line).
    height, line = phone.evaluate(
        """() => { const b = document.querySelector("main .kbs-answer--compact .kbs-answer__body");
        return [b.clientHeight, parseFloat(getComputedStyle(b).lineHeight)]; }"""
    )
    assert height / line == pytest.approx(round(height / line), abs=0.05), (height, line)


# Text colour against the element's own background: [contrast ratio, background] (WCAG 2).
CONTRAST = """(selector) => {
  const el = document.querySelector(selector);
  const style = getComputedStyle(el);
  const rgba = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const bg = rgba(style.backgroundColor), fg = rgba(style.color);
  if (bg.length === 4 && bg[3] === 0) return [0, style.backgroundColor];
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return [(a + 0.05) / (b + 0.05), style.backgroundColor];
}"""


def test_assistant_launcher_and_panel_are_legible(phone: Any, demo_server: str) -> None:
    """The launcher, the panel and its send button take the palette's colours (they once had a
    transparent background: white text on the page, invisible, and axe did not flag it)."""
    phone.goto(demo_server + "versand/paket-verfolgen/")
    launcher = phone.get_by_role("button", name="Frage stellen")
    launcher.wait_for()
    ratio, background = phone.evaluate(CONTRAST, ".kba-launch")
    assert ratio >= 4.5, f"launcher: contrast {ratio:.2f} on {background}"
    launcher.click()
    phone.get_by_role("dialog", name="Frage stellen").wait_for()
    for selector in (".kba", ".kba__send"):
        ratio, background = phone.evaluate(CONTRAST, selector)
        assert ratio >= 4.5, f"{selector}: contrast {ratio:.2f} on {background}"
    # Readable text, and an input iOS does not zoom into (material's body text is 10 px).
    for selector in (".kba-launch", ".kba__input", ".kba__send", ".kba__msg"):
        size = phone.evaluate(
            f"parseFloat(getComputedStyle(document.querySelector('{selector}')).fontSize)"
        )
        assert size >= 16, f"{selector}: {size}px"


def test_assistant_answers_falls_back_and_hands_over(
    phone: Any, demo_server: str, artifacts: Path
) -> None:
    phone.goto(demo_server + "versand/paket-verfolgen/")
    launcher = phone.get_by_role("button", name="Frage stellen")
    launcher.wait_for()
    # nothing of the assistant loads before it is opened
    assert not [u for u in phone.kb_requests if "assistant.js" in u or "/passages/" in u]
    launcher.click()
    dialog = phone.get_by_role("dialog", name="Frage stellen")
    dialog.wait_for()
    log = dialog.get_by_role("log")
    assert "Stellen Sie Ihre Frage" in log.inner_text()
    field = dialog.get_by_label("Ihre Frage")
    assert phone.evaluate("document.activeElement.id") == "kba-input"
    # What the assistant tells the visit's record (visit.js): questions, answers, outcomes.
    phone.evaluate(
        "() => { window.__rec = []; window.kbgenVisit = { record: (k, v) => __rec.push([k, v]) }; }"
    )
    field.fill("Wie lange dauert die Lieferung?")
    field.press("Enter")
    dialog.locator(".kba__question").first.wait_for()
    assert "Wie lange dauert die Lieferung" in dialog.locator(".kba__question").first.inner_text()
    assert dialog.locator(".kba__alt").count() >= 1  # alternatives as buttons
    phone.screenshot(path=str(artifacts / "assistant-answer-360.png"))
    axe_clean(phone, "the article page with the assistant open")

    dialog.get_by_role("button", name="Nein").first.click()  # the next candidate
    phone.wait_for_function("document.querySelectorAll('.kba__question').length >= 2")
    assert "Vielleicht hilft das hier" in log.inner_text()
    dialog.get_by_role("button", name="Nein").last.click()  # then a human
    contact = dialog.locator("a.kba__contact")
    contact.wait_for()
    assert contact.get_attribute("href").endswith("/kontakt/")
    phone.screenshot(path=str(artifacts / "assistant-handover-360.png"))
    phone.evaluate(
        """() => document.addEventListener('click', (e) => {
          if (e.target.closest('.kba__contact')) e.preventDefault(); })"""
    )
    contact.click()
    recorded = phone.evaluate("window.__rec")
    assert recorded[0] == ["assistant", {"role": "user", "text": "Wie lange dauert die Lieferung?"}]
    answered = [r[1] for r in recorded if r[0] == "assistant" and r[1]["role"] == "assistant"]
    assert len(answered) == 2 and "/kontakt/" not in answered[0]["text"]
    assert "Lieferung" in answered[0]["text"]  # the answer's title and link, for the agent
    assert recorded[-1] == ["assistant_outcome", {"outcome": "escalated"}]

    # "Ja" ends it with a vote tagged as the assistant's
    field.fill("Kann ich mit PayPal bezahlen?")
    field.press("Enter")
    phone.wait_for_function("document.querySelectorAll('.kba__question').length >= 3")
    dialog.get_by_role("button", name="Ja").last.click()
    phone.wait_for_function("document.querySelector('.kba__log').textContent.includes('Schön')")
    assert phone.kb_votes[-1]["via"] == "assist" and phone.kb_votes[-1]["value"] == "yes"
    assert phone.evaluate("window.__rec.at(-1)") == [
        "assistant_outcome",
        {"outcome": "resolved"},
    ]

    # Escape closes and gives the focus back; the tab keeps the conversation
    field.press("Escape")
    assert dialog.is_hidden()
    assert phone.evaluate("document.activeElement.classList.contains('kba-launch')")
    phone.reload()
    phone.get_by_role("button", name="Frage stellen").click()
    replay = phone.get_by_role("dialog").get_by_role("log").inner_text()
    assert "Wie lange dauert die Lieferung?" in replay and "PayPal" in replay


def test_english_pages_answer_in_english(phone: Any, demo_server: str, artifacts: Path) -> None:
    phone.goto(demo_server + "en/search/?q=How+long+does+delivery+take%3F")
    card = phone.locator(".kbs-page__answer .kbs-answer")
    card.wait_for()
    assert card.locator("a.kbs-answer__more").inner_text() == "Read the whole article"
    assert "/en/versand/lieferzeit/" in card.locator("a.kbs-answer__more").get_attribute("href")
    assert card.get_by_role("button", name="Yes").is_visible()
    phone.get_by_role("button", name="Ask a question").click()
    dialog = phone.get_by_role("dialog", name="Ask a question")
    field = dialog.get_by_label("Your question")
    field.fill("Can I pay by invoice?")
    field.press("Enter")
    dialog.locator(".kba__question").first.wait_for()
    assert "Did this answer your question?" in dialog.get_by_role("log").inner_text()
    phone.screenshot(path=str(artifacts / "assistant-en-360.png"))
