"""Related articles: Whoosh's key-term expansion ("more like this"), per language.

For each article Whoosh picks its most distinctive terms (Bo1 model over the article's title,
keywords and body); candidates are scored with the same BM25F contributions as searches, each
term weighted by its key-term weight. Term postings are cached across articles, which keeps
this linear in practice (key terms repeat across a help center).
"""

from __future__ import annotations

import logging

from kbgen.search.engine import Engine, term_scores
from kbgen.search.model import SearchDoc, SearchSettings

log = logging.getLogger(__name__)

KEY_TERMS = 12


def related(
    settings: SearchSettings, docs: list[SearchDoc], *, limit: int = 5
) -> dict[tuple[str, str], list[str]]:
    """(lang, id) → ids of up to ``limit`` similar articles in the same language.

    Call after :func:`update_index` with the same docs. Ties go to the smaller id so the result
    is the same for every build of the same articles.
    """
    out: dict[tuple[str, str], list[str]] = {}
    if not docs:
        return out
    with Engine(settings.index_dir, settings) as engine:
        weights = settings.field_weights()
        weights = {"title": weights["title"], "body": weights["body"]}
        caches: dict[str, dict[str, dict[int, float]]] = {}
        for doc in docs:
            index = engine.langs.get(doc.lang)
            if index is None:
                out[(doc.lang, doc.id)] = []
                continue
            cache = caches.setdefault(doc.lang, {})
            text = "\n".join([doc.title, *doc.keywords, doc.body])
            scores: dict[int, float] = {}
            for term, weight in index.searcher.key_terms_from_text("body", text, KEY_TERMS):
                if term not in cache:
                    cache[term] = term_scores(index.searcher, term, weights)
                for docnum, value in cache[term].items():
                    scores[docnum] = scores.get(docnum, 0.0) + value * weight
            ranked = sorted(
                (-score, index.ids[docnum])
                for docnum, score in scores.items()
                if index.ids[docnum] != doc.id
            )
            out[(doc.lang, doc.id)] = [doc_id for _, doc_id in ranked[:limit]]
    log.info("related articles computed for %d articles", len(out))
    return out
