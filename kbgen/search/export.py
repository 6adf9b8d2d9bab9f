"""Static search files for the browser, exported from the Whoosh index.

``out_dir`` (``<site>/assets/kbgen/search``) receives ``manifest.json`` and one directory per
language named ``<lang>-<content hash>`` (safe to cache forever), holding:

* ``t<n>.json`` — term shards: ``{term: [doc deltas, values]}`` or ``[deltas, values, idx]``
  where ``values`` are the distinct contributions and ``idx`` points into them per posting.
  A term lives in shard ``fnv1a32(utf8(term)) % shards``.
* ``p<n>.json`` — word-pair shards, the same format for pair terms ``"a b"``, in shard
  ``fnv1a32(utf8(pair)) % pairs`` (small: only multi-word queries fetch one).
  Documents are numbered by id order; values are the float64 numbers
  :func:`kbgen.search.engine.term_scores` computes, written with Python's shortest
  round-trip repr, which JavaScript parses back to the same double.
* ``w<n>.json`` — completion vocabulary: ``{first two letters: [[word, df, display?], ...]}``,
  shard ``fnv1a32(utf8(first two letters)) % words``.
* ``d<k>.json`` — display records of documents ``k*chunk … k*chunk+chunk-1``:
  ``[id, title, url, category, category_slug, section, text]`` plus, in the passage export,
  the passage's safe HTML.
* ``c.json`` — category of each document (for the category filter), fetched only when used.
* ``a.json`` — passage exports only: the article number of each document (for confidence).

The bytes depend only on the indexed content and the settings, not on the index's history.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import shutil
from pathlib import Path

from kbgen.search.analysis import COMPOUND_LANGS, stopwords
from kbgen.search.engine import (
    MAX_GROUPS,
    PREFIX_EXPANSIONS,
    PREFIX_MIN_CHARS,
    Engine,
    LangIndex,
    iter_terms,
    synonym_table,
)
from kbgen.search.model import ExportStats, SearchSettings

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
TERM_SHARD_BYTES = 24_000  # raw JSON per term shard; ≈ 8–10 KB gzip
# Word pairs live in small shards of their own: only multi-word queries need them, and one
# pair's postings are short (co-located with their first word they inflated the shards of
# title words, which single-word queries fetch, by a fifth).
PAIR_SHARD_BYTES = 4_000
WORD_SHARD_BYTES = 12_000
DOCS_PER_CHUNK = 4


def fnv1a32(text: str) -> int:
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def _dumps(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def encode_postings(postings: list[tuple[int, float]]) -> list[list]:
    """Delta-coded doc numbers plus values, with a value dictionary when it is shorter."""
    deltas, previous = [], 0
    for doc, _ in postings:
        deltas.append(doc - previous)
        previous = doc
    values = [v for _, v in postings]
    distinct = sorted(set(values), reverse=True)
    if len(distinct) * 2 < len(values):
        where = {v: i for i, v in enumerate(distinct)}
        return [deltas, distinct, [where[v] for v in values]]
    return [deltas, values]


def decode_postings(entry: list[list]) -> list[tuple[int, float]]:
    """Inverse of :func:`encode_postings` (used by tests)."""
    deltas, values = entry[0], entry[1]
    if len(entry) == 3:
        values = [values[i] for i in entry[2]]
    docs, total = [], 0
    for delta in deltas:
        total += delta
        docs.append(total)
    return list(zip(docs, values, strict=True))


def _snippet_source(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit]


def _shard(items: dict[str, object], target: int) -> list[dict[str, object]]:
    """Spread ``items`` over hash shards of about ``target`` raw bytes each."""
    total = sum(len(_dumps(k)) + len(_dumps(v)) + 2 for k, v in items.items())
    count = max(1, math.ceil(total / target))
    shards: list[dict[str, object]] = [{} for _ in range(count)]
    for key, value in items.items():
        shards[fnv1a32(key) % count][key] = value
    return shards


def _lang_files(index: LangIndex, settings: SearchSettings) -> tuple[dict[str, bytes], dict]:
    searcher = index.searcher
    live = [d for d, doc_id in enumerate(index.ids) if doc_id is not None]
    live.sort(key=lambda d: index.ids[d])
    canonical = {whoosh_doc: rank for rank, whoosh_doc in enumerate(live)}
    weights = settings.field_weights()

    entries: dict[str, object] = {}
    pairs: dict[str, object] = {}
    for term in iter_terms(searcher):
        scores = index.scores(term, weights)
        if scores:
            encoded = encode_postings(sorted((canonical[d], v) for d, v in scores.items()))
            (pairs if " " in term else entries)[term] = encoded
    files: dict[str, bytes] = {}
    term_shards = _shard(entries, TERM_SHARD_BYTES)
    for n, shard in enumerate(term_shards):
        files[f"t{n}.json"] = _dumps(shard)
    pair_shards = _shard(pairs, PAIR_SHARD_BYTES) if pairs else []
    for n, shard in enumerate(pair_shards):
        files[f"p{n}.json"] = _dumps(shard)

    by_prefix: dict[str, list] = {}
    vocabulary = index.vocabulary
    for key in vocabulary.keys:
        display, df = vocabulary.entries[key]
        row: list = [key, df] if display == key else [key, df, display]
        by_prefix.setdefault(key[:2], []).append(row)
    word_shards = _shard(by_prefix, WORD_SHARD_BYTES)  # type: ignore[arg-type]
    for n, shard in enumerate(word_shards):
        files[f"w{n}.json"] = _dumps(shard)

    cats: dict[str, int] = {}
    cat_rows: list[list[str]] = []
    doc_cats: list[int] = []
    records = []
    for whoosh_doc in live:
        stored = searcher.stored_fields(whoosh_doc)
        slug = stored.get("category_slug", "")
        if slug not in cats:
            cats[slug] = len(cat_rows)
            cat_rows.append([slug, stored.get("category", "")])
        doc_cats.append(cats[slug])
        records.append(
            [
                stored["id"],
                stored["title"],
                stored["url"],
                stored.get("category", ""),
                slug,
                stored.get("section_title", ""),
                _snippet_source(stored.get("body_text", ""), settings.snippet_chars),
            ]
            + ([stored["html"]] if stored.get("html") else [])
        )
    for k in range(0, len(records), DOCS_PER_CHUNK):
        files[f"d{k // DOCS_PER_CHUNK}.json"] = _dumps(records[k : k + DOCS_PER_CHUNK])
    files["c.json"] = _dumps({"cats": cat_rows, "docs": doc_cats})
    ids = [str(index.ids[d]) for d in live]
    if any("#" in i for i in ids):
        # Passage exports: the article of each passage (a number per document), so the browser
        # finds the best other article's passage (confidence) without its display record.
        numbers: dict[str, int] = {}
        files["a.json"] = _dumps(
            [numbers.setdefault(i.partition("#")[0], len(numbers)) for i in ids]
        )

    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    meta = {
        "dir": f"{index.lang}-{digest.hexdigest()[:12]}",
        "docs": len(live),
        "terms": len(term_shards),
        "pairs": len(pair_shards),
        "words": len(word_shards),
        "chunk": DOCS_PER_CHUNK,
        "compounds": index.lang in COMPOUND_LANGS,
        "stop": sorted(stopwords(index.lang)),
        "syn": {k: list(v) for k, v in synonym_table(settings.synonyms, index.lang).items()},
    }
    log.info(
        "search export %s: %d documents, %d terms in %d shards",
        index.lang,
        len(live),
        len(entries),
        len(term_shards),
    )
    return files, meta


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def export_static(
    settings: SearchSettings, out_dir: Path, *, engine: Engine | None = None
) -> ExportStats:
    """Write the browser's search files for every language index to ``out_dir``.

    ``engine``: an open engine on ``settings.index_dir`` to reuse (and leave open)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stats = ExportStats()
    manifest: dict[str, object] = {
        "format": FORMAT_VERSION,
        "mode": settings.mode,
        "maxGroups": MAX_GROUPS,
        "compounds": settings.compounds,
        "typos": settings.typos,
        "proximity": settings.proximity,
        "prefix": {"expansions": PREFIX_EXPANSIONS, "minChars": PREFIX_MIN_CHARS},
        "langs": {},
    }
    keep = {MANIFEST, "passages"}  # the passage export lives inside the articles' folder
    opened = contextlib.nullcontext(engine) if engine else Engine(settings.index_dir, settings)
    with opened as engine:
        for lang, index in sorted(engine.langs.items()):
            files, meta = _lang_files(index, settings)
            target = out_dir / str(meta["dir"])
            keep.add(target.name)
            if not target.is_dir():  # same name = same content: nothing to write
                staging = out_dir / f".{target.name}.tmp"
                shutil.rmtree(staging, ignore_errors=True)
                staging.mkdir()
                for name, data in files.items():
                    (staging / name).write_bytes(data)
                staging.rename(target)
            # Per language, null: no instant answers (search.answer_threshold).
            meta["answerThreshold"] = settings.answer_threshold_for(lang)
            manifest["langs"][lang] = meta  # type: ignore[index]
            stats.langs.append(lang)
            stats.docs += int(meta["docs"])
            stats.files += len(files)
            stats.bytes += sum(len(b) for b in files.values())
            stats.terms += sum(len(json.loads(files[f"t{n}.json"])) for n in range(meta["terms"]))
            stats.terms += sum(len(json.loads(files[f"p{n}.json"])) for n in range(meta["pairs"]))
    data = _dumps(manifest)
    _write(out_dir / MANIFEST, data)
    stats.files += 1
    stats.bytes += len(data)
    for child in out_dir.iterdir():
        if child.name not in keep:
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink()
    return stats
