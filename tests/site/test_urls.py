"""URLs are decided once: with `use_directory_urls: false` every link a reader, a search, the
sitemap or the feedback collector follows leads to a page that exists."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from documents import Document, article

from kbgen.site.urls import UrlPolicy

SITE_URL = "https://hilfe.example/"
CONFIG = """\
site_name: Testhilfe
site_url: {site_url}
docs_dir: articles
use_directory_urls: {directory}
theme:
  name: material
plugins:
  - kbgen:
      language: de
      search: {{index_dir: index}}
      contact: {{email: hilfe@example.com}}
      feedback: {{collector_url: "https://feedback.example"}}
"""
FILES = {
    "index.md": "---\ntitle: Hilfe\n---\n\nWillkommen. [Lieferzeit](versand/lieferzeit.md)\n",
    "versand/_meta.yml": "title: Versand\n",
    "versand/lieferzeit.md": article(
        "Wie lange dauert die Lieferung?",
        "Zwei Tage. Siehe [Paket](paket.md) und [Termin](spedition/termin.md#ablauf).",
        id="lieferzeit",
        promoted=True,
        related=["paket", "termin"],
    ),
    "versand/paket.md": article("Wo ist mein Paket?", "Mit der Sendungsnummer.", id="paket"),
    "versand/spedition/_meta.yml": "title: Spedition\n",
    "versand/spedition/termin.md": article(
        "Termin vereinbaren", "Einleitung.\n\n## Ablauf\n\nWir rufen an.", id="termin"
    ),
    "versand/spedition/index.md": "Alles zur Spedition.\n",
    "impressum.md": article("Impressum", "Angaben.", id="impressum"),
}


def _build(root: Path, directory: bool) -> Path:
    for rel, text in FILES.items():
        path = root / "articles" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(
        CONFIG.format(site_url=SITE_URL, directory=str(directory).lower()), encoding="utf-8"
    )
    from kbgen.site import runner

    runner.build(runner.load_config(config, site_dir=root / "site", strict=True))
    return root / "site"


@pytest.fixture(scope="module")
def flat_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("flat"), directory=False)


def _target(site: Path, page: Path, href: str) -> Path | None:
    """The file a relative link on ``page`` leads to; None for links to other origins."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    if parts.path.startswith("/"):  # the 404 page links from the site's root (site_url's path)
        return site / unquote(parts.path).lstrip("/")
    folder = page.parent.relative_to(site).as_posix()
    return site / posixpath.normpath(posixpath.join(folder, unquote(parts.path)))


def test_every_internal_link_leads_to_a_file(flat_site: Path) -> None:
    checked = 0
    broken = []
    for page in sorted(flat_site.rglob("*.html")):
        doc = Document.parse(page.read_text(encoding="utf-8"))
        for element in doc.iter():
            for name in ("href", "src", "action"):
                value = element.attrs.get(name)
                if not value or value.startswith(("mailto:", "tel:")):
                    continue
                target = _target(flat_site, page, value)
                if target is None:
                    continue
                checked += 1
                # No directory links: without directory URLs only files are addressable.
                if not target.is_file():
                    broken.append(f"{page.relative_to(flat_site)}: {element.tag} {name}={value}")
    assert checked > 100
    assert broken == []


def test_pages_are_written_where_their_links_point(flat_site: Path) -> None:
    assert (flat_site / "versand" / "lieferzeit.html").is_file()
    assert (flat_site / "versand" / "spedition" / "index.html").is_file()
    assert not (flat_site / "versand" / "lieferzeit").exists()
    home = Document.parse((flat_site / "index.html").read_text(encoding="utf-8"))
    assert ("Wie lange dauert die Lieferung?", "versand/lieferzeit.html") in home.links()


def test_manifest_and_sitemap_use_the_same_urls(flat_site: Path) -> None:
    manifest = json.loads((flat_site / "assets/kbgen/articles.json").read_text(encoding="utf-8"))
    urls = {a["id"]: a["url"] for a in manifest["articles"]}
    assert urls["lieferzeit"] == "versand/lieferzeit.html"
    assert urls["impressum"] == "impressum.html"
    for url in urls.values():
        assert (flat_site / url).is_file(), url
    sitemap = (flat_site / "sitemap.xml").read_text(encoding="utf-8")
    locs = [
        line.split("<loc>")[1].split("</loc>")[0] for line in sitemap.split("\n") if "<loc>" in line
    ]
    assert f"{SITE_URL}versand/lieferzeit.html" in locs
    for loc in locs:
        path = loc[len(SITE_URL) :]
        assert (flat_site / (path or "index.html")).is_file(), loc
    lieferzeit = (flat_site / "versand/lieferzeit.html").read_text(encoding="utf-8")
    assert f'"url": "{SITE_URL}versand/lieferzeit.html"' in lieferzeit  # JSON-LD


def test_search_records_link_existing_pages(flat_site: Path) -> None:
    from kbgen.search import search

    hits = search(flat_site.parent / "index", "Paket Termin Lieferung", limit=10)
    assert {h.id for h in hits} >= {"paket", "termin", "lieferzeit"}
    for hit in hits:
        assert (flat_site / hit.url).is_file(), hit.url


@pytest.mark.parametrize(
    ("directory", "src", "url", "file"),
    [
        (True, "index.md", "", "index.html"),
        (True, "versand/a.md", "versand/a/", "versand/a/index.html"),
        (True, "versand/index.md", "versand/", "versand/index.html"),
        (True, "versand/README.md", "versand/", "versand/index.html"),
        (False, "index.md", "index.html", "index.html"),
        (False, "versand/a.md", "versand/a.html", "versand/a.html"),
        (False, "versand/index.md", "versand/index.html", "versand/index.html"),
    ],
)
def test_url_policy_follows_mkdocs(directory: bool, src: str, url: str, file: str) -> None:
    policy = UrlPolicy(directory_urls=directory)
    assert (policy.page(src), policy.file(src)) == (url, file)
    prefixed = UrlPolicy(directory_urls=directory, prefix="en/")
    assert prefixed.file(src) == "en/" + file
