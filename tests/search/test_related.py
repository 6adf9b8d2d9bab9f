"""Related articles come from the same language, never the article itself, stably."""

from __future__ import annotations

from pathlib import Path

from test_parity import demo_docs

from kbgen.search import SearchSettings, related, update_index


def test_related_articles(tmp_path: Path) -> None:
    docs = demo_docs()
    settings = SearchSettings(index_dir=tmp_path / "index")
    update_index(docs, settings)
    found = related(settings, docs, limit=3)
    assert set(found) == {(d.lang, d.id) for d in docs}
    langs = {d.id: d.lang for d in docs}
    for (lang, doc_id), others in found.items():
        assert doc_id not in others
        assert len(others) <= 3
        assert all(langs[o] == lang for o in others)
    assert "erstattung-dauer" in found[("de", "retoure-anmelden")]
    assert found == related(settings, list(reversed(docs)), limit=3)


def test_related_without_docs(tmp_path: Path) -> None:
    assert related(SearchSettings(index_dir=tmp_path / "none"), []) == {}
