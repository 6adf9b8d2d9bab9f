"""The static search export's folder is named once (kbgen/paths.py): the built pages pass it to
the browser code in data-index; no script names it again."""

from __future__ import annotations

import re
from pathlib import Path

from kbgen import paths

ASSETS = Path(__file__).resolve().parents[2] / "kbgen" / "assets"
# The elements the scripts read data-base from (search box, results, assistant, contact form).
HOST = re.compile(r"<(?:form|section|button)\s[^>]*\bdata-base=[^>]*>")
MARKS = ("data-kbs", "data-kbs-results", "data-kba", "data-kbgen-contact")


def test_pages_pass_the_export_folder_to_the_browser(demo_site: Path) -> None:
    assert any((demo_site / paths.SEARCH_EXPORT).iterdir())
    pages = ["index.html", "search/index.html", "versand/lieferzeit/index.html",
             "kontakt/index.html", "en/index.html", "404.html"]  # fmt: skip
    hosts: list[str] = []
    for page in pages:
        tags = HOST.findall((demo_site / page).read_text(encoding="utf-8"))
        assert tags, page
        for tag in tags:
            assert f'data-index="{paths.SEARCH_EXPORT}"' in tag, (page, tag)
        hosts += tags
    for mark in MARKS:
        assert any(re.search(rf"\s{mark}[\s>]", tag) for tag in hosts), mark


def test_no_script_names_the_export_folder() -> None:
    for script in ASSETS.glob("*.js"):
        assert paths.SEARCH_EXPORT not in script.read_text(encoding="utf-8"), script.name
