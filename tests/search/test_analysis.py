"""What a writer or customer notices about analysis: spelling variants find the same articles."""

from __future__ import annotations

import pytest

from kbgen.search.analysis import analyze, fold, query_words


@pytest.mark.parametrize("variant", ["Rückgabe", "Ruckgabe", "Rueckgabe", "RÜCKGABE", "rückgabe"])
def test_umlaut_spellings_fold_to_one_term(variant: str) -> None:
    assert analyze(variant, "de") == analyze("Rückgabe", "de")


def test_sharp_s_and_accents_fold() -> None:
    assert fold("Straße", "de") == fold("STRASSE", "de") == "strasse"
    assert analyze("Café crème", "en") == analyze("cafe creme", "en")


def test_transliteration_keeps_real_vowel_pairs() -> None:
    # ue after a vowel or q is never an umlaut: Feuer, Bauer, Quelle keep their letters.
    assert fold("Feuer", "de") == "feuer"
    assert fold("Bauer", "de") == "bauer"
    assert fold("Quelle", "de") == "quelle"
    assert fold("Feuer", "en") == "feuer"  # English does not fold ue at all
    assert fold("queue", "en") == "queue"


@pytest.mark.parametrize(
    "form", ["zurückgeschickt", "zurückgeschickte", "zurückzuschicken", "zurückgeschickten"]
)
def test_separable_verb_forms_meet_the_infinitive(form: str) -> None:
    assert set(analyze("zurückschicken", "de")) <= set(analyze(form, "de"))


def test_weak_participles_meet_the_infinitive() -> None:
    assert "test" in analyze("getestet", "de")
    assert set(analyze("impfen", "de")) <= set(analyze("geimpft", "de"))


def test_stemming_and_stop_words() -> None:
    assert analyze("Wie kann ich die Bestellungen stornieren?", "de") == analyze(
        "Bestellung stornieren", "de"
    )
    assert analyze("How do I return the items?", "en") == analyze("return item", "en")


def test_other_languages_fold_without_stemming() -> None:
    assert analyze("Les Élèves", "fr") == ["les", "eleves"]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "🙂🙂", ".*+?^${}()|[]\\", "a" * 1000, "Пакет 包裹", "\u0000\u200b", "x" * 70],
)
def test_hostile_text_never_fails(text: str) -> None:
    assert isinstance(analyze(text, "de"), list)
    assert isinstance(query_words(text, "en"), list)


def test_stop_word_queries_have_no_terms() -> None:
    assert all(not terms for _, terms in query_words("die der und wie was", "de"))
