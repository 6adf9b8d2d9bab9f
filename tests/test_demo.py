"""The repository's own help center (articles/ + mkdocs.yml), built end to end with `kbgen`."""

from __future__ import annotations

import filecmp
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from kbgen import locale

REPO = Path(__file__).resolve().parents[1]
ARTICLES = REPO / "articles"
DE = locale.strings("de")
DRAFT = "kundenkonto/wunschliste.md"
# The demo is bilingual: German at the root, English in articles/en/ (translations share ids).
UNTRANSLATED = "zahlung/rechnung/mehrwertsteuer.md"  # deliberately missing in English
OUTDATED = "versand/lieferzeit.md"  # its English translation was made from an older revision


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1]) if text.startswith("---\n") else {}


def demo_articles(lang: str = "de") -> dict[str, dict]:
    """The German articles (paths relative to articles/) or the English ones (to articles/en/)."""
    root = ARTICLES if lang == "de" else ARTICLES / lang
    found = {}
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if lang == "de" and rel.startswith("en/"):
            continue
        if path.name not in ("index.md", "README.md") and not path.name.startswith("_"):
            found[rel] = front_matter(path)
    return found


def url_of(rel: str) -> str:
    return rel.removesuffix(".md") + "/"


def order_key(meta: dict) -> tuple:
    return (meta.get("order", 0), str(meta["title"]).casefold())


@pytest.fixture(scope="module")
def site(demo_build) -> Path:
    result = demo_build.result
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return demo_build.site


def test_demo_content_is_what_the_readme_promises() -> None:
    articles = demo_articles()
    assert len(articles) == 33
    assert [rel for rel, meta in articles.items() if meta.get("draft")] == [DRAFT]
    categories = [p.parent.name for p in ARTICLES.glob("*/_meta.yml") if p.parent.name != "en"]
    assert len(categories) == 6
    english = demo_articles("en")
    published = {rel for rel, meta in articles.items() if not meta.get("draft")}
    assert set(english) == published - {UNTRANSLATED}
    assert len(list((ARTICLES / "en").glob("*/_meta.yml"))) == 6


def test_build_reports_63_articles_and_only_the_outdated_translation(demo_build, site) -> None:
    stderr = demo_build.result.stderr
    assert re.search(r"kbgen: built 63 articles into .* in [\d.]+ s", stderr), stderr
    warnings = [line for line in stderr.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert len(warnings) == 1 and f"articles/en/{OUTDATED}:" in warnings[0], warnings
    assert "translation may be out of date" in warnings[0]


def test_every_published_article_has_a_page_and_the_draft_none(site) -> None:
    articles = demo_articles()
    manifest = json.loads((site / "assets" / "kbgen" / "articles.json").read_text("utf-8"))
    assert len(manifest["articles"]) == 63
    assert {r["url"] for r in manifest["articles"] if r["lang"] == "de"} == {
        url_of(rel) for rel, meta in articles.items() if not meta.get("draft")
    }
    assert {r["url"] for r in manifest["articles"] if r["lang"] == "en"} == {
        "en/" + url_of(rel) for rel in demo_articles("en")
    }
    for rel, meta in articles.items():
        page = site / url_of(rel) / "index.html"
        assert page.is_file() != bool(meta.get("draft")), rel


def test_the_draft_leaves_no_trace(site) -> None:
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".txt", ".js"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "Wunschliste teilen" not in text and "Geschenkliste" not in text, path


def test_every_category_and_section_page_lists_its_articles(site, parse_html) -> None:
    articles = demo_articles()
    metas = sorted(ARTICLES.glob("*/_meta.yml")) + sorted(ARTICLES.glob("*/*/_meta.yml"))
    for meta_file in (m for m in metas if not m.is_relative_to(ARTICLES / "en")):
        folder = meta_file.parent.relative_to(ARTICLES).as_posix()
        meta = yaml.safe_load(meta_file.read_text(encoding="utf-8"))
        doc = parse_html(site / folder / "index.html")
        main = doc.one("article", "md-content__inner")
        assert main.one("h1").text == meta["title"], folder
        expected = {
            url_of(rel)
            for rel, m in articles.items()
            if rel.startswith(folder + "/") and not m.get("draft")
        }
        listed = {
            posixpath.normpath(posixpath.join(folder, unquote(urlsplit(href).path))) + "/"
            for ul in main.find_all("ul", "kb-list")
            for _, href in ul.links()
        }
        assert listed == expected, folder


def test_home_lists_the_promoted_articles_and_every_category(site, parse_html) -> None:
    articles = demo_articles()
    promoted = sorted(
        (meta for meta in articles.values() if meta.get("promoted") and not meta.get("draft")),
        key=order_key,
    )
    main = parse_html(site / "index.html").one("article", "md-content__inner")
    shown = main.one("section", "kb-promoted").links()
    assert [title for title, _ in shown] == [m["title"] for m in promoted][:6]
    tiles = [t.text for t in main.find_all("span", "kb-tile__title")]
    categories = sorted(
        (
            yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in ARTICLES.glob("*/_meta.yml")
            if p.parent.name != "en"
        ),
        key=order_key,
    )
    assert tiles == [c["title"] for c in categories]


def local_file(site: Path, page: Path, url: str) -> Path | None:
    """The file a same-site URL on ``page`` points at (None for other sites and fragments)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    # 404.html is served for any missing URL, so MkDocs writes its links from the site root.
    target = (site / path.lstrip("/") if path.startswith("/") else page.parent / path).resolve()
    return target / "index.html" if target.is_dir() else target


def test_every_link_between_pages_works(site, parse_html) -> None:
    for page in site.rglob("*.html"):
        for _, href in parse_html(page).links():
            target = local_file(site, page, href)
            assert target is None or target.is_file(), f"{page.relative_to(site)}: dead link {href}"


def test_every_stylesheet_script_and_image_exists(site, parse_html) -> None:
    missing = set()
    for page in site.rglob("*.html"):
        doc = parse_html(page)
        for el in doc.find_all("link") + doc.find_all("script") + doc.find_all("img"):
            url = el.attrs.get("src") or (el.attrs.get("href") if el.tag == "link" else None)
            target = local_file(site, page, url or "")
            if target is not None and not target.is_file():
                missing.add(url.rsplit("/", 1)[-1])
    assert not missing


def test_check_shows_only_the_deliberate_translation_status(demo_build, kbgen) -> None:
    result = kbgen(
        "check",
        "-f",
        str(demo_build.project / "mkdocs.yml"),
        "--articles",
        str(ARTICLES),
        cwd=demo_build.project,
    )
    assert result.returncode == 0, result.stdout
    outdated, missing = result.stdout.splitlines()
    # The articles folder lies outside the project here, so paths are shown absolute.
    assert f"{ARTICLES}/en/{OUTDATED}:12: warning: translation may be out of date" in outdated
    assert missing == f"{ARTICLES}/{UNTRANSLATED}: translation missing: en"
    assert result.stderr == (
        "kbgen: 64 articles checked: 0 error(s), 1 warning(s); "
        "translations: 1 missing, 1 outdated, 30 up to date\n"
    )


def test_same_input_gives_a_byte_identical_site(site, demo_config, kbgen, tmp_path) -> None:
    config = demo_config(tmp_path)
    again = tmp_path / "site"
    result = kbgen(
        "build",
        "-f",
        str(config),
        "--articles",
        str(ARTICLES),
        "--site-dir",
        str(again),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    differences = []

    def compare(cmp: filecmp.dircmp) -> None:
        differences.extend(cmp.left_only + cmp.right_only + cmp.diff_files + cmp.funny_files)
        for sub in cmp.subdirs.values():
            compare(sub)

    compare(filecmp.dircmp(site, again))
    assert differences == []
