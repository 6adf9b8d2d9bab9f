"""The Whoosh boundary: the only package importing whoosh.

Pipeline: :func:`update_index` (articles → on-disk index), :func:`search` (the reference
ranking), :func:`export_static` (static shards the browser client queries with the same
ranking), :func:`related` (similar articles).
"""

from __future__ import annotations

from kbgen.search.engine import Engine, search
from kbgen.search.export import export_static
from kbgen.search.indexer import update_index
from kbgen.search.model import (
    DEFAULT_WEIGHTS,
    ExportStats,
    Hit,
    IndexStats,
    Passage,
    SearchDoc,
    SearchError,
    SearchSettings,
)
from kbgen.search.related import related

__all__ = [
    "DEFAULT_WEIGHTS",
    "Engine",
    "ExportStats",
    "Hit",
    "IndexStats",
    "Passage",
    "SearchDoc",
    "SearchError",
    "SearchSettings",
    "export_static",
    "related",
    "search",
    "update_index",
]
