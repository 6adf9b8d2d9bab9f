"""The on-disk index: incremental by revision, rebuilt when its fingerprint changes, never left
unreadable, and equal to a fresh build after any history of updates."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from searchkit import faq_docs, needs_eval
from test_parity import demo_docs

from kbgen.search import SearchError, SearchSettings, export_static, search, update_index
from kbgen.search import indexer as indexer_module
from kbgen.search.indexer import META_FILE, recover


def _settings(tmp_path: Path) -> SearchSettings:
    return SearchSettings(index_dir=tmp_path / "index")


def test_first_build_then_nothing_to_do(tmp_path: Path) -> None:
    docs, settings = demo_docs(), _settings(tmp_path)
    first = update_index(docs, settings)
    assert first.rebuilt and first.added == len(docs)
    second = update_index(docs, settings)
    assert not second.changed and second.unchanged == len(docs)


def test_changes_are_applied_incrementally(tmp_path: Path) -> None:
    docs, settings = demo_docs(), _settings(tmp_path)
    update_index(docs, settings)
    changed = [replace(d, title=d.title + " Sperrgut") if d.id == "umtausch" else d for d in docs]
    changed = [d for d in changed if d.id != "gutschein"]
    changed.append(replace(docs[0], id="neu", title="Neuer Artikel über Sperrgut"))
    stats = update_index(changed, settings)
    assert (stats.added, stats.updated, stats.removed, stats.rebuilt) == (1, 1, 1, False)
    ids = [h.id for h in search(settings, "Sperrgut", lang="de")]
    assert set(ids) == {"umtausch", "neu"}
    assert not search(settings, "Gutscheincode", lang="de")


def test_history_does_not_change_scores_or_export(tmp_path: Path) -> None:
    docs = demo_docs()
    incremental = SearchSettings(index_dir=tmp_path / "a")
    update_index(docs[:5], incremental)
    update_index([replace(d, body=d.body + " alt") for d in docs], incremental)
    update_index(docs, incremental)
    fresh = SearchSettings(index_dir=tmp_path / "b")
    update_index(list(reversed(docs)), fresh)
    for query in ("Paket", "Rechnung bezahlen", "return item"):
        a = [(h.id, h.score) for h in search(incremental, query)]
        b = [(h.id, h.score) for h in search(fresh, query)]
        assert a == b
    export_static(incremental, tmp_path / "out-a")
    export_static(fresh, tmp_path / "out-b")
    files_a = sorted(p.relative_to(tmp_path / "out-a") for p in (tmp_path / "out-a").rglob("*"))
    files_b = sorted(p.relative_to(tmp_path / "out-b") for p in (tmp_path / "out-b").rglob("*"))
    assert files_a == files_b
    for rel in files_a:
        if (tmp_path / "out-a" / rel).is_file():
            assert (tmp_path / "out-a" / rel).read_bytes() == (
                tmp_path / "out-b" / rel
            ).read_bytes()


def test_fingerprint_change_rebuilds(tmp_path: Path) -> None:
    docs, settings = demo_docs(), _settings(tmp_path)
    update_index(docs, settings)
    meta = settings.index_dir / "de" / META_FILE
    meta.write_text(json.dumps({"fingerprint": "older-analyzer", "lang": "de"}))
    stats = update_index(docs, settings)
    assert stats.rebuilt_langs == ["de"]
    assert search(settings, "Rücksendung", lang="de")


def test_corrupt_index_is_rebuilt_not_fatal(tmp_path: Path) -> None:
    docs, settings = demo_docs(), _settings(tmp_path)
    update_index(docs, settings)
    for toc in (settings.index_dir / "de").glob("*.toc"):
        toc.write_bytes(b"garbage")
    stats = update_index(docs, settings)
    assert "de" in stats.rebuilt_langs
    assert search(settings, "Paket", lang="de")


def test_crash_during_rebuild_keeps_the_old_index(tmp_path: Path, monkeypatch) -> None:
    docs, settings = demo_docs(), _settings(tmp_path)
    update_index(docs, settings)
    (settings.index_dir / "de" / META_FILE).write_text("{}")  # force a rebuild next time

    def boom(path: Path, lang: str) -> None:
        raise KeyboardInterrupt  # the process is stopped while writing

    monkeypatch.setattr(indexer_module, "_write_meta", boom)
    with pytest.raises(KeyboardInterrupt):
        update_index(docs, settings)
    monkeypatch.undo()
    assert not list(settings.index_dir.glob(".tmp-*"))
    assert search(settings, "Paket", lang="de")  # the previous generation still answers


def test_crash_between_swap_renames_is_recovered(tmp_path: Path) -> None:
    docs, settings = demo_docs(), _settings(tmp_path)
    update_index(docs, settings)
    (settings.index_dir / "de").rename(settings.index_dir / ".old-de-1234abcd")
    recover(settings.index_dir)
    assert (settings.index_dir / "de" / META_FILE).is_file()
    assert search(settings, "Paket", lang="de")


def test_crash_during_incremental_commit_keeps_previous_generation(tmp_path: Path, monkeypatch):
    docs, settings = demo_docs(), _settings(tmp_path)
    update_index(docs, settings)
    from whoosh.writing import SegmentWriter

    def boom(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(SegmentWriter, "_commit_toc", boom)
    with pytest.raises(OSError):
        update_index([replace(d, title="Kaputt " + d.title) for d in docs], settings)
    monkeypatch.undo()
    assert not search(settings, "Kaputt", lang="de")
    stats = update_index(docs, settings)
    assert not stats.changed


def test_language_removed_when_no_longer_published(tmp_path: Path) -> None:
    docs, settings = demo_docs(), _settings(tmp_path)
    update_index(docs, settings)
    stats = update_index([d for d in docs if d.lang == "de"], settings)
    assert stats.removed == 2
    assert not (settings.index_dir / "en").exists()
    assert search(settings, "return", lang="en") == []  # typo correction may map it to German


def test_duplicate_ids_are_a_clear_error(tmp_path: Path) -> None:
    docs = demo_docs()
    with pytest.raises(SearchError, match="appears twice"):
        update_index([*docs, docs[0]], _settings(tmp_path))


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SearchError, match="run `kbgen build` first"):
        search(tmp_path / "nothing", "Paket")


def test_bad_weights_are_rejected() -> None:
    with pytest.raises(SearchError, match="search.weights"):
        SearchSettings(weights={"titel": 2.0})


def test_saved_settings_rank_the_cli_like_the_build(tmp_path: Path) -> None:
    settings = SearchSettings(index_dir=tmp_path / "index", synonyms=[["Retoure", "Rücksendung"]])
    update_index(demo_docs(), settings)
    assert [h.id for h in search(settings.index_dir, "Retoure")] == [
        h.id for h in search(settings, "Retoure")
    ]
    assert search(settings.index_dir, "Retoure")


@needs_eval
def test_copying_an_index_keeps_it_usable(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    update_index(faq_docs()[:50], settings)
    shutil.copytree(settings.index_dir, tmp_path / "copy")
    assert search(tmp_path / "copy", "Corona") == search(settings, "Corona")
