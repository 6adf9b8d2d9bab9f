"""Loading a folder of articles into the model: every problem collected, nothing raised."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path, PurePosixPath

import pytest

from kbgen.articles import LoadOptions, Severity, load
from kbgen.articles.model import default_id

DATA = Path(__file__).resolve().parents[1] / "data" / "articles"


def write(root: Path, rel: str, text: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def formatted(catalog) -> list[str]:
    return [p.format() for p in sorted(catalog.problems)]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    return folder


def test_article_fields_are_read_and_typed(root: Path, write_article) -> None:
    write(
        root,
        "versand/paket-verfolgen.md",
        write_article(
            "Wo ist mein Paket?",
            id="paket-verfolgen",
            description="So geht's.",
            keywords="Tracking, Sendungsnummer",
            tags=["versand"],
            promoted=True,
            order=2,
            related=["lieferzeit"],
            updated="2026-10-14",
            review_by="2027-04-01",
            lang="EN",
        ),
    )
    catalog = load(root)
    (article,) = catalog.articles
    assert article.id == "paket-verfolgen"
    assert article.title == "Wo ist mein Paket?"
    assert article.description == "So geht's."
    assert article.keywords == ["Tracking", "Sendungsnummer"]  # comma text is accepted
    assert article.tags == ["versand"]
    assert article.promoted is True
    assert article.order == 2
    assert article.related == ["lieferzeit"]
    assert article.updated == dt.date(2026, 10, 14)
    assert article.review_by == dt.date(2027, 4, 1)
    assert article.lang == "en"
    assert article.path == PurePosixPath("versand/paket-verfolgen.md")
    assert (article.category, article.section) == ("versand", None)
    assert catalog.problems == []


def test_defaults_come_from_the_path_and_the_site_language(root: Path) -> None:
    write(root, "zahlung/rechnung/Rechnung-Herunterladen.md", "---\ntitle: Rechnung\n---\nText")
    (article,) = load(root, LoadOptions(default_lang="en")).articles
    assert article.id == "zahlung-rechnung-rechnung-herunterladen"
    assert article.id == default_id(article.path)
    assert article.lang == "en"
    assert (article.category, article.section) == ("zahlung", "zahlung/rechnung")
    assert article.promoted is False and article.draft is False and article.related == []


def test_title_from_h1_is_not_shown_twice(root: Path) -> None:
    shutil.copy2(DATA / "title_from_h1.md", root / "title_from_h1.md")
    catalog = load(root)
    (article,) = catalog.articles
    assert article.title == "Wie ändere ich meine Lieferadresse?"
    assert article.title_from_h1
    assert "# Wie ändere ich" not in article.body
    # Line numbers in the body still match the file (the H1 line is blanked, not removed).
    file_lines = (root / "title_from_h1.md").read_text(encoding="utf-8").split("\n")
    body_lines = article.body.split("\n")
    index = next(i for i, line in enumerate(body_lines) if line.startswith("Solange"))
    assert file_lines[article.body_line - 1 + index] == body_lines[index]
    assert catalog.problems == []


def test_front_matter_title_wins_over_h1(root: Path) -> None:
    write(root, "a.md", "---\ntitle: Aus dem Kopf\n---\n\n# Aus dem Text\n\nInhalt.")
    (article,) = load(root).articles
    assert article.title == "Aus dem Kopf"
    assert not article.title_from_h1


def test_bom_and_crlf_are_accepted_silently() -> None:
    catalog = load(DATA, LoadOptions(), display_root=DATA.parent)
    article = next(a for a in catalog.articles if a.path.name == "bom_crlf.md")
    assert article.title == "Rücksendung mit Windows-Zeilenenden"
    assert article.keywords == ["Retoure"]
    assert "\r" not in article.body
    assert not [p for p in catalog.problems if "bom_crlf" in p.path]


def test_problem_paths_are_relative_to_the_display_root(tmp_path: Path, root: Path) -> None:
    write(root, "versand/a.md", "---\ntitle: [kaputt\n---\nText")
    assert formatted(load(root, display_root=tmp_path))[0].startswith("articles/versand/a.md:2: ")
    assert formatted(load(root))[0].startswith("versand/a.md:2: ")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Outside the project the path is absolute: still a path the writer can open.
    assert formatted(load(root, display_root=elsewhere))[0].startswith(f"{root}/versand/a.md:2: ")


def test_folders_become_categories_and_sections_with_meta(root: Path) -> None:
    write(
        root,
        "versand/_meta.yml",
        "title: Versand & Lieferung\ndescription: Alles zur Lieferung.\n"
        "icon: material/truck\norder: 2\n",
    )
    write(root, "versand/spedition/a.md", "---\ntitle: a\n---\nText")
    write(root, "kundenkonto_und-mehr/b.md", "---\ntitle: b\n---\nText")
    catalog = load(root)
    versand = catalog.folders["versand"]
    assert (versand.title, versand.description, versand.icon, versand.order) == (
        "Versand & Lieferung",
        "Alles zur Lieferung.",
        "material/truck",
        2,
    )
    assert catalog.folders["versand/spedition"].parent == "versand"
    assert catalog.folders["versand/spedition"].title == "Spedition"  # from the folder name
    assert catalog.folders["kundenkonto_und-mehr"].title == "Kundenkonto und mehr"
    assert catalog.problems == []


def test_folder_meta_problems_are_reported_with_the_file(root: Path) -> None:
    write(root, "a/_meta.yml", "title: [kaputt\n")
    write(root, "b/_meta.yml", "order: zwei\nfarbe: blau\n")
    write(root, "c/_meta.yml", "- nur\n- eine Liste\n")
    for folder in "abc":
        write(root, f"{folder}/x.md", "---\ntitle: x\n---\nText")
    catalog = load(root)
    lines = formatted(catalog)
    assert lines[0].startswith("a/_meta.yml:2: error: malformed YAML: ")
    assert "b/_meta.yml: error: 'order': expected a whole number, got 'zwei'" in lines
    assert "b/_meta.yml: info: unknown key 'farbe' (kept, not used)" in lines
    assert lines[-1].startswith("c/_meta.yml:1: error: expected 'key: value' lines")
    assert len(lines) == 4
    assert catalog.folders["b"].order == 0  # the default stays


def test_impossible_date_in_folder_meta_does_not_crash(root: Path) -> None:
    write(root, "versand/_meta.yml", "title: Versand\nupdated: 2026-02-30\n")
    write(root, "versand/x.md", "---\ntitle: x\n---\nText")
    catalog = load(root)  # "never raises for bad content"
    assert catalog.folders["versand"].title == "Versand"
    assert [p.severity for p in catalog.problems] == [Severity.INFO]


def test_intros_are_landing_page_text_not_articles(root: Path) -> None:
    write(root, "index.md", "---\ntitle: Hilfe\n---\n\n# Willkommen\n\nHallo.")
    write(root, "versand/README.md", "Alles zum Versand.")
    write(root, "versand/a.md", "---\ntitle: a\n---\nText")
    catalog = load(root)
    assert [str(a.path) for a in catalog.articles] == ["versand/a.md"]
    assert catalog.intros[""] == "Hallo."  # the H1 of an intro is the page's title, not text
    assert catalog.home_title == "Hilfe"
    assert catalog.intros["versand"] == "Alles zum Versand."


def test_hidden_private_and_other_files_are_ignored(root: Path) -> None:
    write(root, "_vorlage.md", "---\ntitle: Vorlage\n---\nText")
    write(root, ".entwurf.md", "---\ntitle: Versteckt\n---\nText")
    write(root, "_intern/a.md", "---\ntitle: Intern\n---\nText")
    write(root, ".git/b.md", "---\ntitle: Git\n---\nText")
    write(root, "bild.png", b"\x89PNG")
    write(root, "notizen.txt", "kein Artikel")
    write(root, "echt.md", "---\ntitle: Echt\n---\nText")
    catalog = load(root)
    assert [a.title for a in catalog.articles] == ["Echt"]
    assert "_intern" not in catalog.folders and ".git" not in catalog.folders


def test_exclude_patterns_leave_files_and_folders_out(root: Path) -> None:
    write(root, "intern/a.md", "---\ntitle: a\n---\nText")
    write(root, "versand/alt-2019.md", "---\ntitle: alt\n---\nText")
    write(root, "versand/neu.md", "---\ntitle: neu\n---\nText")
    catalog = load(root, LoadOptions(exclude=("intern", "*/alt-*.md")))
    assert [a.title for a in catalog.articles] == ["neu"]
    assert "intern" not in catalog.folders


def test_drafts_are_loaded_and_checked_but_not_published(root: Path) -> None:
    write(root, "a.md", "---\ntitle: Entwurf\ndraft: true\n---\n")  # a draft may be empty
    write(root, "b.md", "---\ntitle: Fertig\n---\nText")
    catalog = load(root)
    assert [a.title for a in catalog.articles] == ["Entwurf", "Fertig"]
    assert [a.title for a in catalog.published] == ["Fertig"]
    assert catalog.problems == []


def test_an_image_only_article_has_content(root: Path) -> None:
    write(root, "a.md", "---\ntitle: Aufbau\n---\n\n![Schritt 1](schritt1.png)\n")
    catalog = load(root)
    assert catalog.problems == []


def test_an_article_of_only_markup_has_no_content(root: Path) -> None:
    write(root, "a.md", "---\ntitle: Leer\n---\n\n<!-- TODO -->\n\n<div></div>\n")
    assert formatted(load(root)) == [
        "a.md:4: error: article has no content (write the answer below the front matter)"
    ]


def test_every_problem_of_a_file_is_reported_at_once(root: Path) -> None:
    write(root, "a.md", "---\ntitle: a\norder: eins\npromoted: ja\nlang: Deutsch\n---\nText")
    lines = formatted(load(root))
    assert [line.split(": ", 2)[0] for line in lines] == ["a.md:3", "a.md:4", "a.md:5"]
    assert (
        lines[2]
        == "a.md:5: error: 'lang': expected a language code such as 'de' or 'en', got 'deutsch'"
    )


def test_unreadable_file_is_an_error_not_a_crash(root: Path) -> None:
    (root / "a.md").symlink_to(root / "gelöscht.md")  # a dangling link: cannot be read by anyone
    assert formatted(load(root)) == ["a.md: error: cannot read file: No such file or directory"]


def test_unchanged_files_come_from_the_cache(root: Path) -> None:
    write(root, "a.md", "---\ntitle: a\nfarbe: blau\n---\nText")
    first = load(root)
    again = load(root, cache=first.cache)
    assert [a.title for a in again.articles] == ["a"]
    assert formatted(again) == formatted(first)  # cached problems are reported again
    write(root, "a.md", "---\ntitle: geändert\n---\nNeuer Text")
    changed = load(root, cache=first.cache)
    assert [a.title for a in changed.articles] == ["geändert"]
    assert changed.problems == []
