"""search(): Whoosh's BM25F numbers, the documented query semantics, hostile input."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from test_parity import HOSTILE, demo_docs
from whoosh import query as wq

from kbgen.search import Engine, SearchSettings, search, update_index


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> SearchSettings:
    settings = SearchSettings(
        index_dir=tmp_path_factory.mktemp("demo") / "index",
        synonyms=[["Retoure", "Rücksendung", "Rückgabe"]],
    )
    update_index(demo_docs(), settings)
    return settings


def ids(settings: SearchSettings, query: str, **kw) -> list[str]:
    return [h.id for h in search(settings, query, **kw)]


def test_or_scores_equal_whoosh_searcher(demo: SearchSettings) -> None:
    settings = SearchSettings(index_dir=demo.index_dir, mode="or")
    weights = settings.field_weights()
    with Engine(settings.index_dir, settings) as engine:
        index = engine.langs["de"]
        for query, terms in [("Paket verfolgen", ["paket", "verfolg"]), ("Rechnung", ["rechnung"])]:
            whoosh_query = wq.Or(
                [wq.Or([wq.Term(f, t, boost=w) for f, w in weights.items()]) for t in terms]
            )
            expected = {
                index.ids[h.docnum]: h.score
                for h in index.searcher.search(whoosh_query, limit=None)
            }
            got = {h.id: h.score for h in engine.search(query, lang="de", limit=None)}
            assert got.keys() == expected.keys()
            for doc_id, score in got.items():
                assert score == pytest.approx(expected[doc_id], rel=1e-12)


def test_umlaut_variants_and_participles_find_the_same(demo: SearchSettings) -> None:
    assert ids(demo, "Rückgabe", lang="de") == ids(demo, "Rueckgabe", lang="de")
    assert ids(demo, "Rückgabe", lang="de") == ids(demo, "Ruckgabe", lang="de")
    assert "erstattung-dauer" in ids(demo, "zurückschicken", lang="de")  # "zurückgeschickte"


def test_synonyms_find_each_other(demo: SearchSettings) -> None:
    assert ids(demo, "Retoure", lang="de")[0] == "retoure-anmelden"
    assert "retoure-anmelden" in ids(demo, "Rückgabe", lang="de")


def test_prefix_matches_the_word_being_typed(demo: SearchSettings) -> None:
    assert ids(demo, "Paket verf", lang="de", prefix=True)[0] == "paket-verfolgen"
    assert ids(demo, "Gutsch", lang="de", prefix=True)[0] == "gutschein"
    # without prefix a fragment is a word: an inflection of "Gutschein" at most 3 letters off
    assert ids(demo, "Gutsch", lang="de")[0] == "gutschein"
    with Engine(demo.index_dir, demo) as engine:  # as typed, it is just a word
        assert engine.query("Gutsch", lang="de", exact=True).hits == []


def test_more_matched_words_rank_higher(demo: SearchSettings) -> None:
    assert ids(demo, "Rechnung bezahlen", lang="de")[0] == "zahlung-rechnung"


def test_language_and_category_filters(demo: SearchSettings) -> None:
    assert {h.lang for h in search(demo, "return parcel")} == {"en"}
    assert ids(demo, "Paket", lang="en") == []
    assert ids(demo, "Rechnung", lang="de", category="retouren") == ["erstattung-dauer"]
    assert ids(demo, "Paket", lang="xx") == []


@pytest.mark.parametrize("query", HOSTILE)
@pytest.mark.parametrize("prefix", [False, True])
def test_hostile_queries_never_fail(demo: SearchSettings, query: str, prefix: bool) -> None:
    hits = search(demo, query, prefix=prefix)
    assert isinstance(hits, list)


def test_stop_word_only_query_is_empty(demo: SearchSettings) -> None:
    assert search(demo, "die der und wie", lang="de") == []


def test_markup_in_titles_is_plain_text(demo: SearchSettings) -> None:
    hit = search(demo, "Sicherheit", lang="de")[0]
    assert hit.id == "xss-probe" and hit.title.startswith("<script>")


def test_long_query_is_bounded(demo: SearchSettings, tmp_path: Path) -> None:
    words = " ".join(f"wort{i}" for i in range(500)) + " Paket"
    assert search(demo, words, lang="de") == []  # only the first 32 words count


def test_a_term_has_one_idf_for_all_fields(tmp_path: Path) -> None:
    """A word in one title and in two other articles' bodies is a word of three articles, in
    the title as in the body (Robertson–Spärck Jones idf over the whole article)."""
    from whoosh import scoring

    from kbgen.search import SearchDoc
    from kbgen.search.engine import term_scores

    def doc(id_: str, title: str, body: str) -> SearchDoc:
        return SearchDoc(id_, "de", title, f"{id_}/", [], "", "", "", body)

    settings = SearchSettings(index_dir=tmp_path / "index")
    update_index(
        [
            doc("a", "Gutschein einlösen", "Code im Warenkorb eingeben"),
            doc("b", "Versandkosten", "Ein Gutschein gilt nicht für den Versand"),
            doc("c", "Rechnung", "Der Gutschein steht auf der Rechnung"),
            doc("d", "Passwort", "Neues Passwort anfordern"),
        ],
        settings,
    )
    idf = math.log(1 + (4 - 3 + 0.5) / (3 + 0.5))
    with Engine(settings.index_dir, settings) as engine:
        index = engine.langs["de"]
        searcher = index.searcher
        for field in ("title", "body"):
            got = term_scores(searcher, "gutschein", {field: 1.0})
            avg = searcher.avg_field_length(field)
            for docnum, score in got.items():
                length = searcher.doc_field_length(docnum, field)
                assert score == pytest.approx(scoring.bm25(idf, 1, length, avg, 0.75, 1.2))
            assert len(got) == (1 if field == "title" else 2)
