"""Compound parts, typo correction and word-pair proximity: behaviour and browser parity."""

# ruff: noqa: F401, F811 - the faq_site fixture is imported from searchkit, then requested by name

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from searchkit import faq_site, needs_eval, needs_node, run_node
from test_parity import demo_docs

from kbgen.search import Engine, SearchDoc, SearchSettings, export_static, update_index
from kbgen.search.analysis import fold, split_compound, tokenize
from kbgen.search.command import search_command
from kbgen.search.indexer import split_vocabulary
from kbgen.search.vocabulary import edit_distance


def doc(id: str, title: str, body: str = "", lang: str = "de", **kw) -> SearchDoc:
    return SearchDoc(
        id=id,
        lang=lang,
        title=title,
        url=f"{id}/",
        keywords=kw.pop("keywords", []),
        category="",
        category_slug="",
        section="",
        body=body,
        **kw,
    )


def build(tmp_path: Path, docs: list[SearchDoc], **settings) -> SearchSettings:
    config = SearchSettings(index_dir=tmp_path / "index", **settings)
    update_index(docs, config)
    export_static(config, tmp_path / "search")
    return config


def ranked(config: SearchSettings, query: str, **kw) -> list[str]:
    with Engine(config.index_dir, config) as engine:
        return [h.id for h in engine.search(query, lang="de", **kw)]


# -- compounds ----------------------------------------------------------------------------------


def test_split_by_greedy_longest_match_with_linking_elements() -> None:
    words = {"test", "ergebnis", "lieferung", "status", "corona", "rucksend", "etikett"}
    known = words.__contains__
    assert split_compound("testergebnis", known) == ("test", "ergebnis")
    assert split_compound("lieferungsstatus", known) == ("lieferung", "status")  # linking s
    assert split_compound("coronatestergebnis", known) == ("corona", "test", "ergebnis")
    assert split_compound("rucksendeetikett", known) == ("rucksend", "etikett")  # linking e
    assert split_compound("testergebnis", {"test"}.__contains__) == ()  # rest unknown
    assert split_compound("testtest", known) == ("test", "test")
    assert split_compound("tester", known) == ()  # too short for two parts
    # the longest known head wins, deterministically
    longer = {"test", "tester", "gebnis", "ergebnis"}.__contains__
    assert split_compound("testergebnis", longer) == ("tester", "gebnis")


def test_parts_are_found_but_rank_below_the_whole_word(tmp_path: Path) -> None:
    config = build(
        tmp_path,
        [
            doc("a-getrennt", "Das Ergebnis vom Test", "Wann liegt das Ergebnis vor?"),
            doc("b-ganz", "Ihr Testergebnis", "Wann liegt das Testergebnis vor?"),
            doc("c-anderes", "Versandkosten", "Was kostet der Versand?"),
        ],
    )
    # the query word is split: the article with the separate words is found
    assert ranked(config, "Testergebnis") == ["b-ganz", "a-getrennt"]
    # the parts of the corpus word are indexed: separate query words find the compound
    assert "b-ganz" in ranked(config, "Ergebnis")
    # without the lever neither happens
    off = SearchSettings(index_dir=config.index_dir, compounds=False, weights={"parts": 0})
    assert ranked(off, "Testergebnis") == ["b-ganz"]
    assert ranked(off, "Ergebnis") == ["a-getrennt"]


@needs_node
def test_browser_splits_every_word_like_python(tmp_path: Path) -> None:
    docs = demo_docs()
    known = split_vocabulary([d for d in docs if d.lang == "de"], "de")
    words = sorted({fold(w, "de") for d in docs for w in tokenize(d.title + " " + d.body)})
    rng = random.Random(5)
    # every corpus word, plus made-up compounds of two or three corpus words with links
    pool = sorted(w for w in known if len(w) >= 4)
    for _ in range(600):
        parts = rng.sample(pool, rng.choice((2, 3)))
        words.append(rng.choice(("", "s", "es", "n", "en", "e")).join(parts))
    known_list = sorted(known)
    got = run_node(
        "split", requests=[{"word": w, "known": known_list} for w in words], tmp_path=tmp_path
    )
    expected = [list(split_compound(w, known.__contains__)) for w in words]
    assert sum(1 for e in expected if e) > 300  # the comparison is not vacuous
    assert got == expected


# -- typos --------------------------------------------------------------------------------------


def test_edit_distance() -> None:
    assert edit_distance("rechnung", "rechnung") == 0
    assert edit_distance("rechnnung", "rechnung") == 1
    assert edit_distance("rehcnung", "rechnung") == 1  # transposition
    assert edit_distance("rchnnung", "rechnung") == 2
    assert edit_distance("abc", "xyzabc", 2) == 3


@pytest.fixture
def shop(tmp_path: Path) -> SearchSettings:
    return build(tmp_path, demo_docs(), synonyms=[["Retoure", "Rücksendung", "Rückgabe"]])


def test_unknown_word_is_corrected_and_searched(shop: SearchSettings) -> None:
    with Engine(shop.index_dir, shop) as engine:
        typo = engine.query("Rechnnung", lang="de")
        right = engine.query("Rechnung", lang="de")
        assert typo.corrected == "Rechnung"
        assert [h.id for h in typo.hits] == [h.id for h in right.hits] != []
        assert right.corrected is None
        assert engine.query("Rechnnung", lang="de", exact=True).hits == []
        off = SearchSettings(index_dir=shop.index_dir, typos=False)
    with Engine(shop.index_dir, off) as engine:
        assert engine.query("Rechnnung", lang="de").hits == []


def test_cli_says_which_words_it_searched(shop: SearchSettings) -> None:
    result = CliRunner().invoke(
        search_command, ["Rechnnung", "--lang", "de", "--index", str(shop.index_dir)]
    )
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first == "Results for 'Rechnung' (search 'Rechnnung' instead: --exact)"
    exact = CliRunner().invoke(
        search_command, ["Rechnnung", "--exact", "--lang", "de", "--index", str(shop.index_dir)]
    )
    assert "No results" in exact.output


def _typos(word: str, rng: random.Random) -> list[str]:
    """A deletion, a transposition, a substitution and a doubled letter of ``word``."""
    i = rng.randrange(1, len(word) - 1)
    return [
        word[:i] + word[i + 1 :],
        word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :],
        word[:i] + rng.choice("aeinrst") + word[i + 1 :],
        word[:i] + word[i] + word[i:],
    ]


@needs_node
def test_browser_corrects_every_generated_typo_like_python(shop: SearchSettings, tmp_path):
    rng = random.Random(11)
    requests = []
    for d in demo_docs():
        for w in tokenize(d.title + " " + " ".join(d.keywords)):
            if len(w) > 4:
                for typo in _typos(w, rng):
                    requests.append({"query": typo, "opts": {"lang": d.lang}})
                    requests.append({"query": f"{typo} {w}", "opts": {"lang": d.lang}})
    with Engine(shop.index_dir, shop) as engine:
        expected = []
        for r in requests:
            res = engine.query(r["query"], lang=r["opts"]["lang"])
            hits = [[h.id, h.score] for h in res.hits]
            expected.append({"corrected": res.corrected, "hits": hits})
    got = run_node("query", shop.index_dir.parent / "search", requests=requests, tmp_path=tmp_path)
    assert sum(1 for e in expected if e["corrected"]) > len(requests) // 4
    mismatches = [(r, e, g) for r, e, g in zip(requests, expected, got, strict=True) if e != g]
    assert not mismatches, mismatches[:3]


# -- proximity ----------------------------------------------------------------------------------


def test_words_side_by_side_rank_above_scattered_words(tmp_path: Path) -> None:
    docs = [
        # same terms, same lengths; only the order differs, and the id favours the scattered one
        doc("a-verstreut", "Verfolgen: wo ist das Paket", "Paket und Sendung verfolgen."),
        doc("b-nebeneinander", "Wo kann ich das Paket verfolgen", "Paket und Sendung verfolgen."),
    ]
    config = build(tmp_path, docs)
    assert ranked(config, "Paket verfolgen") == ["b-nebeneinander", "a-verstreut"]
    off = SearchSettings(
        index_dir=config.index_dir, proximity=False, weights={"title_pairs": 0, "pairs": 0}
    )
    assert ranked(off, "Paket verfolgen") == ["a-verstreut", "b-nebeneinander"]


def test_title_pair_outweighs_body_pair(tmp_path: Path) -> None:
    docs = [
        doc("a-text", "Sendung und Paket", "Hier können Sie das Paket verfolgen, jederzeit."),
        doc("b-titel", "Paket verfolgen", "Hier können Sie die Sendung und das Paket sehen."),
    ]
    config = build(tmp_path, docs)
    assert ranked(config, "Paket verfolgen")[0] == "b-titel"


@needs_node
@needs_eval
def test_browser_query_reports_the_same_corrections(faq_site, tmp_path: Path) -> None:
    settings, export_dir = faq_site
    queries = [
        ("Wie ist der Krankeheitsverlauf?", "de"),
        ("Can I get infected by my dgo in the ofice?", "en"),
        ("Quarantne", "de"),
    ]
    requests = [{"query": q, "opts": {"lang": lang}} for q, lang in queries]
    with Engine(settings.index_dir, settings) as engine:
        expected = []
        for r in requests:
            res = engine.query(r["query"], lang=r["opts"]["lang"])
            hits = [[h.id, h.score] for h in res.hits]
            expected.append({"corrected": res.corrected, "hits": hits})
    got = run_node("query", export_dir, requests=requests, tmp_path=tmp_path)
    assert all(e["corrected"] for e in expected)
    assert got == expected


def test_inflection_of_a_corpus_word_is_searched_without_a_notice(tmp_path: Path) -> None:
    docs = [
        doc("a", "Is my payment safe?", "We keep card data safe.", lang="en"),
        doc("b", "Summer sale", "Prices in summer.", lang="en"),
    ]
    config = build(tmp_path, docs)
    with Engine(config.index_dir, config) as engine:
        safer = engine.query("safer payment", lang="en")
        assert [h.id for h in safer.hits] == ["a"] and safer.corrected is None
        # a short word is never "corrected" into another one
        assert engine.query("sale", lang="en").corrected is None
        # two edits in a six-letter word are too many: "suffer" is no typo of "summer"
        assert engine.query("suffer", lang="en").hits == []
        typo = engine.query("paymnet", lang="en")
        assert typo.corrected == "payment" and [h.id for h in typo.hits] == ["a"]
