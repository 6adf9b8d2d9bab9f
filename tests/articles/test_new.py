"""`kbgen new`: a new article with complete front matter and a unique id, never overwriting."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from kbgen.articles import check, load
from kbgen.articles.frontmatter import split
from kbgen.articles.new import create, slug
from kbgen.articles.schema import ARTICLE_FIELDS
from kbgen.exceptions import KbgenError

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    (folder / "versand").mkdir(parents=True)
    return folder


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Wo ist mein Paket?", "wo-ist-mein-paket"),
        ("Größe & Maße – Übersicht", "groesse-masse-uebersicht"),
        ("Café crème à la carte", "cafe-creme-a-la-carte"),
        ("???", "artikel"),
        (
            "Ein sehr langer Titel " * 6,
            "ein-sehr-langer-titel-ein-sehr-langer-titel-ein-sehr-langer",
        ),
    ],
)
def test_slug(title: str, expected: str) -> None:
    assert slug(title) == expected
    assert len(slug(title)) <= 60


def test_new_article_has_complete_front_matter(root: Path) -> None:
    path = create(load(root), "Wo ist mein Paket?", "versand", lang="de", today=TODAY)
    assert path == root / "versand" / "wo-ist-mein-paket.md"
    source = split(path.read_text(encoding="utf-8"))
    # source_revision belongs to translations only (kbgen new --translate).
    assert list(source.meta) == [f.name for f in ARTICLE_FIELDS if f.name != "source_revision"]
    assert source.meta["title"] == "Wo ist mein Paket?"
    assert source.meta["id"] == "wo-ist-mein-paket"
    assert source.meta["draft"] is True
    assert source.meta["lang"] == "de"
    assert dt.date.fromisoformat(str(source.meta["updated"])) == TODAY
    assert dt.date.fromisoformat(str(source.meta["review_by"])) > TODAY


def test_new_article_loads_without_problems(root: Path) -> None:
    create(load(root), 'Größe: 2 m × 1 m? "Ja" – #1', "versand", lang="de", today=TODAY)
    catalog = load(root)
    check(catalog, today=TODAY)
    assert catalog.problems == []
    (article,) = catalog.articles
    assert article.title == 'Größe: 2 m × 1 m? "Ja" – #1'  # YAML quoting survives
    assert article.draft


def test_ids_stay_unique_across_the_help_center(root: Path) -> None:
    (root / "zahlung").mkdir()
    (root / "zahlung" / "x.md").write_text(
        "---\ntitle: x\nid: wo-ist-mein-paket\n---\nText", encoding="utf-8"
    )
    first = create(load(root), "Wo ist mein Paket?", "versand", lang="de", today=TODAY)
    second = create(load(root), "Wo ist mein Paket?", "versand", lang="de", today=TODAY)
    assert (first.name, second.name) == ("wo-ist-mein-paket-2.md", "wo-ist-mein-paket-3.md")
    catalog = load(root)
    check(catalog, today=TODAY)
    assert len({a.id for a in catalog.articles}) == 3
    assert catalog.problems == []


def test_never_overwrites_a_file(root: Path) -> None:
    existing = root / "versand" / "wo-ist-mein-paket.md"
    existing.write_text("kein Artikel, aber eine Datei", encoding="utf-8")
    catalog = load(root)
    path = create(catalog, "Wo ist mein Paket?", "versand", lang="de", today=TODAY)
    assert path != existing
    assert existing.read_text(encoding="utf-8") == "kein Artikel, aber eine Datei"


def test_new_category_folders_are_created(root: Path) -> None:
    path = create(load(root), "Neu", "garantie/ersatzteile", lang="en", today=TODAY)
    assert path == root / "garantie" / "ersatzteile" / "neu.md"
    assert "Answer the title's question" in path.read_text(encoding="utf-8")


def test_category_may_be_given_as_a_path_from_the_project(root: Path, monkeypatch) -> None:
    monkeypatch.chdir(root.parent)
    path = create(load(root), "Tab", "articles/versand", lang="de", today=TODAY)
    assert path == root / "versand" / "tab.md"


@pytest.mark.parametrize("category", ["../draussen", "/tmp"])
def test_category_outside_the_articles_is_refused(root: Path, category: str) -> None:
    with pytest.raises(KbgenError, match="outside the articles folder"):
        create(load(root), "x", category, lang="de", today=TODAY)
    assert not (root.parent / "draussen").exists()


def test_empty_title_is_refused(root: Path) -> None:
    with pytest.raises(KbgenError, match="the title is empty"):
        create(load(root), "   ", "versand", lang="de", today=TODAY)
    assert os.listdir(root / "versand") == []
