"""Search work of a build in a process of its own, beside page rendering.

A build's search work (index update, related articles, static export) is pure Python, like
MkDocs' page rendering; on a machine with two cores they run side by side. The worker keeps
one engine open between its two tasks, so the export reuses the scores related articles read.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from kbgen.search.engine import Engine
from kbgen.search.export import export_static
from kbgen.search.indexer import update_index
from kbgen.search.model import ExportStats, IndexStats, SearchDoc, SearchSettings
from kbgen.search.related import related

_engine: Engine | None = None


def _index_and_relate(
    docs: list[SearchDoc], settings: SearchSettings, limit: int
) -> tuple[IndexStats, dict[tuple[str, str], list[str]]]:
    global _engine
    stats = update_index(docs, settings)
    _engine = Engine(settings.index_dir, settings)
    return stats, related(settings, docs, limit=limit, engine=_engine)


def _export(settings: SearchSettings, out_dir: Path) -> ExportStats:
    global _engine
    try:
        return export_static(settings, out_dir, engine=_engine)
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
        self._indexed: Future = self._pool.submit(_index_and_relate, docs, settings, limit)
        self._exported: Future | None = None

    def related(self) -> dict[tuple[str, str], list[str]]:
        return self._indexed.result()[1]

    def index_stats(self) -> IndexStats:
        return self._indexed.result()[0]

    def start_export(self, out_dir: Path) -> None:
        self._exported = self._pool.submit(_export, self.settings, out_dir)

    def finish(self) -> ExportStats | None:
        try:
            return self._exported.result() if self._exported else None
        finally:
            self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
