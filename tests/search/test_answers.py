"""Answer passages, confidence and instant answers: Python and the browser alike."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from searchkit import EVAL, faq_docs, needs_eval, needs_node, run_node

from kbgen.search import Passage, SearchDoc, SearchSettings, export_static, update_index
from kbgen.search.answers import Answerer, confidence, passage_docs, passage_settings
from kbgen.search.command import answer_command
from kbgen.search.model import Hit, SearchError
from kbgen.search.passages import is_answer_heading, sections, site_links


def slug(text: str, sep: str) -> str:
    return sep.join(text.lower().replace("?", "").split())


BODY = """\
Pakete kommen in **2–4 Werktagen**, Möbel per Spedition in 1–3 Wochen.

## Wie lange dauert die Lieferung ins Ausland?

- Österreich: 3–5 Werktage
- Schweiz: 5–8 Werktage

## Lieferzeiten im Überblick

| Art | Zeit |
|---|---|
| Paket | 2–4 |

## Expresslieferung buchen

Wählen Sie an der Kasse *Express*; siehe [Versandkosten](versandkosten.md#express).

### Details

Mehr [hier](#wie-lange-dauert-die-lieferung-ins-ausland).
"""


def test_lead_and_question_or_task_sections_become_passages() -> None:
    found = sections(BODY, "Wie lange dauert die Lieferung?", "de", slug)
    assert [(s.anchor, s.heading) for s in found] == [
        ("", "Wie lange dauert die Lieferung?"),
        (
            "wie-lange-dauert-die-lieferung-ins-ausland",
            "Wie lange dauert die Lieferung ins Ausland?",
        ),
        ("expresslieferung-buchen", "Expresslieferung buchen"),  # a task: ends in an infinitive
    ]  # "Lieferzeiten im Überblick" and "Details" answer no question
    assert found[0].markdown.startswith("Pakete kommen in **2–4 Werktagen**")
    assert "- Schweiz: 5–8 Werktage" in found[1].markdown
    assert "Mehr" not in found[2].markdown  # a passage ends at the next heading of any level


def test_a_repeated_explicit_anchor_makes_one_passage() -> None:
    body = (
        "Kurz.\n\n## Wie melde ich mich an? {#anmelden}\n\nErst so.\n\n"
        "## Wie melde ich mich wieder an? {#anmelden}\n\nDann so.\n"
    )
    found = sections(body, "Anmelden", "de", slug)
    # Ids of passages are unique per article (the index refuses duplicates); a link to
    # #anmelden reaches the first heading, and so does the passage.
    assert [(s.anchor, s.markdown) for s in found] == [("", "Kurz."), ("anmelden", "Erst so.")]


@pytest.mark.parametrize(
    ("heading", "lang", "expected"),
    [
        ("Kann ich per Rechnung zahlen", "de", True),
        ("Rücksendung anmelden", "de", True),
        ("So funktioniert die Abholung", "de", True),
        ("Kosten", "de", False),
        ("How to reset your password", "en", True),
        ("Tracking your parcel", "en", True),
        ("Shipping costs", "en", False),
    ],
)
def test_question_and_task_headings(heading: str, lang: str, expected: bool) -> None:
    assert is_answer_heading(heading, lang) is expected


def test_passage_links_work_outside_the_article() -> None:
    html = (
        '<a href="#wie">a</a> <a href="versandkosten.md#express">b</a> '
        '<a href="../zahlung/index.md">c</a> <a href="https://example.org/x">d</a> '
        '<a href="/kontakt/">e</a>'
    )
    fixed = site_links(html, "versand/lieferzeit.md", "versand/lieferzeit/")
    assert fixed == (
        '<a href="versand/lieferzeit/#wie">a</a> <a href="versand/versandkosten/#express">b</a> '
        '<a href="zahlung/">c</a> <a href="https://example.org/x">d</a> <a href="/kontakt/">e</a>'
    )


def test_confidence_is_coverage_times_margin() -> None:
    def hit(id: str, score: float, coverage: float = 1.0, groups: int = 3) -> Hit:
        return Hit(
            id=id, lang="de", title="", url="", score=score, coverage=coverage, groups=groups
        )  # noqa: E501

    assert confidence([]) == 0.0
    assert confidence([hit("a#", 4.0)]) == 1.0
    assert confidence([hit("a#", 4.0), hit("b#", 3.0)]) == 0.25
    assert confidence([hit("a#", 4.0, 0.5), hit("b#x", 1.0)]) == 0.375
    # another section of the same article is an alternative, not a rival
    assert confidence([hit("a#", 4.0), hit("a#x", 3.9), hit("b#", 1.0)]) == 0.75
    # one or two searched words are a keyword, not a question
    assert confidence([hit("a#", 4.0, groups=2)]) == 2 / 3
    assert confidence([hit("a#", 4.0, groups=1)]) == 0.0


def shop_docs() -> list[SearchDoc]:
    def doc(id: str, title: str, passages: list[tuple[str, str, str]]) -> SearchDoc:
        return SearchDoc(
            id=id,
            lang="de",
            title=title,
            url=f"versand/{id}/",
            keywords=[],
            category="Versand",
            category_slug="versand",
            section="",
            body=" ".join(text for _, _, text in passages),
            passages=[Passage(a, h or title, t, f"<p>{t}</p>") for a, h, t in passages],
        )

    return [
        doc(
            "lieferzeit",
            "Wie lange dauert die Lieferung?",
            [
                ("", "", "Pakete kommen in 2–4 Werktagen, Möbel in 1–3 Wochen."),
                ("ausland", "Wie lange dauert die Lieferung ins Ausland?", "Österreich 3–5 Tage."),
            ],
        ),
        doc("paket-verfolgen", "Wo ist mein Paket?", [("", "", "Die Sendungsnummer …")]),
        doc("ruecksendung", "Wie schicke ich etwas zurück?", [("", "", "Retourenschein …")]),
    ]


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    settings = SearchSettings(index_dir=tmp_path / "index")
    docs = shop_docs()
    update_index(docs, settings)
    update_index(passage_docs(docs), passage_settings(settings))
    return settings.index_dir


def test_a_typical_question_gets_an_instant_answer_a_vague_one_none(shop: Path) -> None:
    with Answerer(shop) as answerer:
        found = answerer.answer("Wie lange dauert die Lieferung?", "de")
        assert found.shown and found.best is not None
        assert (found.best.article_id, found.best.anchor) == ("lieferzeit", "")
        assert found.best.html == "<p>Pakete kommen in 2–4 Werktagen, Möbel in 1–3 Wochen.</p>"
        assert found.alternatives[0].url == "versand/lieferzeit/#ausland"
        vague = answerer.answer("Hilfe Frage", "de")
        assert not vague.shown


def test_cli_answer_json(shop: Path) -> None:
    result = CliRunner().invoke(
        answer_command,
        ["Lieferung ins Ausland", "--json", "--index", str(shop), "--base-url", "https://h.de/"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["answer"]["url"] == "https://h.de/versand/lieferzeit/#ausland"
    assert data["answer"]["question"] == "Wie lange dauert die Lieferung ins Ausland?"
    assert 0 < data["confidence"] <= 1 and isinstance(data["shown"], bool)
    text = CliRunner().invoke(answer_command, ["Lieferung ins Ausland", "--index", str(shop)])
    assert "→ versand/lieferzeit/#ausland" in text.output and "confidence" in text.output


@pytest.mark.parametrize(
    ("value", "de", "en"),
    [
        (None, 0.3, 0.3),  # unset: the default
        (0.3, 0.3, 0.3),
        (0, 0.0, 0.0),
        (False, None, None),
        ({"de": 0.45}, 0.45, 0.3),  # a language the mapping leaves out keeps the default
        ({"de": False, "en": 1}, None, 1.0),
    ],
)
def test_answer_threshold_per_language(value: object, de: object, en: object) -> None:
    settings = SearchSettings(answer_threshold=value)  # type: ignore[arg-type]
    assert (settings.answer_threshold_for("de"), settings.answer_threshold_for("en")) == (de, en)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, "between 0 and 1"),
        (-0.1, "between 0 and 1"),
        (True, "between 0 and 1"),
        ("0.3", "got '0.3'"),
        ({"de": 2}, "for 'de'"),
        ({"de rot": 0.3}, "not a language code"),
    ],
)
def test_a_bad_answer_threshold_says_what_is_expected(value: object, message: str) -> None:
    with pytest.raises(SearchError, match="search.answer_threshold") as caught:
        SearchSettings(answer_threshold=value)  # type: ignore[arg-type]
    assert message in str(caught.value)


@needs_node
def test_the_configured_threshold_decides_in_python_and_the_browser(tmp_path: Path) -> None:
    """German answers switched off, English ones at 0: the confidence stays, `shown` follows the
    setting — in `kbgen answer` (settings saved with the index) and in search.js (manifest)."""
    docs = shop_docs()
    question = "How long does delivery take?"
    english = [
        replace(
            docs[0],
            id="delivery",
            lang="en",
            title=question,
            url="en/shipping/delivery/",
            body="Parcels arrive in 2–4 working days.",
            passages=[Passage("", question, "Parcels arrive in 2–4 working days.", "<p>P</p>")],
        )
    ]
    settings = SearchSettings(index_dir=tmp_path / "index", answer_threshold={"de": False, "en": 0})
    update_index(docs + english, settings)
    update_index(passage_docs(docs + english), passage_settings(settings))
    export_static(passage_settings(settings), tmp_path / "passages")
    requests = [
        {"query": "Wie lange dauert die Lieferung?", "opts": {"lang": "de"}},
        {"query": "parcels arrive", "opts": {"lang": "en"}},
    ]
    with Answerer(settings.index_dir) as answerer:  # settings as saved with the index
        german = answerer.answer(requests[0]["query"], "de")
        assert german.confidence > 0.3 and not german.shown
        assert answerer.answer(requests[1]["query"], "en").shown  # any passage at 0
        assert answerer.answer(requests[0]["query"], "de", threshold=0.3).shown
    got = run_node("answer", tmp_path / "passages", requests=requests, tmp_path=tmp_path)
    assert [g["shown"] for g in got] == [False, True]
    assert got[0]["confidence"] == german.confidence


@needs_node
@needs_eval
def test_browser_answers_every_dev_question_like_python(tmp_path: Path) -> None:
    docs = faq_docs()
    answers = {
        json.loads(line)["id"]: json.loads(line)["answer_html"]
        for line in (EVAL / "faq.jsonl").read_text("utf-8").splitlines()
    }
    for doc in docs:
        doc.passages = [Passage("", doc.title, doc.body, answers[doc.id])]
    settings = SearchSettings(index_dir=tmp_path / "index")
    update_index(passage_docs(docs), passage_settings(settings))
    export_static(passage_settings(settings), tmp_path / "passages")
    queries = [
        json.loads(line) for line in (EVAL / "queries.jsonl").read_text("utf-8").splitlines()
    ]
    requests = [{"query": q["query"], "opts": {"lang": q["lang"]}} for q in queries]
    expected = []
    with Answerer(settings.index_dir) as answerer:
        for r in requests:
            a = answerer.answer(r["query"], r["opts"]["lang"])
            found = [a.best, *a.alternatives] if a.best else []
            expected.append(
                {
                    "confidence": a.confidence,
                    "shown": a.shown,
                    "passages": [[f"{p.article_id}#{p.anchor}", p.score, p.html] for p in found],
                }
            )
    got = run_node("answer", tmp_path / "passages", requests=requests, tmp_path=tmp_path)
    assert sum(e["shown"] for e in expected) > len(requests) // 5  # answers are shown at all
    mismatches = [(r, e, g) for r, e, g in zip(requests, expected, got, strict=True) if e != g]
    assert not mismatches, mismatches[:2]


def test_build_exports_safe_passages_beside_the_articles(make_project, kbgen) -> None:
    body = (
        "Pakete kommen in **2–4 Werktagen**. <script>alert(1)</script>\n\n"
        "## Kann ich die Lieferung verschieben?\n\n"
        '- Ja, bis zum Versand: <a href="javascript:alert(1)" onclick="x()">hier</a>\n'
        "- Siehe [Versandkosten](kosten.md#express)\n"
    )
    front = "---\ntitle: Wie lange dauert die Lieferung?\n---\n\n"
    project = make_project(
        {
            "versand/lieferzeit.md": front + body,
            "versand/kosten.md": "---\ntitle: Was kostet der Versand?\n---\n\n4,95 €.\n",
        },
        search={"enabled": True},
    )
    result = kbgen("build", cwd=project.root)
    assert result.returncode == 0, result.stderr
    out = project.root / "site" / "assets" / "kbgen" / "search" / "passages"
    manifest = json.loads((out / "manifest.json").read_text())
    folder = out / manifest["langs"]["de"]["dir"]
    records = [r for f in sorted(folder.glob("d*.json")) for r in json.loads(f.read_text())]
    by_id = {r[0]: r for r in records}
    assert set(by_id) == {
        "versand-lieferzeit#",
        "versand-lieferzeit#kann-ich-die-lieferung-verschieben",
        "versand-kosten#",
    }
    lead = by_id["versand-lieferzeit#"][7]
    assert "<strong>2–4 Werktagen</strong>" in lead and "<script" not in lead
    section = by_id["versand-lieferzeit#kann-ich-die-lieferung-verschieben"]
    assert section[2] == "versand/lieferzeit/#kann-ich-die-lieferung-verschieben"
    assert "<li>" in section[7] and "javascript:" not in section[7] and "onclick" not in section[7]
    assert 'href="versand/kosten/#express"' in section[7]


@needs_node
def test_browser_answers_demo_questions_like_python(demo_build, tmp_path: Path) -> None:
    """Articles with several passages: the runner-up article comes from a.json in the browser
    and from the ids in Python; passages, scores and confidence must still agree."""
    assert demo_build.result.returncode == 0, demo_build.result.stderr
    index = demo_build.project / "search_index"
    export = demo_build.site / "assets" / "kbgen" / "search" / "passages"
    import yaml

    questions = ["Wie lange dauert die Lieferung?", "Hilfe", "Rechnung", "Paket"]
    for path in sorted((Path(__file__).resolve().parents[2] / "articles").rglob("*.md")):
        text = path.read_text("utf-8")
        if text.startswith("---"):
            meta = yaml.safe_load(text.split("---", 2)[1]) or {}
            questions += [str(q) for q in meta.get("questions", [])]
            questions.append(str(meta.get("title", "")))
    requests = [{"query": q, "opts": {"lang": "de"}} for q in questions if q]
    expected = []
    with Answerer(index) as answerer:
        for r in requests:
            a = answerer.answer(r["query"], "de")
            found = [a.best, *a.alternatives] if a.best else []
            expected.append(
                {
                    "confidence": a.confidence,
                    "shown": a.shown,
                    "passages": [[f"{p.article_id}#{p.anchor}", p.score, p.html] for p in found],
                }
            )
    got = run_node("answer", export, requests=requests, tmp_path=tmp_path)
    assert sum(e["shown"] for e in expected) > len(requests) // 2
    assert any(len({p[0].split("#")[0] for p in e["passages"]}) == 1 for e in expected)
    mismatches = [(r, e, g) for r, e, g in zip(requests, expected, got, strict=True) if e != g]
    assert not mismatches, mismatches[:2]
