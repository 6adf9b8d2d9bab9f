"""The theme partials carry every UI string (escaped) for search-ui.js; the JS has none."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

from kbgen.locale import strings

REPO = Path(__file__).resolve().parents[2]
EVIL = '"><script>alert(1)</script>'


def render(name: str, **kb: object) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(REPO / "theme"), autoescape=False)
    env.filters["url"] = lambda value: "../" + str(value)
    context = {
        "lang": "de",
        "t": {**strings("de"), "search_placeholder": EVIL},
        "contact": {
            "email": "hilfe@example.org",
            "phone": "",
            "hours": "",
            "chat_url": "",
            "form_url": "",
        },
        "promoted": [{"title": EVIL, "url": "a/"}],
        "categories": [],
        "feedback": {"zero_results_url": ""},
        "search_url": "search/",
        **kb,
    }
    return env.get_template(f"partials/{name}").render(base_url="..", kb=context)


@pytest.mark.parametrize("name", ["kbgen-search-box.html", "kbgen-search-results.html"])
def test_partials_escape_and_carry_strings(name: str) -> None:
    html = render(name)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'data-search-no-results="Keine Ergebnisse für „{query}“."' in html
    assert 'data-base=".."' in html and 'data-lang="de"' in html


def test_results_partial_has_zero_results_block() -> None:
    html = render("kbgen-search-results.html")
    assert 'href="../a/"' in html
    assert "hilfe@example.org" in html
    assert "<noscript>" in html


def test_box_works_without_javascript() -> None:
    html = render("kbgen-search-box.html")
    assert re.search(r'<form[^>]+method="get" action="../search/"', html)
    assert 'name="q"' in html


@pytest.mark.parametrize("lang", ["de", "en"])
def test_ui_text_lives_in_locale_files_only(lang: str) -> None:
    table = {k: v for k, v in strings(lang).items() if k.startswith("search_")}
    assert len(table) >= 20
    for script in ("search.js", "search-ui.js"):
        source = (REPO / "kbgen" / "assets" / script).read_text("utf-8")
        for text in table.values():
            fixed = text.split("{")[0].strip()
            if len(fixed) > 6:
                assert fixed not in source, f"{script} hard-codes {fixed!r}"


def test_both_languages_have_the_same_keys() -> None:
    de = {k for k in strings("de") if k.startswith("search_")}
    en = {k for k in strings("en") if k.startswith("search_")}
    assert de == en
