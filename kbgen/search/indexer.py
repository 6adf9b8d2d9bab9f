"""Keeping the on-disk Whoosh index in step with the published articles.

Layout of ``settings.index_dir``: one Whoosh index per language in ``<lang>/`` plus
``<lang>/kbgen.json`` (fingerprint, written before the directory becomes visible). Per-language
indexes keep corpus statistics (IDF, average lengths) per language, like the per-language
pages and search files the site serves.

Crash safety: an incremental update is a Whoosh transaction (segments first, then the table of
contents is renamed into place), so a crash leaves the previous generation readable. A full
rebuild is written to ``.tmp-<lang>-*`` and swapped in with two renames; :func:`recover` undoes
a swap interrupted between them and removes leftovers.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from whoosh import index as whoosh_index

from kbgen.search.analysis import COMPOUND_LANGS, fold, split_compound, tokenize, word_terms
from kbgen.search.model import IndexStats, SearchDoc, SearchError, SearchSettings
from kbgen.search.schema import build_schema, fingerprint

log = logging.getLogger(__name__)

META_FILE = "kbgen.json"
SETTINGS_FILE = "kbgen-settings.json"  # query-time settings of the last build
LOCK_FILE = ".kbgen-index.lock"


def lang_dirs(index_dir: Path) -> dict[str, Path]:
    """Language code → index directory for every complete language index in ``index_dir``."""
    found: dict[str, Path] = {}
    if not index_dir.is_dir():
        return found
    for child in sorted(index_dir.iterdir()):
        if child.is_dir() and not child.name.startswith(".") and (child / META_FILE).is_file():
            found[child.name] = child
    return found


def recover(index_dir: Path) -> None:
    """Finish or undo a rebuild swap that a crash interrupted; drop temporary leftovers."""
    if not index_dir.is_dir():
        return
    for child in index_dir.iterdir():
        if child.name.startswith(".old-"):
            lang = child.name[len(".old-") :].rsplit("-", 1)[0]
            target = index_dir / lang
            if not target.exists():
                log.warning("search index: restoring %s after an interrupted rebuild", lang)
                child.rename(target)
                continue
            shutil.rmtree(child, ignore_errors=True)
        elif child.name.startswith(".tmp-"):
            shutil.rmtree(child, ignore_errors=True)


@contextlib.contextmanager
def _locked(index_dir: Path) -> Iterator[None]:
    """One writer per index directory; the OS drops the lock if the process dies."""
    handle = open(index_dir / LOCK_FILE, "a+")  # noqa: SIM115 - held for the block
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: rely on Whoosh's own lock
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise SearchError(
                f"search index {index_dir} is being updated by another process; "
                "wait for it to finish"
            ) from exc
        yield
    finally:
        handle.close()


def _texts(doc: SearchDoc) -> list[str]:
    section_text = " ".join(part for part in (doc.category, doc.section) if part)
    return [doc.title, *doc.questions, *doc.keywords, section_text, doc.body]


def split_vocabulary(docs: list[SearchDoc], lang: str) -> frozenset[str]:
    """The folded words compound parts are matched against: exactly the keys of the
    completion vocabulary (the ``words`` field), which the browser reads too."""
    known: set[str] = set()
    for doc in docs:
        for text in _texts(doc):
            for word in tokenize(text):
                folded = fold(word, lang)
                if word_terms(folded, lang):
                    known.add(folded)
    return frozenset(known)


class _Parts:
    """Compound parts of a document's words, memoised per language build."""

    def __init__(self, lang: str, docs: list[SearchDoc]):
        self.lang = lang
        self.enabled = lang in COMPOUND_LANGS
        self.known = split_vocabulary(docs, lang) if self.enabled else frozenset()
        self.cache: dict[str, tuple[str, ...]] = {}

    def text(self, doc: SearchDoc) -> str:
        if not self.enabled:
            return ""
        out: list[str] = []
        for text in _texts(doc):
            for word in tokenize(text):
                folded = fold(word, self.lang)
                parts = self.cache.get(folded)
                if parts is None:
                    parts = self.cache[folded] = split_compound(folded, self.known.__contains__)
                out.extend(parts)
        return " ".join(out)


def _record(doc: SearchDoc, parts: _Parts) -> dict[str, object]:
    section_text = " ".join(part for part in (doc.category, doc.section) if part)
    return {
        "id": doc.id,
        "revision": doc.revision,
        "title": doc.title,
        "questions": "\n".join(doc.questions),
        "keywords": " \n ".join(doc.keywords),
        "section": section_text,
        "body": doc.body,
        "parts": parts.text(doc),
        "title_pairs": doc.title,
        # Body pairs were measured and rejected: ±0.005 MRR for an export several times larger.
        "pairs": "\n".join([*doc.questions, *doc.keywords]),
        "words": "\n".join(_texts(doc)),
        "url": doc.url,
        "category": doc.category,
        "category_slug": doc.category_slug,
        "section_title": doc.section,
        "keywords_list": list(doc.keywords),
        "questions_list": list(doc.questions),
        "html": doc.html,
        "body_text": doc.body,
        "promoted": bool(doc.promoted),
    }


def _read_meta(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json(target: Path, data: object) -> None:
    tmp = target.with_name(target.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, sort_keys=True, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)


def _write_meta(path: Path, lang: str) -> None:
    _write_json(path / META_FILE, {"fingerprint": fingerprint(lang), "lang": lang})


def saved_settings(index_dir: Path) -> SearchSettings:
    """The settings the index was last built with (defaults when none were saved)."""
    settings = SearchSettings(index_dir=index_dir)
    try:
        data = json.loads((index_dir / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return settings
    if isinstance(data, dict):
        for key in SearchSettings.QUERY_KEYS:
            if key in data:
                setattr(settings, key, data[key])
        settings.__post_init__()
    return settings


def _rebuild(index_dir: Path, lang: str, docs: list[SearchDoc]) -> None:
    tmp = index_dir / f".tmp-{lang}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        ix = whoosh_index.create_in(str(tmp), build_schema(lang))
        writer = ix.writer(limitmb=256)
        # Sorted by id so a fresh build numbers documents the same way every time.
        parts = _Parts(lang, docs)
        for doc in sorted(docs, key=lambda d: d.id):
            writer.add_document(**_record(doc, parts))
        writer.commit(optimize=True)
        ix.close()
        _write_meta(tmp, lang)
        _fsync_dir(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    target = index_dir / lang
    old = index_dir / f".old-{lang}-{uuid.uuid4().hex[:8]}"
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    _fsync_dir(index_dir)
    shutil.rmtree(old, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _open_current(path: Path, lang: str) -> whoosh_index.Index | None:
    """The language index if it exists and matches the current fingerprint, else None."""
    meta = _read_meta(path)
    if not meta or meta.get("fingerprint") != fingerprint(lang):
        return None
    try:
        ix = whoosh_index.open_dir(str(path))
        ix.schema  # noqa: B018 - unpickling the schema proves the analyzer still loads
    except Exception as exc:  # corrupt or written by an incompatible version: rebuild
        log.warning("search index %s unreadable (%s); rebuilding", path, exc)
        return None
    return ix


def _update_lang(index_dir: Path, lang: str, docs: list[SearchDoc], stats: IndexStats) -> None:
    path = index_dir / lang
    ix = _open_current(path, lang) if path.exists() else None
    if ix is None:
        if path.exists():
            log.info("search index %s: schema or analyzer changed, full rebuild", lang)
        _rebuild(index_dir, lang, docs)
        stats.rebuilt = True
        stats.rebuilt_langs.append(lang)
        stats.added += len(docs)
        return
    with ix.searcher() as searcher:
        stored = {f["id"]: f["revision"] for f in searcher.all_stored_fields()}
    wanted = {doc.id: doc for doc in docs}
    added = sorted(set(wanted) - set(stored))
    removed = sorted(set(stored) - set(wanted))
    updated = sorted(i for i in set(wanted) & set(stored) if wanted[i].revision != stored[i])
    stats.unchanged += len(wanted) - len(added) - len(updated)
    if not (added or removed or updated):
        ix.close()
        return
    ix.close()
    # Rewritten from the articles rather than patched: Whoosh's statistics are not exact after
    # an update. Deleted documents count until a merge, and a merge sums the lossy one-byte
    # field lengths, so an updated index ranks (by a few thousandths) unlike a fresh one. A
    # build must equal a fresh build, so a changed language gets a fresh index; unchanged
    # languages and unchanged builds are not touched.
    _rebuild(index_dir, lang, docs)
    stats.added += len(added)
    stats.updated += len(updated)
    stats.removed += len(removed)


def update_index(docs: list[SearchDoc], settings: SearchSettings) -> IndexStats:
    """Bring ``settings.index_dir`` in line with ``docs``: add, re-index changed revisions,
    remove missing articles; rebuild a language whose fingerprint changed."""
    index_dir = settings.index_dir
    by_lang: dict[str, list[SearchDoc]] = {}
    seen: set[tuple[str, str]] = set()
    for doc in docs:
        if not doc.lang or "/" in doc.lang or doc.lang.startswith("."):
            raise SearchError(f"article {doc.id!r}: invalid language code {doc.lang!r}")
        key = (doc.lang, doc.id)
        if key in seen:
            raise SearchError(
                f"article id {doc.id!r} appears twice in language {doc.lang!r}; "
                "give each article a unique id"
            )
        seen.add(key)
        by_lang.setdefault(doc.lang, []).append(doc)
    index_dir.mkdir(parents=True, exist_ok=True)
    stats = IndexStats()
    with _locked(index_dir):
        recover(index_dir)
        _write_json(index_dir / SETTINGS_FILE, settings.query_settings())
        for lang in sorted(by_lang):
            _update_lang(index_dir, lang, by_lang[lang], stats)
        for lang, path in lang_dirs(index_dir).items():
            if lang not in by_lang:
                with contextlib.suppress(Exception):
                    ix = whoosh_index.open_dir(str(path))
                    stats.removed += ix.doc_count()
                    ix.close()
                old = index_dir / f".old-{lang}-{uuid.uuid4().hex[:8]}"
                path.rename(old)
                shutil.rmtree(old, ignore_errors=True)
    log.info(
        "search index: %d added, %d updated, %d removed, %d unchanged%s",
        stats.added,
        stats.updated,
        stats.removed,
        stats.unchanged,
        f", rebuilt {', '.join(stats.rebuilt_langs)}" if stats.rebuilt else "",
    )
    return stats
