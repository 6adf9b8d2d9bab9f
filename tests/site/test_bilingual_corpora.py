"""Real bilingual help centers (../shared/corpora) built as one site with two languages: the
German tree as the default language, the English one beside it, translations linked by id."""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from documents import Document, sitemap_alternates
from test_real_corpora import CORPORA, EXTRA_FRONT_MATTER, LOCATED, REPO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CORPORA.is_dir(), reason=f"real corpora not found at {CORPORA}"),
]
SITE_URL = "https://help.example/"
# corpus → (German tree, English tree, translated pairs at least: the corpora's own count)
CORPORA_BILINGUAL = {
    "cwa-faq": ("cwa-faq/markdown/de", "cwa-faq/markdown/en", 145),
    "adobe-commerce-kb": ("adobe-commerce-kb/de/help", "adobe-commerce-kb/en/help", 211),
}


def _map_ids(english: Path, german: Path) -> None:
    """Adobe's translations share the path and `exl-id` (their ids come from the path, equal in
    both trees); CWA's share `id:`. Where a corpus gives an English file a different path than
    its German source, the copy in the test gets the German path's id (never the corpus)."""
    by_exl: dict[str, str] = {}
    for path in german.rglob("*.md"):
        if path.is_relative_to(english):
            continue
        found = re.search(r"(?m)^exl-id:\s*(\S+)", path.read_text(encoding="utf-8"))
        if found:
            by_exl[found.group(1)] = path.relative_to(german).with_suffix("").as_posix()
    for path in english.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        found = re.search(r"(?m)^exl-id:\s*(\S+)", text)
        rel = path.relative_to(english).with_suffix("").as_posix()
        source = by_exl.get(found.group(1)) if found else None
        if source and source != rel and text.startswith("---\n") and "\nid:" not in text:
            ident = source.replace("/", "-").lower()
            path.write_text(f"---\nid: {ident}\n{text[4:]}", encoding="utf-8")


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory):
    from kbgen.site import runner

    done: dict[str, tuple[Path, list[str]]] = {}

    def build(name: str) -> tuple[Path, list[str]]:
        if name in done:
            return done[name]
        de, en, _ = CORPORA_BILINGUAL[name]
        if not (CORPORA / de).is_dir() or not (CORPORA / en).is_dir():
            pytest.skip(f"corpus missing: {name}")
        root = tmp_path_factory.mktemp(name)
        shutil.copytree(CORPORA / de, root / "articles")
        shutil.copytree(CORPORA / en, root / "articles" / "en")
        _map_ids(root / "articles" / "en", root / "articles")
        text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
        text = re.sub(r"(?m)^(\s+index_dir:).*$", rf"\1 {root / 'index'}", text)
        text = re.sub(
            r"(?m)^(\s+)extra_front_matter:.*$",
            rf"\1extra_front_matter: {json.dumps(EXTRA_FRONT_MATTER)}",
            text,
        )
        text = text.replace("# site_url:", f"site_url: {SITE_URL}\n# was:", 1)
        assert "languages: [de, en]" in text
        (root / "mkdocs.yml").write_text(text, encoding="utf-8")
        records: list[str] = []
        handler = logging.Handler()
        handler.emit = lambda record: records.append(  # type: ignore[method-assign]
            f"{record.levelname} -  {record.getMessage()}"
        )
        handler.setLevel(logging.WARNING)
        loggers = [logging.getLogger(n) for n in ("kbgen", "mkdocs")]
        for logger in loggers:
            logger.addHandler(handler)
        try:
            runner.build(runner.load_config(root / "mkdocs.yml", site_dir=root / "site"))
        finally:
            for logger in loggers:
                logger.removeHandler(handler)
        done[name] = (root / "site", records)
        return done[name]

    return build


@pytest.mark.parametrize("name", CORPORA_BILINGUAL)
def test_translations_are_linked(bilingual, name: str) -> None:
    site, _ = bilingual(name)
    manifest = json.loads((site / "assets/kbgen/articles.json").read_text(encoding="utf-8"))
    langs: dict[str, set[str]] = {}
    for record in manifest["articles"]:
        langs.setdefault(record["id"], set()).add(record["lang"])
        prefix = "en/" if record["lang"] == "en" else ""
        assert record["url"].startswith(prefix), record
    pairs = sum(1 for found in langs.values() if found == {"de", "en"})
    assert pairs >= CORPORA_BILINGUAL[name][2]


@pytest.mark.parametrize("name", CORPORA_BILINGUAL)
def test_no_warnings_from_the_second_language(bilingual, name: str) -> None:
    _, records = bilingual(name)
    for line in records:
        assert LOCATED.match(line), line  # every warning names its file
        assert "'lang:" not in line and "no folder for language" not in line, line
        assert "UI strings" not in line, line


@pytest.mark.parametrize("name", CORPORA_BILINGUAL)
def test_every_switcher_link_and_alternate_exists_and_points_back(bilingual, name) -> None:
    site, _ = bilingual(name)
    checked = 0
    for page in sorted(site.rglob("index.html")):
        rel = page.relative_to(site).as_posix()
        if rel == "de/index.html":
            continue  # the redirect to the root
        text = page.read_text(encoding="utf-8")
        nav = Document.parse(text).find("nav", "kb-lang")
        for link in nav.find_all("a") if nav else []:
            href = link.attrs["href"].split("#")[0]
            target = (page.parent / unquote(href)).resolve()  # a URL: %20 is a space
            target = target / "index.html" if target.is_dir() else target
            assert target.is_file(), f"{rel}: switcher → {href}"
            checked += 1
        assert '<link rel="alternate"' not in text, rel  # hreflang is in the sitemap
    sitemap = sitemap_alternates((site / "sitemap.xml").read_text(encoding="utf-8"))
    for me, alternates in sitemap.items():
        for lang, href in alternates.items():
            target = site / unquote(href[len(SITE_URL) :]) / "index.html"
            assert target.is_file(), f"{me}: hreflang {lang} → {href}"
            assert me in sitemap[href].values(), f"{href} does not point back to {me}"
            checked += 1
    assert checked > 400
