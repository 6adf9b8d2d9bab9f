"""The HTML report read on a phone: at 360 px nothing scrolls sideways, neither the page nor a
table inside it (real Chromium)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_feedback_report import NOW, _votes, filled  # noqa: F401 - the fixture is used

from kbgen.feedback.manifest import load_manifest
from kbgen.feedback.report import build_report
from kbgen.feedback.report_render import render
from kbgen.feedback.store import Store

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium"),
]

WIDE = """
const page = document.documentElement;
const wide = [...document.querySelectorAll("body *")]
  .filter((el) => el.scrollWidth > el.clientWidth + 1)
  .filter((el) => getComputedStyle(el).overflowX !== "visible")
  .map((el) => el.tagName + "." + el.className + " " + el.scrollWidth + ">" + el.clientWidth);
const outside = [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > innerWidth + 1)
  .map((el) => el.tagName + "." + el.className + " right=" + el.getBoundingClientRect().right);
({page: page.scrollWidth, wide, outside: outside.slice(0, 10)})
"""


def test_report_fits_a_360_px_screen(filled: Store, site_dir: Path) -> None:  # noqa: F811
    _votes(filled, "eine-lange-artikel-id-ohne-pause-bis-zum-zeilenende", 1, 3)
    filled.add_zero_result(
        query="rücksendeetikettausdruckenfunktioniertnichtobwohlichesschonmehrfachversuchthabe",
        lang="de",
        now=NOW,
        client=None,
        limit=0,
    )
    html = render(build_report(filled, load_manifest(site_dir), now=NOW), "html")
    api = pytest.importorskip("playwright.sync_api")
    with api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page: Any = browser.new_page(viewport={"width": 360, "height": 740})
            page.set_content(html)
            result = page.evaluate(WIDE)
        finally:
            browser.close()
    assert result["page"] <= 360, result
    assert result["wide"] == [], result
    assert result["outside"] == [], result
