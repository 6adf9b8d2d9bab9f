"""Related articles: Whoosh's key-term expansion ("more like this"), per language.

For each article Whoosh picks its most distinctive terms (Bo1 model over the article's title,
keywords and body); candidates are scored with the same BM25F contributions as searches, each
term weighted by its key-term weight. Term postings are cached across articles, which keeps
this linear in practice (key terms repeat across a help center).
"""

from __future__ import annotations

import contextlib
import heapq
import logging

from whoosh import classify

from kbgen.search.engine import Engine
from kbgen.search.model import SearchDoc, SearchSettings

log = logging.getLogger(__name__)

KEY_TERMS = 12


def related(
    settings: SearchSettings,
    docs: list[SearchDoc],
    *,
    limit: int = 5,
    engine: Engine | None = None,
) -> dict[tuple[str, str], list[str]]:
    """(lang, id) → ids of up to ``limit`` similar articles in the same language.

    Call after :func:`update_index` with the same docs. Ties go to the smaller id so the result
    is the same for every build of the same articles.
    """
    out: dict[tuple[str, str], list[str]] = {}
    if not docs:
        return out
    opened = contextlib.nullcontext(engine) if engine else Engine(settings.index_dir, settings)
    with opened as engine:
        # The search weights: the export reuses the same scores, and a shared section counts.
        weights = settings.field_weights()
        cfs: dict[str, dict[str, float | None]] = {}
        for doc in docs:
            index = engine.langs.get(doc.lang)
            if index is None:
                out[(doc.lang, doc.id)] = []
                continue
            frequencies = cfs.setdefault(doc.lang, {})
            text = "\n".join([doc.title, *doc.keywords, doc.body])
            scores: dict[int, float] = {}
            for term, weight in _key_terms(index.searcher.reader(), text, frequencies):
                for docnum, value in index.scores(term, weights).items():
                    scores[docnum] = scores.get(docnum, 0.0) + value * weight
            ids = index.ids
            ranked = heapq.nsmallest(
                limit + 1, ((-score, ids[docnum]) for docnum, score in scores.items())
            )
            out[(doc.lang, doc.id)] = [i for _, i in ranked if i != doc.id][:limit]
    log.info("related articles computed for %d articles", len(out))
    return out


def _key_terms(reader, text: str, frequencies: dict[str, float | None]) -> list[tuple[str, float]]:
    """Whoosh's ``key_terms_from_text("body", text, KEY_TERMS)`` (Bo1, normalized), with each
    term's collection frequency looked up once per build instead of once per article: the
    lookups were most of the time related articles took."""
    field = reader.schema["body"]
    model = classify.Bo1Model(reader.doc_count_all(), reader.field_length("body"))
    top: dict[str, float] = {}
    total = 0.0
    for btext, _, weight, _ in field.index(text):
        word = field.from_bytes(btext)
        top[word] = top.get(word, 0.0) + weight
        total += weight
    scored = []
    maxweight = 0.0
    for word, weight in top.items():
        if word not in frequencies:
            btext = field.to_bytes(word)
            frequencies[word] = (
                reader.frequency("body", btext) if ("body", btext) in reader else None
            )
        cf = frequencies[word]
        if cf is None:
            continue
        score = model.score(weight, cf, total)
        maxweight = max(maxweight, score)
        scored.append((score, word))
    if not scored:
        return []
    norm = model.normalizer(maxweight, total) or 1.0
    ranked = sorted(((weight / norm, word) for weight, word in scored), key=lambda x: (-x[0], x[1]))
    return [(word, weight) for weight, word in ranked[:KEY_TERMS]]
