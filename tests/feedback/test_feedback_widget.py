"""The "Was this helpful?" block as rendered into article pages (without a browser)."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, unquote, urlsplit

from conftest import render_partial


def _links(markup: str) -> dict[str, str]:
    return {
        value: html.unescape(href)
        for value, href in re.findall(r'data-value="(\w+)" href="([^"]*)"', markup)
    }


def test_links_go_to_the_collectors_confirm_page() -> None:
    markup = render_partial(collector="https://feedback.example/")
    links = _links(markup)
    assert set(links) == {"yes", "no"}
    for value, href in links.items():
        parts = urlsplit(href)
        assert (parts.scheme, parts.netloc, parts.path) == ("https", "feedback.example", "/vote")
        assert parse_qs(parts.query) == {
            "article": ["paket-verfolgen"],
            "lang": ["de"],
            "rev": ["3f2a9c1b0d4e"],
            "value": [value],
        }
    assert markup.count('rel="nofollow"') == 2
    assert "War dieser Artikel hilfreich?" in markup and ">Ja</a>" in markup
    assert 'data-collector="https://feedback.example"' in markup
    assert "<template" in markup and 'maxlength="600"' in markup
    assert "&amp;lang=de" in markup  # ampersands escaped in the attribute


def test_english_strings() -> None:
    markup = render_partial(lang="en")
    assert "Was this article helpful?" in markup and ">Yes</a>" in markup and ">No</a>" in markup
    assert "Did not solve my problem" in markup


def test_without_collector_links_are_prefilled_mails() -> None:
    article = {
        "id": "rechnung",
        "lang": "de",
        "revision": "0011aabbccdd",
        "title": 'Rechnung & "Zahlung" <Teil 1>?',
        "url": "zahlung/rechnung/",
    }
    markup = render_partial(collector="", article=article)
    links = _links(markup)
    assert links["no"].startswith("mailto:hilfe@shop.example?subject=")
    subject = unquote(links["no"].split("?subject=", 1)[1])
    assert (
        subject == 'Feedback zu „Rechnung & "Zahlung" <Teil 1>?“ (rechnung, 0011aabbccdd): '
        "nicht hilfreich"
    )
    assert unquote(links["yes"].split("?subject=", 1)[1]).endswith("): hilfreich")
    # Encoded, so '&', '?', spaces and quotes cannot break the mailto: URL or the attribute
    assert re.fullmatch(r"mailto:hilfe@shop\.example\?subject=[A-Za-z0-9%._~/-]+", links["no"])
    assert "<template" not in markup and "data-collector" not in markup
    assert "<Teil 1>" not in markup


def test_nothing_without_collector_and_email() -> None:
    assert render_partial(collector="", email="").strip() == ""


def test_nothing_when_disabled_or_not_an_article() -> None:
    assert render_partial(enabled=False).strip() == ""
    assert "<section" not in render_partial(article={})


def test_hostile_article_values_are_escaped() -> None:
    article = {
        "id": 'x"><script>alert(1)</script>',
        "lang": "de",
        "revision": "r",
        "title": "<img src=x onerror=alert(1)>",
        "url": "x/",
    }
    markup = render_partial(article=article)
    assert "<script>alert" not in markup and "<img" not in markup


def test_strings_for_the_script_are_json_safe_inside_a_script_element() -> None:
    markup = render_partial(contact={"form_url": "https://shop.example/kontakt?a=1&b=</script>"})
    raw = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', markup, re.S)
    assert raw is not None
    data = json.loads(raw.group(1))
    assert data["contact_url"] == "https://shop.example/kontakt?a=1&b=</script>"
    assert data["thanks"].startswith("Danke!")


def test_the_widget_takes_reasons_limit_and_paths_from_the_contract(monkeypatch) -> None:
    from kbgen.feedback import contract

    monkeypatch.setattr(contract, "REASONS", ("outdated", "other"))
    monkeypatch.setattr(contract, "COMMENT_MAX", 321)
    monkeypatch.setattr(contract, "VOTE_PAGE_PATH", "/v2/vote")
    monkeypatch.setattr(contract, "VOTES_PATH", "/v2/api/votes")
    markup = render_partial(collector="https://feedback.example/")
    assert re.findall(r'name="reason" value="(\w+)"', markup) == ["outdated", "other"]
    assert 'maxlength="321"' in markup
    assert 'data-votes-path="/v2/api/votes"' in markup
    assert 'data-followups-path="/api/followups"' in markup
    assert all(urlsplit(h).path == "/v2/vote" for h in _links(markup).values())


def test_the_widget_script_keeps_no_copy_of_the_endpoints() -> None:
    from pathlib import Path

    import kbgen

    script = (Path(kbgen.__file__).parent / "assets" / "feedback.js").read_text("utf-8")
    assert "/api/" not in script and "600" not in script
    assert "votesPath" in script and "followupsPath" in script
