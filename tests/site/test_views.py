"""What the templates see as ``kb`` and ``page.meta``: the plan's views, bounded lists, escaped
front matter."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from kbgen import locale, views
from kbgen import plan as site_plan
from kbgen.articles import load
from kbgen.articles.checks import default_slugify
from kbgen.settings import Contact, FeedbackOptions, Settings
from kbgen.site.templates import Kb, count_headings, meta_for
from kbgen.site.urls import UrlPolicy

DE = locale.strings("de")


def settings(tmp: Path, site_url: str = "", **values: Any) -> Settings:
    return Settings(
        root=tmp,
        docs_dir=tmp / "articles",
        site_dir=tmp / "site",
        cache_dir=tmp / "cache",
        site_url=site_url,
        site_name="Testhilfe",
        lang="de",
        slugify=default_slugify,
        fingerprint="",
        **values,
    )


def toc(headings: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(children=[]) for _ in range(headings)]


@pytest.fixture
def hc(tmp_path: Path):
    root = tmp_path / "articles"
    files = {
        "versand/_meta.yml": "title: Versand & Lieferung\ndescription: Alles zur <Lieferung>.\n",
        "versand/spedition/_meta.yml": "title: Spedition\n",
        "versand/spedition/termin.md": "---\ntitle: Termin\nupdated: 2026-10-14\n"
        "related: [b, a, fehlt, termin, englisch, b2, b3, b4, b5]\n---\nText.",
        "versand/a.md": "---\ntitle: A\nid: a\npromoted: true\n---\nText a.",
        "versand/englisch.md": "---\ntitle: English\nid: englisch\nlang: en\n---\nText.",
        "impressum.md": "---\ntitle: Impressum\n---\nText.",
    }
    files.update(
        {f"versand/b{i}.md": f"---\ntitle: B{i}\nid: b{i}\n---\nText." for i in ("", 2, 3, 4, 5)}
    )
    files.update(
        {f"versand/spedition/s{i:02d}.md": f"---\ntitle: S{i:02d}\n---\nText." for i in range(12)}
    )
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return load(root)


def kb_for(
    catalog,
    src_uri: str,
    *,
    headings: int = 0,
    site_url: str = "",
    related: dict | None = None,
    **values: Any,
) -> Kb:
    """The ``kb`` a template sees for one page, as the MkDocs adapter builds it."""
    plan = site_plan.make(
        {"de": catalog}, settings(catalog.root.parent, site_url, **values), UrlPolicy(), None
    )
    page = plan.pages[src_uri]
    view = views.view(plan, page, lambda: related or {})
    show_toc = count_headings(toc(headings)) >= plan.settings.toc_min_headings
    return Kb(plan.default.site, view, show_toc if view.kind == "article" else False)


def plan_of(catalog) -> site_plan.Plan:
    return site_plan.make({"de": catalog}, settings(catalog.root.parent), UrlPolicy(), None)


def meta(catalog, src_uri: str) -> dict[str, Any]:
    return meta_for(plan_of(catalog).pages[src_uri])


def test_meta_escapes_front_matter_text(hc) -> None:
    article = hc.published[0]
    article.title = "<script>alert(1)</script>"
    article.description = '"Zitat" & <b>fett</b>'
    found = meta(hc, str(article.path))
    assert found["title"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert found["description"] == "&#34;Zitat&#34; &amp; &lt;b&gt;fett&lt;/b&gt;"
    assert found["template"] == "kbgen-article.html"


def test_meta_description_falls_back_to_the_first_paragraph(hc) -> None:
    found = meta(hc, "versand/a.md")
    assert "description" not in found or found["description"] == ""  # "Text a." is too short
    article = next(a for a in hc.published if str(a.path) == "versand/a.md")
    article.body = "Ein erster Absatz, der lang genug ist."
    assert meta(hc, "versand/a.md")["description"] == "Ein erster Absatz, der lang genug ist."


def test_landing_pages_hide_the_toc_and_search_is_not_indexed(hc) -> None:
    plan = plan_of(hc)
    by_kind = {p.kind: meta_for(p) for p in plan.pages.values() if p.generated}
    assert by_kind["category"]["hide"] == ["toc"]
    assert by_kind["category"]["description"] == "Alles zur &lt;Lieferung&gt;."
    assert by_kind["search"]["robots"] == "noindex"
    assert "robots" not in by_kind["home"]


def test_article_breadcrumbs_lead_through_category_and_section(hc) -> None:
    kb = kb_for(hc, "versand/spedition/termin.md")
    assert kb.breadcrumbs == [
        views.Crumb("Versand & Lieferung", "versand/"),
        views.Crumb("Spedition", "versand/spedition/"),
    ]
    assert kb_for(hc, "impressum.md").breadcrumbs == []


def test_updated_date_is_written_in_the_site_language(hc) -> None:
    kb = kb_for(hc, "versand/spedition/termin.md")
    assert kb.article.updated == "14. Oktober 2026"
    assert kb.article.updated_iso == "2026-10-14"
    assert locale.format_date(dt.date(2026, 3, 1), "en") == "March 1, 2026"


def test_siblings_are_bounded_and_link_to_the_full_list(hc) -> None:
    kb = kb_for(hc, "versand/spedition/s00.md", siblings_limit=4)
    assert len(kb.siblings.articles) == 4
    assert kb.siblings.more is True
    assert kb.siblings.url == "versand/spedition/"
    kb = kb_for(hc, "versand/spedition/s00.md", siblings_limit=20)
    assert len(kb.siblings.articles) == 12 and kb.siblings.more is False


def test_related_from_front_matter_is_filtered_and_bounded(hc) -> None:
    kb = kb_for(hc, "versand/spedition/termin.md", related_limit=3)
    # Unknown ids, the article itself and other languages are skipped; the list is bounded.
    assert [r.id for r in kb.related] == ["b", "a", "b2"]


def test_computed_related_are_used_without_front_matter(hc) -> None:
    article = next(a for a in hc.published if str(a.path) == "versand/a.md")
    kb = kb_for(hc, "versand/a.md", related={article.key: ["b3", "a", "b4"]})
    assert [r.id for r in kb.related] == ["b3", "b4"]


@pytest.mark.parametrize(("headings", "shown"), [(0, False), (2, False), (3, True), (6, True)])
def test_toc_only_for_long_articles(hc, headings: int, shown: bool) -> None:
    assert kb_for(hc, "versand/a.md", headings=headings).show_toc is shown


def test_json_ld_is_valid_faq_page_and_cannot_end_the_script(hc) -> None:
    article = next(a for a in hc.published if str(a.path) == "versand/a.md")
    article.title = "</script><script>alert(1)</script> & <!--"
    kb = kb_for(hc, "versand/a.md", site_url="https://help.example/")
    text = kb.json_ld
    assert "<" not in text and ">" not in text
    data = json.loads(text)
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"][0]["name"] == article.title
    assert data["mainEntity"][0]["acceptedAnswer"]["text"] == "Text a."
    assert data["url"] == "https://help.example/versand/a/"
    assert "url" not in json.loads(kb_for(hc, "versand/a.md").json_ld)


def test_json_ld_answer_is_bounded(hc) -> None:
    article = next(a for a in hc.published if str(a.path) == "versand/a.md")
    article.body = "Wort " * 2000
    answer = json.loads(kb_for(hc, "versand/a.md").json_ld)["mainEntity"][0]["acceptedAnswer"]
    assert len(answer["text"]) <= views.JSON_LD_ANSWER_CHARS + 2
    assert answer["text"].endswith(" …")


def test_home_lists_promoted_within_the_limit_and_loose_articles(hc) -> None:
    kb = kb_for(hc, "index.md", promoted_limit=1)
    assert [p.title for p in kb.promoted] == ["A"]
    assert [a.title for a in kb.loose] == ["Impressum"]
    assert [c.title for c in kb.categories] == ["Versand & Lieferung"]
    assert kb.categories[0].count == 20


def test_category_listing_has_its_articles_and_sections(hc) -> None:
    kb = kb_for(hc, "versand/index.md")
    assert [a.title for a in kb.listing.articles] == ["A", "B", "B2", "B3", "B4", "B5", "English"]
    (section,) = kb.listing.sections
    assert section.title == "Spedition" and len(section.articles) == 13


def test_contact_and_feedback_settings_reach_the_templates(hc) -> None:
    kb = kb_for(
        hc,
        "versand/a.md",
        contact=Contact(email="hilfe@example.com", phone="040 1234"),
        feedback=FeedbackOptions(collector_url="https://fb.example/", report_zero_results=True),
    )
    assert kb.contact.email == "hilfe@example.com"
    assert kb.feedback.collector_url == "https://fb.example"
    assert kb.feedback.zero_results_url == "https://fb.example/api/zero-results"


def test_page_keys_follow_what_the_page_shows(hc) -> None:
    """A page's cache key is its view's digest: a change a reader sees changes the key."""
    plan = plan_of(hc)
    page = plan.pages["versand/a.md"]
    before = views.page_key(plan, page, views.view(plan, page, dict), "site")
    sibling = next(a for a in hc.published if str(a.path) == "versand/b.md")
    sibling.title = "B, neu betitelt"
    plan = plan_of(hc)
    after = views.page_key(plan, page, views.view(plan, page, dict), "site")
    assert before != after
    assert dataclasses.asdict(views.view(plan, page, dict))["siblings"]["articles"]
