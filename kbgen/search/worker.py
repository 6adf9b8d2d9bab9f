"""Search work of a build in a process of its own, beside page rendering.

A build's search work (index update, related articles, static export) is pure Python, like
MkDocs' page rendering; on a machine with two cores they run side by side. The worker keeps
one engine open between its two tasks, so the export reuses the scores related articles read.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from kbgen.search.answers import PASSAGES_DIR, passage_docs, passage_settings
from kbgen.search.engine import Engine
from kbgen.search.export import FORMAT_VERSION, export_static
from kbgen.search.indexer import update_index
from kbgen.search.model import ExportStats, IndexStats, SearchDoc, SearchSettings
from kbgen.search.related import related

_engine: Engine | None = None


RELATED_CACHE = "kbgen-related.json"
EXPORT_MARK = "kbgen-export.json"


def content_key(docs: list[SearchDoc], settings: SearchSettings, limit: int) -> str:
    """Everything the index, related lists and export are computed from: the documents'
    revisions, the settings and this package's code. Equal keys give byte-equal results."""
    sha = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: (d.lang, d.id)):
        sha.update(f"{doc.lang}\0{doc.id}\0{doc.revision}\n".encode())
    sha.update(
        json.dumps(
            [
                settings.query_settings(),
                settings.snippet_chars,
                limit,
                FORMAT_VERSION,
            ],
            sort_keys=True,
        ).encode()
    )
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        sha.update(path.read_bytes())
    return sha.hexdigest()


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def update_passages(docs: list[SearchDoc], settings: SearchSettings) -> None:
    """The passage index beside the articles' (removed when no article has passages)."""
    found = passage_docs(docs)
    target = settings.index_dir / PASSAGES_DIR
    if found:
        update_index(found, passage_settings(settings))
    elif target.exists():
        shutil.rmtree(target, ignore_errors=True)


def export_passages(settings: SearchSettings, out_dir: Path) -> None:
    """The passages' static search files in ``<out_dir>/passages/`` (see export_static)."""
    source = settings.index_dir / PASSAGES_DIR
    target = out_dir / PASSAGES_DIR
    if (source / "kbgen-settings.json").is_file() and any(source.iterdir()):
        export_static(passage_settings(settings), target)
    elif target.exists():
        shutil.rmtree(target, ignore_errors=True)


def _index_and_relate(
    docs: list[SearchDoc], settings: SearchSettings, limit: int, key: str
) -> tuple[IndexStats, dict[tuple[str, str], list[str]]]:
    """Update the index; related lists from the cache when nothing they depend on changed
    (a rebuild without edits), else computed for every article: one edit shifts the corpus
    statistics every score depends on, and a build must equal a fresh one."""
    global _engine
    stats = update_index(docs, settings)
    update_passages(docs, settings)
    cache = settings.index_dir / RELATED_CACHE
    cached = _read_json(cache)
    if cached.get("key") == key:
        return stats, {tuple(k.split("\0", 1)): v for k, v in cached["related"].items()}
    _engine = Engine(settings.index_dir, settings)
    found = related(settings, docs, limit=limit, engine=_engine)
    _write_json(cache, {"key": key, "related": {f"{k[0]}\0{k[1]}": v for k, v in found.items()}})
    return stats, found


def _export(settings: SearchSettings, out_dir: Path, key: str) -> ExportStats | None:
    """Write the static search files, unless ``out_dir`` already holds this content's export
    (an incremental build starts from a copy of the previous site)."""
    global _engine
    mark = settings.index_dir / EXPORT_MARK
    manifest = out_dir / "manifest.json"
    try:
        previous = _read_json(mark)
        if (
            previous.get("key") == key
            and manifest.is_file()
            and hashlib.sha256(manifest.read_bytes()).hexdigest() == previous.get("manifest")
            and all((out_dir / d).is_dir() for d in previous.get("dirs", []))
        ):
            return None
        if _engine is None:
            _engine = Engine(settings.index_dir, settings)
        stats = export_static(settings, out_dir, engine=_engine)
        export_passages(settings, out_dir)
        dirs = sorted(p.name for p in out_dir.iterdir() if p.is_dir())
        digest = hashlib.sha256(manifest.read_bytes()).hexdigest()
        _write_json(mark, {"key": key, "manifest": digest, "dirs": dirs})
        return stats
    finally:
        if _engine is not None:
            _engine.close()
            _engine = None


class SearchJob:
    """Index and related articles now, the export later; both in one background process."""

    def __init__(self, docs: list[SearchDoc], settings: SearchSettings, *, limit: int) -> None:
        self.settings = settings
        # "spawn": a fresh interpreter, safe beside the threads of `kbgen serve`.
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        self.key = content_key(docs, settings, limit)
        self._indexed: Future = self._pool.submit(
            _index_and_relate, docs, settings, limit, self.key
        )
        self._exported: Future | None = None

    def related(self) -> dict[tuple[str, str], list[str]]:
        return self._indexed.result()[1]

    def index_stats(self) -> IndexStats:
        return self._indexed.result()[0]

    def start_export(self, out_dir: Path) -> None:
        self._exported = self._pool.submit(_export, self.settings, out_dir, self.key)

    def finish(self) -> ExportStats | None:
        try:
            return self._exported.result() if self._exported else None
        finally:
            self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
