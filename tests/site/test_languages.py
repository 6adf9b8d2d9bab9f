"""Several languages in one help center: pages per language, translations linked both ways,
translation status, UI strings per language, search per language."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from documents import Document, article, sitemap_alternates

from kbgen import locale
from kbgen.cli import cli

SITE_URL = "https://hilfe.example/"
CONFIG = """\
site_name: Testhilfe
site_url: {site_url}
docs_dir: articles
theme:
  name: material
plugins:
  - kbgen:
      languages: [{languages}]
      search: {{index_dir: index}}
      contact: {{email: hilfe@example.com}}
"""
SOURCE = "Mit der Sendungsnummer aus der Versandbestätigung verfolgen Sie Ihr Paket."
FILES = {
    "versand/_meta.yml": "title: Versand\ndescription: Pakete und Lieferung.\n",
    "versand/paket.md": article("Wo ist mein Paket?", SOURCE, id="paket"),
    "versand/lieferzeit.md": article(
        "Wie lange dauert die Lieferung?", "Zwei Werktage.", id="lieferzeit"
    ),
    "versand/abholung.md": article("Kann ich abholen?", "Ja, im Lager in Hamburg.", id="abholung"),
    "zahlung/_meta.yml": "title: Zahlung\n",
    "zahlung/rechnung.md": article("Rechnung herunterladen", "Im Kundenkonto.", id="rechnung"),
    "en/versand/_meta.yml": "title: Shipping\ndescription: Parcels and delivery.\n",
    "en/versand/lieferzeit.md": article(
        "How long does delivery take?", "Two working days.", id="lieferzeit"
    ),
    "en/versand/abholung.md": article(
        "Can I collect my order?",
        "Yes, at our Hamburg warehouse.",
        id="abholung",
        source_revision="0123abcd4567",
    ),
}


def make(root: Path, files: dict[str, str], languages: str = "de, en") -> Path:
    for rel, text in files.items():
        path = root / "articles" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(CONFIG.format(site_url=SITE_URL, languages=languages), encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kbgen.site import runner

    root = tmp_path_factory.mktemp("bilingual")
    files = dict(FILES)
    # One translation made from the source's current revision: up to date.
    files["en/versand/paket.md"] = article(
        "Where is my parcel?",
        "Track it with the number from the shipping confirmation.",
        id="paket",
        source_revision="placeholder",
    )
    config = make(root, files)
    # The source revision of paket as kbgen computes it, written as a translator would.
    catalog = runner.check(runner.load_config(config))
    paket = next(a for a in catalog.catalogs["de"].articles if a.id == "paket")
    text = (root / "articles/en/versand/paket.md").read_text(encoding="utf-8")
    (root / "articles/en/versand/paket.md").write_text(
        text.replace("placeholder", paket.revision), encoding="utf-8"
    )
    runner.build(runner.load_config(config, site_dir=root / "site"))
    return root / "site"


def html(site: Path, url: str) -> Document:
    path = site / url / "index.html" if url.endswith("/") or not url else site / url
    return Document.parse(path.read_text(encoding="utf-8"))


def test_default_language_at_the_root_others_in_their_folder(site: Path) -> None:
    assert (site / "versand/paket/index.html").is_file()
    assert (site / "en/versand/paket/index.html").is_file()
    assert not (site / "en/zahlung").exists()  # no English articles, no English category
    assert re.search(r'<html lang="de"', (site / "versand/paket/index.html").read_text("utf-8"))
    english = (site / "en/versand/paket/index.html").read_text("utf-8")
    assert re.search(r'<html lang="en"', english)
    assert '"inLanguage": "en"' in english


def test_every_home_page_is_titled_like_the_site(site: Path) -> None:
    """/en/ is its language's home, though MkDocs counts only / as the homepage: its window
    title is the site's name, not "Help Center – Help Center"."""
    titles = {}
    for url in ("", "en/", "en/versand/paket/"):
        found = re.search(r"<title>([^<]*)</title>", (site / url / "index.html").read_text("utf-8"))
        assert found, url
        titles[url] = found.group(1)
    assert titles["en/"] == titles["en/versand/paket/"].rsplit(" – ", 1)[1]
    assert " – " not in titles["en/"] and " – " not in titles[""]


def test_category_titles_and_ui_strings_are_translated(site: Path) -> None:
    english = html(site, "en/")
    assert "Shipping" in english.text and "Versand" not in english.text
    assert locale.strings("en")["home_lead"] in english.text
    german = html(site, "")
    assert locale.strings("de")["home_lead"] in german.text


def test_default_language_folder_redirects_to_the_root(site: Path) -> None:
    page = (site / "de/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../">' in page
    assert 'href="../"' in page


def test_every_language_has_its_own_404_page(site: Path) -> None:
    root = Document.parse((site / "404.html").read_text(encoding="utf-8"))
    english = Document.parse((site / "en/404.html").read_text(encoding="utf-8"))
    assert root.find("html").attrs["lang"] == "de"
    assert root.find("h1").text == locale.strings("de")["notfound_title"]
    assert english.find("html").attrs["lang"] == "en"
    assert english.find("h1").text == "Page not found"
    assert "Page not found" in english.find("title").text
    form = english.find("form", "kbs")
    assert form.attrs["data-lang"] == "en"
    assert form.attrs["action"] == "/en/search/"
    # A host serves it at any missing path below /en/: every link is absolute, and each one
    # (tiles, the way home, the switcher, the theme's styles and scripts) exists.
    links = [a.attrs["href"] for a in english.find_all("a") if a.attrs.get("href")]
    links += [e.attrs["src"] for e in english.find_all("script") if e.attrs.get("src")]
    links += [e.attrs["href"] for e in english.find_all("link") if e.attrs.get("href")]
    local = [h for h in links if h and not h.startswith(("mailto:", "#", "https://hilfe"))]
    local = [posixpath.normpath(urlsplit(h).path) + ("/" if h.endswith("/") else "") for h in local]
    assert "/en/versand/" in local  # the English topic, not the German one
    assert "/en/" in local and "/" in local  # the way home, and the switcher to German
    for href in local:
        assert href.startswith("/"), href
        path = site / href.lstrip("/")
        assert (path / "index.html" if path.is_dir() else path).is_file(), href
    texts = english.text
    assert "Versand" not in english.find("ul", "kb-tiles").text
    assert "Shipping" in texts


def _links(site: Path, page: Path) -> dict[str, str]:
    doc = Document.parse(page.read_text(encoding="utf-8"))
    nav = doc.find("nav", "kb-lang")
    return {a.attrs["data-kb-lang"]: a.attrs["href"] for a in nav.find_all("a")} if nav else {}


def _resolve(site: Path, page: Path, href: str) -> Path:
    path = urlsplit(href).path
    folder = page.parent.relative_to(site).as_posix()
    target = site / posixpath.normpath(posixpath.join(folder, path))
    return target / "index.html" if target.is_dir() else target


def test_every_switcher_link_and_hreflang_exists_and_points_back(site: Path) -> None:
    checked = 0
    for page in sorted(site.rglob("index.html")):
        rel = page.relative_to(site).as_posix()
        if rel == "de/index.html":
            continue  # the redirect
        text = page.read_text(encoding="utf-8")
        doc = Document.parse(text)
        for lang, href in _links(site, page).items():
            target = _resolve(site, page, href)
            assert target.is_file(), f"{rel}: switcher {lang} → {href}"
            checked += 1
        # hreflang lives in the sitemap only: a <link rel="alternate"> makes material fetch
        # sitemap.xml beside it, a 404 on every page view.
        assert not doc.find_all("link", rel="alternate"), rel
    sitemap = sitemap_alternates((site / "sitemap.xml").read_text(encoding="utf-8"))
    for me, alternates in sitemap.items():
        for lang, href in alternates.items():
            assert href.startswith(SITE_URL), href
            target = site / href[len(SITE_URL) :]
            target = target / "index.html" if href.endswith("/") else target
            assert target.is_file(), f"{me}: hreflang {lang} → {href}"
            assert me in sitemap[href].values(), f"{href} does not point back to {me}"
            checked += 1
        if alternates:
            assert "x-default" in alternates
    assert checked > 20


def test_a_missing_translation_opens_the_home_page_which_says_why(site: Path) -> None:
    page = site / "versand/lieferzeit/index.html"
    assert _links(site, page)["en"] == "../../en/versand/lieferzeit/"  # translated
    page = site / "zahlung/rechnung/index.html"
    href = _links(site, page)["en"]
    assert href == "../../en/#kb-untranslated"
    doc = Document.parse(page.read_text(encoding="utf-8"))
    label = doc.find("nav", "kb-lang").find("a").attrs["title"]
    assert "noch nicht übersetzt" in label
    home = html(site, "en/")
    notice = home.find(id="kb-untranslated")
    assert notice is not None and "not available in English" in notice.text


def test_outdated_translation_shows_a_notice_linking_the_source(site: Path) -> None:
    page = html(site, "en/versand/abholung/")
    notice = page.find("p", "kb-outdated")
    assert notice is not None and "may be out of date" in notice.text
    assert notice.links() == [("Read the original (German)", "../../../versand/abholung/")]
    assert html(site, "en/versand/paket/").find("p", "kb-outdated") is None  # up to date
    assert html(site, "en/versand/lieferzeit/").find("p", "kb-outdated") is None  # untracked


def test_sitemap_lists_the_alternates(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    entry = sitemap.split(f"<loc>{SITE_URL}versand/paket/</loc>")[1].split("</url>")[0]
    assert f'hreflang="en" href="{SITE_URL}en/versand/paket/"' in entry
    assert f'hreflang="de" href="{SITE_URL}versand/paket/"' in entry


def test_manifest_and_search_keep_each_language(site: Path) -> None:
    manifest = json.loads((site / "assets/kbgen/articles.json").read_text(encoding="utf-8"))
    urls = {(a["id"], a["lang"]): a["url"] for a in manifest["articles"]}
    assert urls[("paket", "en")] == "en/versand/paket/"
    assert urls[("paket", "de")] == "versand/paket/"
    from kbgen.search import search

    english = search(site.parent / "index", "parcel", lang="en")
    assert [h.url for h in english] == ["en/versand/paket/"]
    assert search(site.parent / "index", "parcel", lang="de") == []
    export = json.loads((site / "assets/kbgen/search/manifest.json").read_text(encoding="utf-8"))
    assert set(export["langs"]) == {"de", "en"}


def test_check_lists_missing_and_outdated_translations(site: Path) -> None:
    config = site.parent / "mkdocs.yml"
    result = CliRunner().invoke(cli, ["check", "-f", str(config), "--format", "json"])
    data = json.loads(result.stdout)
    states = {(t["id"], t["lang"]): t["state"] for t in data["translations"]}
    assert states == {
        ("abholung", "en"): "outdated",
        ("lieferzeit", "en"): "untracked",
        ("paket", "en"): "current",
        ("rechnung", "en"): "missing",
    }
    assert data["translation_counts"]["missing"] == 1
    (warning,) = [p for p in data["problems"] if p["severity"] == "warning"]
    assert warning["path"] == "articles/en/versand/abholung.md"
    assert "out of date" in warning["message"]
    text = CliRunner().invoke(cli, ["check", "-f", str(config)])
    assert "articles/zahlung/rechnung.md: translation missing: en" in text.stdout
    assert "1 missing, 1 outdated, 2 up to date" in text.stderr


def test_new_translate_writes_a_linked_draft(tmp_path: Path, monkeypatch) -> None:
    config = make(tmp_path, {k: v for k, v in FILES.items() if not k.startswith("en/")})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["new", "--translate", "rechnung", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "articles/en/zahlung/rechnung.md"
    assert (tmp_path / "articles/en/zahlung/_meta.yml").is_file()  # the title to translate
    from kbgen.site import runner

    catalog = runner.check(runner.load_config(config))
    (translation,) = [a for a in catalog.catalogs["en"].articles if a.id == "rechnung"]
    source = next(a for a in catalog.catalogs["de"].articles if a.id == "rechnung")
    assert translation.source_revision == source.revision and translation.draft
    again = CliRunner().invoke(cli, ["new", "--translate", "rechnung", "--lang", "en"])
    assert again.exit_code != 0 and "exists already" in again.output
    wrong = CliRunner().invoke(cli, ["new", "--translate", "rechnung", "--lang", "fr"])
    assert wrong.exit_code == 2 and "--lang must be one of" in wrong.output


def test_a_language_without_ui_strings_falls_back_to_english(tmp_path: Path) -> None:
    config = make(
        tmp_path,
        {"a/b.md": article("Frage", "Antwort hier."), "fr/a/b.md": article("Question", "Réponse.")},
        "de, fr",
    )
    result = CliRunner().invoke(cli, ["check", "-f", str(config)])
    assert "kbgen has no UI strings for language 'fr'; using English" in result.stderr
    from kbgen.site import runner

    runner.build(runner.load_config(config, site_dir=tmp_path / "site"))
    page = (tmp_path / "site/fr/index.html").read_text(encoding="utf-8")
    assert locale.strings("en")["home_lead"] in page


def test_language_folder_and_front_matter_disagree(tmp_path: Path) -> None:
    config = make(tmp_path, {"a/b.md": "---\ntitle: Frage\nlang: en\n---\n\nAntwort hier.\n"})
    result = CliRunner().invoke(cli, ["check", "-f", str(config)])
    assert "articles/a/b.md:3: warning: 'lang: en' in the 'de' articles" in result.stdout


def test_ui_strings_are_complete_in_german_and_english() -> None:
    from importlib import resources

    import yaml

    keys = {}
    for lang in ("de", "en"):
        folder = resources.files("kbgen.locale") / lang
        keys[lang] = set()
        for entry in folder.iterdir():
            if entry.name.endswith(".yml"):
                keys[lang] |= set(yaml.safe_load(entry.read_text("utf-8")))
    assert keys["de"] == keys["en"]


def test_one_language_site_keeps_articles_in_other_languages(make_project) -> None:
    """Without `languages`, `lang:` still marks an article's language (its search analyzer,
    JSON-LD); its page stays in the one site (a build used to fail with KeyError: 'en')."""
    project = make_project(
        {
            "a/b.md": article("Frage", "Antwort hier.", id="b"),
            "a/c.md": article("Question", "An answer in English.", id="c", lang="en"),
        }
    )
    project.build()
    manifest = json.loads((project.site / "assets/kbgen/articles.json").read_text("utf-8"))
    assert {(a["id"], a["lang"], a["url"]) for a in manifest["articles"]} == {
        ("b", "de", "a/b/"),
        ("c", "en", "a/c/"),
    }
    assert '"inLanguage": "en"' in (project.site / "a/c/index.html").read_text("utf-8")
