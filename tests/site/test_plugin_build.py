"""Small help centers built in tmp_path: what a reader and a crawler find in the pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kbgen import locale
from kbgen.exceptions import KbgenError

DE = locale.strings("de")
CONTACT = {"email": "hilfe@example.com", "phone": "040 1234567", "hours": "Mo–Fr 8–20 Uhr"}
SCRIPT_TITLE = "<script>alert(1)</script> & Co."
SCRIPT_DESCRIPTION = '<img src=x onerror=alert(2)> – mit "Anführungszeichen"'
RAW_HTML = """Text vor dem HTML.

<p onclick="steal()">Klick</p>
<script>alert("xss")</script>
<iframe src="https://evil.example/"></iframe>
<a href="javascript:alert(1)">böser Link</a>

| Zone | Preis |
|------|------:|
| DE   | 4,95 € |

<details><summary>Mehr</summary><p>Drücken Sie <kbd>Strg</kbd>.</p></details>

!!! warning "Achtung"
    Sperrgut kostet extra.
"""


def art(title: str, body: str = "Die Antwort steht hier, in einem ganzen Satz.", **meta) -> str:
    front = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items())
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n{front}---\n\n{body}\n"


LONG_BODY = "Einleitung.\n\n" + "\n\n".join(f"## Schritt {i}\n\nTun Sie {i}." for i in range(1, 5))

FILES = {
    "versand/_meta.yml": "title: Versand & Lieferung\ndescription: Pakete und Speditionen.\n"
    "icon: material/truck\norder: 1\n",
    "versand/lieferzeit.md": art(
        "Wie lange dauert die Lieferung?",
        LONG_BODY,
        id="lieferzeit",
        promoted=True,
        updated="2026-10-14",
        related=["paket", "rechnung", "termin", "s00", "s01", "s02", "s03"],
    ),
    "versand/paket.md": art(
        "Wo ist mein Paket?",
        "## Sendungsverfolgung\n\nMit der Nummer.",
        id="paket",
        description="So verfolgen Sie Ihre Sendung.",
    ),
    "versand/script.md": art(SCRIPT_TITLE, id="script", description=SCRIPT_DESCRIPTION),
    "versand/spedition/_meta.yml": "title: Spedition\n",
    "versand/spedition/termin.md": art("Termin vereinbaren", id="termin", updated="2026-03-01"),
    **{
        f"versand/spedition/s{i:02d}.md": art(f"Speditionsfrage {i:02d}", id=f"s{i:02d}")
        for i in range(12)
    },
    "zahlung/_meta.yml": "title: Zahlung & <Rechnung>\norder: 2\n",
    "zahlung/rechnung.md": art("Rechnung herunterladen", RAW_HTML, id="rechnung"),
    "zahlung/entwurf.md": art("Geheimer Entwurf", "Noch nicht fertig: Entwurfstext.", draft=True),
    "impressum.md": art("Impressum"),
}
PUBLISHED = [rel for rel, text in FILES.items() if rel.endswith(".md") and "draft" not in text]


@pytest.fixture(scope="module")
def project(project_factory):
    project = project_factory("small", FILES, contact=CONTACT)
    project.build()
    return project


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def content(doc):
    """The page's main column (without header, navigation and footer)."""
    return doc.one("article", "md-content__inner")


# -- navigation and landing pages --------------------------------------------------------


def test_navigation_lists_categories_never_articles(project) -> None:
    for url in ("versand/lieferzeit/", "versand/spedition/termin/", "zahlung/", ""):
        nav = project.html(url).one("nav", "md-nav--primary")
        titles = [text for text, _ in nav.links() if text]
        assert titles == [DE["home_title"], "Versand & Lieferung", "Zahlung & <Rechnung>"], url


def test_home_shows_promoted_categories_and_loose_articles(project) -> None:
    main = content(project.html(""))
    promoted = main.one("section", "kb-promoted")
    assert promoted.links() == [("Wie lange dauert die Lieferung?", "versand/lieferzeit/")]
    tiles = main.one("ul", "kb-tiles")
    assert [t.text for t in tiles.find_all("span", "kb-tile__title")] == [
        "Versand & Lieferung",
        "Zahlung & <Rechnung>",
    ]
    assert [c.text for c in tiles.find_all("span", "kb-tile__count")] == ["16 Artikel", "1 Artikel"]
    assert ("Impressum", "impressum/") in main.links()


def test_category_page_lists_its_articles_and_sections(project) -> None:
    main = content(project.html("versand/"))
    assert main.one("h1").text == "Versand & Lieferung"
    lists = main.find_all("ul", "kb-list")
    assert [t for t, _ in lists[0].links()] == [
        SCRIPT_TITLE,
        "Wie lange dauert die Lieferung?",
        "Wo ist mein Paket?",
    ]
    section = main.one("section", "kb-section")
    assert section.find("h2").links() == [("Spedition", "spedition/")]
    assert len(section.one("ul", "kb-list").links()) == 13
    section_page = content(project.html("versand/spedition/"))
    assert [t for t, _ in section_page.one("nav", "kb-breadcrumbs").links()] == [
        DE["home_title"],
        "Versand & Lieferung",
    ]


# -- article pages -----------------------------------------------------------------------


def test_article_page_has_breadcrumbs_title_and_german_date(project) -> None:
    main = content(project.html("versand/spedition/termin/"))
    crumbs = main.one("nav", "kb-breadcrumbs")
    assert [t for t, _ in crumbs.links()] == [DE["home_title"], "Versand & Lieferung", "Spedition"]
    assert [h.text for h in main.find_all("h1")] == ["Termin vereinbaren"]
    time = main.one("time")
    assert time.attrs["datetime"] == "2026-03-01"
    assert time.text == "1. März 2026"


def test_title_h1_of_the_body_is_not_repeated(project_factory) -> None:
    project = project_factory(
        "h1", {"a/b.md": "---\ndescription: d\n---\n\n# Aus der Überschrift\n\nText hier."}
    )
    project.build()
    main = content(project.html("a/b/"))
    assert [h.text for h in main.find_all("h1")] == ["Aus der Überschrift"]
    assert project.html("a/b/").one("title").text.startswith("Aus der Überschrift – ")


def test_toc_only_for_long_articles(project) -> None:
    long = project.html("versand/lieferzeit/").one("div", "md-sidebar--secondary")
    assert "hidden" not in long.attrs
    assert [t for t, _ in long.links()] == [f"Schritt {i}" for i in range(1, 5)]
    short = project.html("versand/paket/").find("div", "md-sidebar--secondary")
    assert short is None or "hidden" in short.attrs


def test_related_and_sibling_lists_are_bounded(project) -> None:
    main = content(project.html("versand/lieferzeit/"))
    related = main.one("section", "kb-related").links()
    assert len(related) == 5  # related_limit, from 7 ids in the front matter
    assert related[0] == ("Wo ist mein Paket?", "../paket/")
    main = content(project.html("versand/spedition/s05/"))
    siblings = main.one("section", "kb-siblings")
    links = siblings.one("ul", "kb-list").links()
    assert len(links) == 8  # siblings_limit, of 12 others
    assert ("Speditionsfrage 05", "../s05/") not in links
    more = siblings.one("a", "kb-more")
    assert more.attrs["href"] == "../"


def test_contact_block_on_articles_and_landing_pages(project) -> None:
    for url in ("versand/paket/", "versand/", ""):
        aside = content(project.html(url)).one("aside", "kb-contact")
        hrefs = [href for _, href in aside.links()]
        assert "mailto:hilfe@example.com" in hrefs and "tel:0401234567" in hrefs, url
        assert "Mo–Fr 8–20 Uhr" in aside.text


def test_no_contact_block_without_contact_settings(project_factory) -> None:
    project = project_factory("nocontact", {"a/b.md": art("B")})
    project.build()
    assert content(project.html("a/b/")).find("aside", "kb-contact") is None


def test_drafts_are_not_built_listed_or_linked(project) -> None:
    assert not (project.site / "zahlung" / "entwurf").exists()
    for path in project.site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert "Geheimer Entwurf" not in text and "Entwurfstext" not in text, path


def test_every_published_article_has_a_page(project) -> None:
    for rel in PUBLISHED:
        assert (project.site / rel.removesuffix(".md") / "index.html").is_file(), rel


# -- front matter is text, never markup -------------------------------------------------


def test_html_in_titles_and_descriptions_is_shown_escaped(project) -> None:
    doc = project.html("versand/script/")
    assert "<script>alert(1)" not in doc.source  # type: ignore[attr-defined]
    assert "onerror=alert(2)>" not in doc.source  # type: ignore[attr-defined]
    assert doc.one("title").text == f"{SCRIPT_TITLE} – Testhilfe"
    assert content(doc).one("h1").text == SCRIPT_TITLE
    description = doc.one("meta", name="description")
    assert description.attrs["content"] == SCRIPT_DESCRIPTION
    (script,) = doc.find_all("script", type="application/ld+json")
    assert json.loads(script.raw_text)["mainEntity"][0]["name"] == SCRIPT_TITLE
    for url in ("", "versand/", "versand/paket/"):
        source = project.html(url).source  # type: ignore[attr-defined]
        assert "<script>alert(1)" not in source and "<Rechnung>" not in source, url


def test_raw_html_passes_the_allowlist(project) -> None:
    body = content(project.html("zahlung/rechnung/")).one("div", "kb-body")
    assert not body.find_all("script") and not body.find_all("iframe")
    assert not [el for el in body.iter() if any(a.startswith("on") for a in el.attrs)]
    assert all(not (href or "").startswith("javascript:") for _, href in body.links())
    assert body.find("table") and body.find("details") and body.find("kbd")
    assert body.find("div", "admonition") and body.find("p", "admonition-title").text == "Achtung"


def test_raw_html_allow_trusts_the_writer(project_factory) -> None:
    project = project_factory(
        "allow", {"a/b.md": art("B", '<span onclick="x()">Hallo</span>')}, raw_html="allow"
    )
    project.build()
    assert content(project.html("a/b/")).find("span", onclick="x()") is not None


# -- crawlers: JSON-LD, canonical, sitemap ---------------------------------------------


def test_every_article_has_valid_faq_page_json_ld(project) -> None:
    for rel in PUBLISHED:
        doc = project.html(rel.removesuffix(".md") + "/")
        (script,) = doc.find_all("script", type="application/ld+json")
        data = json.loads(script.raw_text)
        assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
        question = data["mainEntity"][0]
        assert question["@type"] == "Question" and question["name"]
        assert question["acceptedAnswer"]["text"]
    home = project.html("")
    assert not home.find_all("script", type="application/ld+json")


def test_without_site_url_no_canonical_and_no_sitemap(project) -> None:
    assert not (project.site / "sitemap.xml").exists()
    assert not (project.site / "sitemap.xml.gz").exists()
    for path in pages(project.site):
        assert 'rel="canonical"' not in path.read_text(encoding="utf-8"), path


@pytest.fixture(scope="module")
def with_site_url(project_factory):
    project = project_factory("siteurl", FILES, site_url="https://hilfe.example/hc/")
    project.build()
    return project


def test_with_site_url_canonical_urls_and_a_sitemap(with_site_url) -> None:
    doc = with_site_url.html("versand/paket/")
    assert (
        doc.one("link", rel="canonical").attrs["href"] == "https://hilfe.example/hc/versand/paket/"
    )
    (script,) = doc.find_all("script", type="application/ld+json")
    assert json.loads(script.raw_text)["url"] == "https://hilfe.example/hc/versand/paket/"
    sitemap = (with_site_url.site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    for rel in PUBLISHED:
        assert f"https://hilfe.example/hc/{rel.removesuffix('.md')}/" in locs, rel
    assert not [loc for loc in locs if "entwurf" in loc]
    lastmod = re.search(
        r"<loc>https://hilfe.example/hc/versand/lieferzeit/</loc>\s*<lastmod>([^<]+)</lastmod>",
        sitemap,
    )
    assert lastmod and lastmod.group(1) == "2026-10-14"  # when it changed, not the build date
    assert (with_site_url.site / "sitemap.xml.gz").is_file()


def test_sitemap_leaves_out_noindex_pages(with_site_url) -> None:
    sitemap = (with_site_url.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://hilfe.example/hc/search/" not in sitemap


def test_404_page_helps_the_reader_on(project) -> None:
    doc = project.html("404.html")
    assert doc.one("title").text == f"{DE['notfound_title']} – Testhilfe"
    main = content(doc)
    assert main.one("h1").text == DE["notfound_title"]
    assert [t.text for t in main.find_all("span", "kb-tile__title")] == [
        "Versand & Lieferung",
        "Zahlung & <Rechnung>",
    ]


def test_articles_manifest_lists_published_articles(project) -> None:
    manifest = json.loads((project.site / "assets" / "kbgen" / "articles.json").read_text("utf-8"))
    assert manifest["version"] == 1 and manifest["lang"] == "de" and manifest["site_url"] == ""
    records = manifest["articles"]
    assert len(records) == len(PUBLISHED)
    assert records == sorted(records, key=lambda r: (r["lang"], r["id"]))
    by_id = {r["id"]: r for r in records}
    assert by_id["paket"] == {
        "id": "paket",
        "lang": "de",
        "title": "Wo ist mein Paket?",
        "url": "versand/paket/",
        "revision": by_id["paket"]["revision"],
    }
    assert re.fullmatch(r"[0-9a-f]{12}", by_id["paket"]["revision"])
    for record in records:
        assert (project.site / record["url"] / "index.html").is_file()


# -- privacy and size -----------------------------------------------------------------------


def test_no_request_to_another_origin(project) -> None:
    for path in project.site.rglob("*"):
        if path.suffix in (".html", ".css", ".js", ".json"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path
    for path in pages(project.site):
        doc = project.html(str(path.relative_to(project.site)))
        for el in doc.find_all("link") + doc.find_all("script") + doc.find_all("img"):
            url = el.attrs.get("href") or el.attrs.get("src") or ""
            assert not re.match(r"^(https?:)?//", url) or el.attrs.get("rel") == "canonical", (
                path,
                url,
            )


def _section_site(project_factory, count: int):
    files = {
        f"faq/allgemein/frage-{i:04d}.md": art(
            f"Frage Nummer {i:04d}", id=f"frage-{i:04d}", updated="2026-10-14"
        )
        for i in range(count)
    }
    project = project_factory(f"size{count}", files, contact=CONTACT)
    project.build()
    return project


def test_article_page_size_does_not_grow_with_the_article_count(project_factory) -> None:
    small = _section_site(project_factory, 20)
    large = _section_site(project_factory, 400)
    for page in ("frage-0000", "frage-0010"):
        url = f"faq/allgemein/{page}/index.html"
        size_small = (small.site / url).stat().st_size
        size_large = (large.site / url).stat().st_size
        assert abs(size_large - size_small) < 300, (page, size_small, size_large)
    # The landing page lists them all: that is where the full list belongs.
    assert len(content(large.html("faq/allgemein/")).one("ul", "kb-list").links()) == 400


# -- failed builds ------------------------------------------------------------------------


def test_article_errors_stop_the_build_and_keep_the_previous_site(make_project, caplog) -> None:
    project = make_project({"a/gut.md": art("Gut")})
    project.build()
    before = (project.site / "a" / "gut" / "index.html").read_bytes()
    project.write("a/kaputt.md", "---\ntitle: [kaputt\n---\nText")
    project.write("a/gut.md", art("Gut, aber geändert"))
    with pytest.raises(KbgenError):
        project.build()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any(m.startswith("articles/a/kaputt.md:2: malformed YAML front matter") for m in errors)
    assert (project.site / "a" / "gut" / "index.html").read_bytes() == before
    assert not (project.site / "a" / "kaputt").exists()


# -- languages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["de-CH", "pt-BR"])
def test_regional_language_codes_build(make_project, language: str) -> None:
    project = make_project({"a/b.md": art("B")}, language=language)
    project.build()
    html_lang = project.html("a/b/").one("html").attrs["lang"] or ""
    assert html_lang.lower().startswith(language[:2])


def test_regional_language_uses_its_base_language_strings(make_project) -> None:
    project = make_project({"a/b.md": art("B")}, language="de-CH")
    project.build()
    crumbs = project.html("a/b/").one("nav", "kb-breadcrumbs")
    assert crumbs.attrs["aria-label"] == DE["breadcrumbs"]


def test_table_column_alignment_survives_the_allowlist(make_project) -> None:
    table = '| Zone | Preis |\n|:-----|------:|\n| DE | 4,95 € |\n\n<p style="position:fixed">x</p>'
    project = make_project({"a/b.md": art("B", table)})
    project.build()
    body = content(project.html("a/b/")).one("div", "kb-body")
    cells = body.find_all("td")
    assert (cells[1].attrs.get("style") or "").replace(" ", "").startswith("text-align:right")
    assert not [el for el in body.iter() if "position" in (el.attrs.get("style") or "")]
