"""What the templates see as ``kb`` and ``page.meta``: bounded lists, escaped front matter."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from kbgen import locale
from kbgen.articles import load
from kbgen.articles.structure import build as build_structure
from kbgen.site import context
from kbgen.site.config import KbgenConfig
from kbgen.site.pages import PageModel, generated_pages

DE = locale.strings("de")


def options(**values: Any) -> KbgenConfig:
    config = KbgenConfig()
    config.load_dict(values)
    errors, _ = config.validate()
    assert not errors, errors
    return config


def page(headings: int = 0, canonical_url: str | None = None) -> SimpleNamespace:
    toc = [SimpleNamespace(children=[]) for _ in range(headings)]
    return SimpleNamespace(toc=toc, meta={}, canonical_url=canonical_url)


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
    catalog = load(root)
    return build_structure(catalog)


def kb_for(
    hc,
    src_uri: str,
    opts: KbgenConfig | None = None,
    *,
    headings: int = 0,
    site_url: str | None = None,
    related: dict | None = None,
) -> dict[str, Any]:
    opts = opts or options()
    models = {m.src_uri: m for m in generated_pages(hc, DE)}
    models.update({str(a.path): PageModel.for_article(a) for a in hc.articles})
    model = models[src_uri]
    fake = page(headings, f"{site_url}{src_uri}" if site_url else None)
    fake.meta = context.meta_for(model, DE)
    kb = context.build(
        model, fake, hc, opts, "de", DE, related or {}, SimpleNamespace(site_url=site_url)
    )
    kb["_page"] = fake
    return kb


def test_meta_escapes_front_matter_text(tmp_path: Path) -> None:
    article = SimpleNamespace(
        title="<script>alert(1)</script>",
        description='"Zitat" & <b>fett</b>',
        body="",
    )
    model = PageModel("article", "a.md", article.title, article=article)  # type: ignore[arg-type]
    meta = context.meta_for(model, DE)
    assert meta["title"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert meta["description"] == "&#34;Zitat&#34; &amp; &lt;b&gt;fett&lt;/b&gt;"
    assert meta["template"] == "kbgen-article.html"


def test_meta_description_falls_back_to_the_first_paragraph(hc) -> None:
    meta = context.meta_for(PageModel.for_article(hc.by_path["versand/a.md"]), DE)
    assert "description" not in meta or meta["description"] == ""  # "Text a." is too short
    long = SimpleNamespace(title="T", description="", body="Ein erster Absatz, der lang genug ist.")
    meta = context.meta_for(PageModel("article", "t.md", "T", article=long), DE)  # type: ignore[arg-type]
    assert meta["description"] == "Ein erster Absatz, der lang genug ist."


def test_landing_pages_hide_the_toc_and_search_is_not_indexed(hc) -> None:
    by_kind = {m.kind: context.meta_for(m, DE) for m in generated_pages(hc, DE)}
    assert by_kind["category"]["hide"] == ["toc"]
    assert by_kind["category"]["description"] == "Alles zur &lt;Lieferung&gt;."
    assert by_kind["search"]["robots"] == "noindex"
    assert "robots" not in by_kind["home"]


def test_article_breadcrumbs_lead_through_category_and_section(hc) -> None:
    kb = kb_for(hc, "versand/spedition/termin.md")
    assert kb["breadcrumbs"] == [
        {"title": "Versand & Lieferung", "url": "versand/"},
        {"title": "Spedition", "url": "versand/spedition/"},
    ]
    assert kb_for(hc, "impressum.md")["breadcrumbs"] == []


def test_updated_date_is_written_in_the_site_language(hc) -> None:
    kb = kb_for(hc, "versand/spedition/termin.md")
    assert kb["article"]["updated"] == "14. Oktober 2026"
    assert kb["article"]["updated_iso"] == "2026-10-14"
    assert locale.format_date(dt.date(2026, 3, 1), "en") == "March 1, 2026"


def test_siblings_are_bounded_and_link_to_the_full_list(hc) -> None:
    kb = kb_for(hc, "versand/spedition/s00.md", options(siblings_limit=4))
    assert len(kb["siblings"]["articles"]) == 4
    assert kb["siblings"]["more"] is True
    assert kb["siblings"]["url"] == "versand/spedition/"
    kb = kb_for(hc, "versand/spedition/s00.md", options(siblings_limit=20))
    assert len(kb["siblings"]["articles"]) == 12 and kb["siblings"]["more"] is False


def test_related_from_front_matter_is_filtered_and_bounded(hc) -> None:
    kb = kb_for(hc, "versand/spedition/termin.md", options(related_limit=3))
    # Unknown ids, the article itself and other languages are skipped; the list is bounded.
    assert [r["id"] for r in kb["related"]] == ["b", "a", "b2"]


def test_computed_related_are_used_without_front_matter(hc) -> None:
    article = hc.by_path["versand/a.md"]
    kb = kb_for(hc, "versand/a.md", related={article.key: ["b3", "a", "b4"]})
    assert [r["id"] for r in kb["related"]] == ["b3", "b4"]


@pytest.mark.parametrize(("headings", "shown"), [(0, False), (2, False), (3, True), (6, True)])
def test_toc_only_for_long_articles(hc, headings: int, shown: bool) -> None:
    kb = kb_for(hc, "versand/a.md", headings=headings)
    assert kb["show_toc"] is shown
    assert ("toc" in kb["_page"].meta.get("hide", [])) is not shown


def test_json_ld_is_valid_faq_page_and_cannot_end_the_script(hc) -> None:
    article = hc.by_path["versand/a.md"]
    article.title = "</script><script>alert(1)</script> & <!--"
    kb = kb_for(hc, "versand/a.md", site_url="https://help.example/")
    text = kb["json_ld"]
    assert "<" not in text and ">" not in text
    data = json.loads(text)
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"][0]["name"] == article.title
    assert data["mainEntity"][0]["acceptedAnswer"]["text"] == "Text a."
    assert data["url"] == "https://help.example/versand/a.md"
    assert "url" not in json.loads(kb_for(hc, "versand/a.md")["json_ld"])


def test_json_ld_answer_is_bounded(hc) -> None:
    article = hc.by_path["versand/a.md"]
    article.body = "Wort " * 2000
    answer = json.loads(kb_for(hc, "versand/a.md")["json_ld"])["mainEntity"][0]["acceptedAnswer"]
    assert len(answer["text"]) <= context.JSON_LD_ANSWER_CHARS + 2
    assert answer["text"].endswith(" …")


def test_home_lists_promoted_within_the_limit_and_loose_articles(hc) -> None:
    kb = kb_for(hc, "index.md", options(promoted_limit=1))
    assert [p["title"] for p in kb["promoted"]] == ["A"]
    assert [a["title"] for a in kb["loose"]] == ["Impressum"]
    assert [c["title"] for c in kb["categories"]] == ["Versand & Lieferung"]
    assert kb["categories"][0]["count"] == 20


def test_category_listing_has_its_articles_and_sections(hc) -> None:
    kb = kb_for(hc, "versand/index.md")
    assert [a["title"] for a in kb["listing"]["articles"]] == [
        "A",
        "B",
        "B2",
        "B3",
        "B4",
        "B5",
        "English",
    ]
    (section,) = kb["listing"]["sections"]
    assert section["title"] == "Spedition" and len(section["articles"]) == 13


def test_contact_and_feedback_settings_reach_the_templates(hc) -> None:
    opts = options(
        contact={"email": "hilfe@example.com", "phone": "040 1234"},
        feedback={"collector_url": "https://fb.example/", "report_zero_results": True},
    )
    kb = kb_for(hc, "versand/a.md", opts)
    assert kb["contact"]["email"] == "hilfe@example.com"
    assert kb["feedback"]["collector_url"] == "https://fb.example"
    assert kb["feedback"]["zero_results_url"] == "https://fb.example/api/zero-results"
