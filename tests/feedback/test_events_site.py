"""How a built site includes visit.js: on every page, deferred, with the events endpoint only
when a collector is configured and events are on, and the article it shows on article pages."""

from __future__ import annotations

from typing import Any

import pytest

FILES = {
    "versand/paket.md": '---\ntitle: "Wo ist mein <Paket>?"\nid: paket-verfolgen\n---\n\nHier.\n',
    "versand/lieferzeit.md": "---\ntitle: Wie lange dauert die Lieferung?\n---\n\nZwei Tage.\n",
}
PAGES = ["", "versand/", "versand/paket/", "search/"]


def _visit_tags(project: Any) -> list[dict[str, str | None]]:
    tags = []
    for url in PAGES:
        found = [e for e in project.html(url).find_all("script") if "data-kbgen-visit" in e.attrs]
        assert len(found) == 1, url
        tags.append(found[0].attrs)
    return tags


def test_every_page_loads_visit_js_deferred_with_the_endpoint(make_project: Any) -> None:
    project = make_project(FILES, feedback={"collector_url": "https://feedback.example/"})
    project.build()
    assert (project.site / "assets/kbgen/visit.js").is_file()
    for attrs in _visit_tags(project):
        assert "defer" in attrs and attrs["src"].endswith("assets/kbgen/visit.js")
        assert attrs["data-events"] == "https://feedback.example/api/events"
        assert attrs["data-lang"] == "de" and "data-local" not in attrs
    article_tag = _visit_tags(project)[2]
    assert article_tag["data-article-id"] == "paket-verfolgen"
    assert article_tag["data-article-title"] == "Wo ist mein <Paket>?"  # escaped in the HTML
    assert "data-article-id" not in _visit_tags(project)[1]
    raw = (project.site / "versand/paket/index.html").read_text(encoding="utf-8")
    assert 'data-article-title="Wo ist mein &lt;Paket&gt;?"' in raw


@pytest.mark.parametrize(
    ("feedback", "events", "local"),
    [
        ({"collector_url": "https://feedback.example", "events": False}, None, None),
        ({"collector_url": ""}, None, None),
        ({"collector_url": "https://feedback.example", "events_local": True}, "set", "1"),
    ],
    ids=["events-off", "no-collector", "local-asked"],
)
def test_one_setting_turns_events_off(
    make_project: Any, feedback: dict[str, Any], events: str | None, local: str | None
) -> None:
    project = make_project(FILES, feedback=feedback)
    project.build()
    for attrs in _visit_tags(project):
        assert (attrs.get("data-events") is not None) == (events is not None)
        assert attrs.get("data-local") == local
