"""`questions:` in front matter: a weighted search field and writers' search regression tests."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from kbgen.search import Engine, SearchDoc, SearchSettings, update_index
from kbgen.search.regression import run_questions


def article(title: str, body: str, **meta: object) -> str:
    front = yaml.safe_dump({"title": title, **meta}, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n\n{body}\n"


def doc(id: str, title: str, body: str, questions: list[str]) -> SearchDoc:
    return SearchDoc(
        id=id,
        lang="de",
        title=title,
        url=f"{id}/",
        keywords=[],
        category="",
        category_slug="",
        section="",
        body=body,
        questions=questions,
    )


DOCS = [
    doc("lieferzeit", "Wie lange dauert die Lieferung?", "Pakete kommen in 2–4 Werktagen.", []),
    doc(
        "paket-verfolgen",
        "Wo ist mein Paket?",
        "Die Sendungsnummer steht in der Versandbestätigung.",
        ["Wann ist meine Bestellung endlich da?", "Lieferung dauert zu lange"],
    ),
    doc("rechnung", "Wo finde ich meine Rechnung?", "Im Kundenkonto unter Bestellungen.", []),
]


def test_questions_are_a_weighted_field(tmp_path: Path) -> None:
    settings = SearchSettings(index_dir=tmp_path / "index")
    update_index(DOCS, settings)
    with Engine(settings.index_dir, settings) as engine:
        assert engine.search("Wann ist meine Bestellung da?", lang="de")[0].id == "paket-verfolgen"
    off = SearchSettings(index_dir=settings.index_dir, weights={"questions": 0})
    with Engine(settings.index_dir, off) as engine:
        found = [h.id for h in engine.search("Wann ist meine Bestellung da?", lang="de")]
        assert "paket-verfolgen" not in found


def test_each_question_reports_its_articles_rank(tmp_path: Path) -> None:
    results = run_questions(DOCS, SearchSettings(index_dir=tmp_path / "unused"))
    by_question = {r.question: r for r in results}
    assert set(by_question) == {
        "Wann ist meine Bestellung endlich da?",
        "Lieferung dauert zu lange",
    }
    assert by_question["Wann ist meine Bestellung endlich da?"].passed
    # "Lieferung dauert" is the title of another article: that one ranks first
    late = by_question["Lieferung dauert zu lange"]
    assert late.top[0] == "lieferzeit" and late.rank == 2 and late.passed
    assert not (tmp_path / "unused").exists()  # a scratch index, removed again


PROJECT = {
    "versand/lieferzeit.md": article("Wie lange dauert die Lieferung?", "Pakete: 2–4 Werktage."),
    "versand/paket.md": article(
        "Wo ist mein Paket?",
        "Die Sendungsnummer steht in der Versandbestätigung.",
        questions=["Wo ist meine Sendung?", "Wo finde ich die Rechnung?"],
    ),
    "zahlung/rechnung.md": article("Wo finde ich meine Rechnung?", "Im Kundenkonto."),
    **{
        f"zahlung/rechnung-{n}.md": article(f"Rechnung {n} finden", "Rechnung finden: so geht's.")
        for n in (1, 2, 3)
    },
    "zahlung/mahnung.md": article("Ich habe eine Mahnung bekommen", "Rechnung prüfen."),
    "zahlung/zahlung.md": article("Rechnung bezahlen", "Per Rechnung zahlen Sie in 14 Tagen."),
    "zahlung/konto.md": article(
        "Kundenkonto", "Anmelden und Daten ändern.", questions=["Wie melde ich mich an?"]
    ),
}


def test_check_warns_at_the_questions_line_and_strict_fails(make_project, kbgen) -> None:
    project = make_project(PROJECT, search={"enabled": True})
    result = kbgen("check", cwd=project.root)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "search question" in line]
    # question 2 of paket.md is answered by four Rechnung articles; konto's question passes
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith("articles/versand/paket.md:3: warning: search question 2 ")
    assert "'Wo finde ich die Rechnung?'" in lines[0] and "zahlung-rechnung" in lines[0]
    strict = kbgen("check", "--strict", cwd=project.root)
    assert strict.returncode == 1
    as_json = json.loads(kbgen("check", "--json", cwd=project.root).stdout)
    assert [p["line"] for p in as_json if "search question" in p["message"]] == [3]


def test_build_report_lists_failing_questions(make_project, kbgen) -> None:
    project = make_project(PROJECT, search={"enabled": True})
    report = project.root / "report.json"
    result = kbgen("build", "--report", str(report), cwd=project.root)
    assert result.returncode == 0, result.stderr
    problems = json.loads(report.read_text())["problems"]
    assert [(p["path"], p["line"]) for p in problems if "search question" in p["message"]] == [
        ("articles/versand/paket.md", 3)
    ]
