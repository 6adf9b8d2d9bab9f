"""A tiny search index with passages, for tests and contract runs of the answer service."""

from __future__ import annotations

from pathlib import Path

from kbgen.search import Passage, SearchDoc, SearchSettings, update_index
from kbgen.search.answers import passage_docs, passage_settings


def build_answer_index(index_dir: Path) -> Path:
    """Index two German articles with passages into ``index_dir`` and return it."""
    docs = [
        SearchDoc(
            id="lieferzeit",
            lang="de",
            title="Wie lange dauert die Lieferung?",
            url="versand/lieferzeit/",
            keywords=["Lieferzeit"],
            category="Versand",
            category_slug="versand",
            section="",
            body="Pakete kommen in 2–4 Werktagen.",
            passages=[
                Passage(
                    "", "Wie lange dauert die Lieferung?", "Pakete kommen in 2–4 Werktagen.", ""
                )
            ],
        ),
        SearchDoc(
            id="paket-verfolgen",
            lang="de",
            title="Wo ist mein Paket?",
            url="versand/paket-verfolgen/",
            keywords=[],
            category="Versand",
            category_slug="versand",
            section="",
            body="Die Sendungsnummer steht in der Versandbestätigung.",
            passages=[Passage("", "Wo ist mein Paket?", "Die Sendungsnummer …", "<p>…</p>")],
        ),
    ]
    settings = SearchSettings(index_dir=index_dir)
    update_index(docs, settings)
    update_index(passage_docs(docs), passage_settings(settings))
    return index_dir
