"""The help center's shape: ordered categories, sections, promoted and bounded sibling lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbgen.articles import load
from kbgen.articles.structure import build


def help_center(tmp_path: Path, files: dict[str, str]):
    root = tmp_path / "articles"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    catalog = load(root)
    assert catalog.problems == []
    return build(catalog)


def art(title: str, **meta: object) -> str:
    front = "".join(
        f"{k}: {str(v).lower() if isinstance(v, bool) else v}\n" for k, v in meta.items()
    )
    return f'---\ntitle: "{title}"\n{front}---\n\nText.\n'


def titles(articles) -> list[str]:
    return [a.title for a in articles]


def test_categories_and_sections_in_their_order(tmp_path: Path) -> None:
    hc = help_center(
        tmp_path,
        {
            "zahlung/_meta.yml": "title: Zahlung\norder: 1\n",
            "zahlung/b.md": art("Beta"),
            "zahlung/a.md": art("alpha"),  # case-insensitive by title after order
            "zahlung/z.md": art("Zuerst", order=-1),
            "versand/_meta.yml": "title: Versand\norder: 2\n",
            "versand/spedition/_meta.yml": "title: Spedition\norder: 2\n",
            "versand/spedition/s.md": art("Spedition"),
            "versand/spedition/tief/t.md": art("Tief"),  # deeper folders count as the section
            "versand/paket/_meta.yml": "title: Paket\norder: 1\n",
            "versand/paket/p.md": art("Paket"),
            "aaa/_meta.yml": "title: Kommt zuletzt\norder: 3\n",
            "aaa/x.md": art("X"),
        },
    )
    assert [c.folder.title for c in hc.categories] == ["Zahlung", "Versand", "Kommt zuletzt"]
    zahlung, versand, _ = hc.categories
    assert titles(zahlung.articles) == ["Zuerst", "alpha", "Beta"]
    assert [s.folder.title for s in versand.sections] == ["Paket", "Spedition"]
    assert titles(versand.sections[1].articles) == ["Spedition", "Tief"]
    assert versand.articles == [] and versand.count == 3
    assert titles(hc.containers["versand/spedition"]) == ["Spedition", "Tief"]


def test_empty_categories_and_drafts_are_left_out(tmp_path: Path) -> None:
    hc = help_center(
        tmp_path,
        {
            "leer/_meta.yml": "title: Leer\n",
            "nur-entwurf/a.md": art("Entwurf", draft=True),
            "voll/b.md": art("Veröffentlicht"),
            "voll/c.md": art("Noch ein Entwurf", draft=True),
        },
    )
    assert [c.folder.slug for c in hc.categories] == ["voll"]
    assert titles(hc.articles) == ["Veröffentlicht"]
    assert "nur-entwurf/a.md" not in hc.by_path


def test_loose_articles_at_the_root(tmp_path: Path) -> None:
    hc = help_center(tmp_path, {"impressum.md": art("Impressum"), "versand/a.md": art("A")})
    assert titles(hc.loose) == ["Impressum"]
    assert [c.folder.slug for c in hc.categories] == ["versand"]


def test_promoted_articles_in_order_and_by_language(tmp_path: Path) -> None:
    hc = help_center(
        tmp_path,
        {
            "a/1.md": art("Zwei", promoted=True, order=2),
            "a/2.md": art("Eins", promoted=True, order=1),
            "a/3.md": art("Nicht", promoted=False),
            "a/4.md": art("Englisch", promoted=True, lang="en"),
            "a/5.md": art("Entwurf", promoted=True, draft=True),
        },
    )
    assert titles(hc.promoted("de")) == ["Eins", "Zwei"]
    assert titles(hc.promoted("en")) == ["Englisch"]
    assert len(hc.promoted()) == 3


@pytest.fixture
def long_section(tmp_path: Path):
    return help_center(tmp_path, {f"faq/{i:02d}.md": art(f"Frage {i:02d}") for i in range(30)})


def test_siblings_are_all_others_in_a_short_list(tmp_path: Path) -> None:
    hc = help_center(tmp_path, {f"faq/{i}.md": art(f"Frage {i}") for i in range(5)})
    first = hc.containers["faq"][0]
    assert titles(hc.siblings(first, 8)) == ["Frage 1", "Frage 2", "Frage 3", "Frage 4"]


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, list(range(1, 9))),  # at the start: the next ones
        (15, list(range(11, 15)) + list(range(16, 20))),  # in the middle: its neighbourhood
        (29, list(range(21, 29))),  # at the end: the previous ones
    ],
)
def test_siblings_are_a_bounded_window(long_section, index: int, expected: list[int]) -> None:
    members = long_section.containers["faq"]
    chosen = long_section.siblings(members[index], 8)
    assert titles(chosen) == [f"Frage {i:02d}" for i in expected]


def test_sibling_limit_is_respected_for_every_article(long_section) -> None:
    for article in long_section.containers["faq"]:
        chosen = long_section.siblings(article, 5)
        assert len(chosen) == 5 and article not in chosen
