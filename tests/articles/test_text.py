"""Reading Markdown like the site renders it: heading anchors, links, plain text, summaries."""

from __future__ import annotations

import re

import markdown
import pytest

from kbgen.articles.checks import default_slugify
from kbgen.articles.text import anchors, headings, links, plain_text, summary


def rendered_ids(body: str) -> list[str]:
    """Heading ids as the site's Markdown (toc + attr_list) gives them."""
    html = markdown.markdown(body, extensions=["toc", "attr_list"])
    return re.findall(r"<h[1-6][^>]*\sid=\"([^\"]+)\"", html)


HEADINGS = [
    "## Rücksendung & Umtausch",
    "## `kbgen` nutzen",
    "## [Link](x.md) im Titel",
    "## Preis: 5 €",
    "## A *kursiv* B",
    "## 1. Schritt",
    "## Ä Ö Ü ß",
    "## Was kostet's?",
    "## <em>HTML</em> Titel",
    "## A &amp; B",
    "## Mit Klammern (optional) ##",
    "### PayPal {#paypal}",
    "#### Tabelle {: .wide #tabelle }",
]


def test_anchors_equal_the_rendered_heading_ids() -> None:
    body = "\n\n".join(HEADINGS)
    assert [h.anchor for h in headings(body, default_slugify)] == rendered_ids(body)


def test_repeated_headings_get_numbered_anchors_like_the_site() -> None:
    body = "## FAQ\n\n## FAQ\n\n## FAQ"
    assert [h.anchor for h in headings(body, default_slugify)] == rendered_ids(body)


@pytest.mark.parametrize(
    "body", ["## Option max_file_kb", "## `max_file_kb` setzen", "## Foo\n\n## Foo_1\n\n## Foo"]
)
def test_underscores_in_headings_match_the_site(body: str) -> None:
    assert [h.anchor for h in headings(body, default_slugify)] == rendered_ids(body)


def test_headings_carry_level_text_and_body_line() -> None:
    body = "Intro\n\n## Versand **heute**\n\nText\n\n### Details {#det}"
    found = headings(body, default_slugify)
    assert [(h.level, h.text, h.anchor, h.line) for h in found] == [
        (2, "Versand heute", "versand-heute", 2),
        (3, "Details", "det", 6),
    ]


def test_headings_in_code_blocks_are_not_headings() -> None:
    body = "```bash\n# Kommentar\n## auch nicht\n```\n\n~~~\n## nein\n~~~\n\n## Ja"
    assert [h.text for h in headings(body, default_slugify)] == ["Ja"]


def test_anchors_include_explicit_html_ids() -> None:
    body = "## Titel\n\n<a id=\"alt\"></a> <div id='box'></div>\n\nAbsatz {#absatz}"
    assert anchors(body, default_slugify) == {"titel", "alt", "box", "absatz"}


def test_links_in_markdown_and_html_with_their_lines() -> None:
    body = "\n".join(
        [
            '[a](a.md) und ![Bild](b.png "Titel")',
            '<a href="c.md#x&amp;y">c</a> [d](<mit leer.md>)',
            "`[nein](code.md)`",
            "```",
            "[nein](fence.md)",
            "```",
            "- [e](e.md)",
        ]
    )
    assert [(link.target, link.line) for link in links(body)] == [
        ("a.md", 0),
        ("b.png", 0),
        ("mit leer.md", 1),
        ("c.md#x&y", 1),
        ("e.md", 6),
    ]


def test_plain_text_is_what_a_reader_sees() -> None:
    body = (
        "## Wie **lange** dauert es?\n\n"
        "Zwei bis *drei* Tage, siehe [Lieferzeit](lieferzeit.md). ![Bild](b.png)\n\n"
        "- Punkt eins\n1. Schritt\n> Zitat\n\n"
        '<p class="x">HTML &amp; mehr</p>\n\n'
        "```\ncode()\n```\n\n"
        '!!! note "Hinweis"\n    Eingerückt.\n\n'
        "> [!NOTE]\n> Achtung {: .x }\n"
    )
    assert plain_text(body) == (
        "Wie lange dauert es? Zwei bis drei Tage, siehe Lieferzeit. Punkt eins Schritt Zitat "
        "HTML & mehr Eingerückt. Achtung"
    )


def test_tables_become_their_cells_text() -> None:
    """Search snippets showed "|---|---|" and pipes; a table is now its cells' words."""
    body = (
        "Vorher.\n\n| Land | Paket | Lieferzeit |\n|---|:--:|---|\n"
        "| Österreich | 6,95 € | 3–5 Werktage |\n| Schweiz \\| CH | 9,95 € | 4–6 |\n\n"
        "Ein | in Prosa bleibt.\n\nName | Wert\n--- | ---\na | b\n\n---\n\nEnde."
    )
    assert plain_text(body) == (
        "Vorher. Land · Paket · Lieferzeit Österreich · 6,95 € · 3–5 Werktage "
        "Schweiz | CH · 9,95 € · 4–6 Ein | in Prosa bleibt. Name · Wert a · b Ende."
    )


def test_plain_text_of_nothing_but_markup_is_empty() -> None:
    assert plain_text('<!-- Notiz -->\n\n<div class="x"></div>\n\n<br>\n') == ""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Kurz.\n\nDies ist der erste Absatz, der lang genug für eine Beschreibung ist.",
            "Dies ist der erste Absatz, der lang genug für eine Beschreibung ist.",
        ),
        (
            "## Überschrift\n\n!!! note\n    x\n\n| a | b |\n|---|---|\n\nDer **eigentliche** Text "
            "beginnt erst hier unten.",
            "Der eigentliche Text beginnt erst hier unten.",
        ),
        ("", ""),
    ],
)
def test_summary_is_the_first_real_paragraph(body: str, expected: str) -> None:
    assert summary(body) == expected


def test_summary_is_cut_at_a_word_boundary() -> None:
    text = "Wort " * 60
    cut = summary(text, limit=50)
    assert cut.endswith("…") and len(cut) <= 50
    assert cut.removesuffix("…").split(" ")[-1] == "Wort"
