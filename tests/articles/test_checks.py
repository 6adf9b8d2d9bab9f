"""Checks across articles: what `kbgen check` says about ids, related ids, links and reviews."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kbgen.articles import LoadOptions, check, load

TODAY = dt.date(2026, 11, 25)


def site(tmp_path: Path, files: dict[str, str]):
    root = tmp_path / "articles"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    catalog = load(root)
    check(catalog, today=TODAY)
    return catalog


def art(title: str = "Titel", body: str = "Text.", **meta: str) -> str:
    front = "".join(f"{k}: {v}\n" for k, v in meta.items())
    return f"---\ntitle: {title}\n{front}---\n\n{body}\n"


def lines(catalog) -> list[str]:
    """Problems without hints, as `path:line: severity: message`."""
    return [
        p.format().removesuffix(f" ({p.hint})") if p.hint else p.format()
        for p in sorted(catalog.problems)
    ]


def test_a_clean_help_center_has_no_problems(tmp_path: Path) -> None:
    catalog = site(
        tmp_path,
        {
            "versand/lieferzeit.md": art(id="lieferzeit", body="## Express\n\nMorgen."),
            "versand/paket.md": art(
                related="[lieferzeit]", body="Siehe [Express](lieferzeit.md#express)."
            ),
        },
    )
    assert catalog.problems == []


def test_duplicate_id_publishes_the_later_article_under_its_path_id(tmp_path: Path) -> None:
    catalog = site(
        tmp_path,
        {
            "a/erste.md": art(id="paket"),
            "b/zweite.md": art(title="Zweite", id="paket"),
        },
    )
    assert lines(catalog) == [
        "b/zweite.md:3: warning: duplicate id 'paket' (language 'de'), also used by a/erste.md; "
        "this article is published as 'b-zweite'"
    ]
    assert [a.id for a in catalog.articles] == ["paket", "b-zweite"]


def test_translations_share_an_id(tmp_path: Path) -> None:
    catalog = site(
        tmp_path,
        {
            "de/paket.md": art(id="paket", lang="de"),
            "en/paket.md": art(id="paket", lang="en"),
        },
    )
    assert catalog.problems == []


def test_related_ids_must_exist_and_be_published(tmp_path: Path) -> None:
    catalog = site(
        tmp_path,
        {
            "a.md": art(id="a", related="[b, entwurf, tippfehler]"),
            "b.md": art(id="b"),
            "entwurf.md": art(id="entwurf", draft="true"),
        },
    )
    assert lines(catalog) == [
        "a.md:4: warning: related article 'entwurf' is a draft",
        "a.md:4: warning: related id 'tippfehler' matches no article",
    ]


def test_drafts_may_relate_to_drafts(tmp_path: Path) -> None:
    catalog = site(
        tmp_path,
        {
            "a.md": art(related="[entwurf]", draft="true"),
            "entwurf.md": art(id="entwurf", draft="true"),
        },
    )
    assert catalog.problems == []


def test_links_are_checked_and_located_on_their_line(tmp_path: Path) -> None:
    body = "\n".join(
        [
            "Erste Zeile.",
            "[fehlt](gibt-es-nicht.md)",  # file line 6
            "[ohne Endung](lieferzeit)",  # 7
            "[draußen](../../etc/passwd)",  # 8
            "[Bild fehlt](bilder/fehlt.png)",  # 9
            "[Entwurf](entwurf.md)",  # 10
            "[gut](lieferzeit.md) [Bild](bild.png) [Kategorie](../versand/)",
            "[extern](https://example.com/x.md) [Mail](mailto:a@b.de) [Tel](tel:+49401234)",
            "[absolut](/x.md)",
        ]
    )
    catalog = site(
        tmp_path,
        {
            "versand/a.md": art(body=body),
            "versand/lieferzeit.md": art(),
            "versand/bild.png": "",
            "versand/entwurf.md": art(draft="true"),
        },
    )
    assert lines(catalog) == [
        "versand/a.md:6: warning: broken link 'gibt-es-nicht.md': no such article",
        "versand/a.md:7: warning: link 'lieferzeit' should point at the .md file",
        "versand/a.md:8: warning: link '../../etc/passwd' points outside the articles folder",
        "versand/a.md:9: warning: broken link 'bilder/fehlt.png': no such file",
        "versand/a.md:10: warning: link 'entwurf.md' points at a draft",
    ]


def test_links_in_code_are_not_links(tmp_path: Path) -> None:
    body = "So sieht ein Link aus: `[Text](ziel.md)`\n\n```markdown\n[Text](ziel.md)\n```\n"
    assert site(tmp_path, {"a.md": art(body=body)}).problems == []


def test_anchors_are_checked_in_the_target_article(tmp_path: Path) -> None:
    catalog = site(
        tmp_path,
        {
            "a.md": art(
                body="[ok](b.md#rucksendung-umtausch) [eigen](b.md#mit-paypal) "
                "[html](b.md#raw) [fehlt](b.md#gibts-nicht) [selbst](#oben)"
            ),
            "b.md": art(
                body="## Rücksendung & Umtausch\n\n## PayPal {#mit-paypal}\n\n"
                '<span id="raw"></span>'
            ),
        },
    )
    assert lines(catalog) == [
        "a.md:5: warning: broken anchor '#gibts-nicht' in link 'b.md#gibts-nicht'",
        "a.md:5: warning: broken anchor '#oben' in link '#oben'",
    ]
    hint = sorted(catalog.problems)[0].hint
    assert hint == "headings there: mit-paypal, raw, rucksendung-umtausch"


def test_anchor_check_follows_the_sites_slugify(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    root.mkdir()
    (root / "a.md").write_text(art(body="[x](#ABSCHNITT)\n\n## Abschnitt"), encoding="utf-8")
    catalog = load(root)
    check(catalog, slugify=lambda text, sep: text.upper(), today=TODAY)
    assert catalog.problems == []


def test_anchor_of_a_heading_with_underscores(tmp_path: Path) -> None:
    catalog = site(
        tmp_path,
        {
            "a.md": art(
                body="[Option](#option-max_file_kb) [Code](#max_file_kb-setzen)\n\n"
                "## Option max_file_kb\n\n## `max_file_kb` setzen"
            ),
        },
    )
    assert catalog.problems == []


def test_overdue_reviews_are_info(tmp_path: Path) -> None:
    catalog = site(
        tmp_path,
        {
            "alt.md": art(review_by="2026-11-24"),
            "heute.md": art(review_by="2026-11-25"),
            "entwurf.md": art(review_by="2020-01-01", draft="true"),
        },
    )
    assert lines(catalog) == ["alt.md:3: info: review was due on 2026-11-24"]


def test_links_to_unpublished_markdown_files_are_reported(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    for rel, text in {
        "a/b.md": art(body="Siehe [Notiz](../_intern/notiz.md) und [Alt](../alt/x.md)."),
        "_intern/notiz.md": art(),
        "alt/x.md": art(),
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    catalog = load(root, LoadOptions(exclude=("alt",)))
    check(catalog, today=TODAY)
    found = lines(catalog)
    assert len(found) == 2, found
    assert all(line.startswith("a/b.md:5: warning: ") for line in found)
    assert "'../_intern/notiz.md'" in found[0] + found[1] and "'../alt/x.md'" in found[0] + found[1]
