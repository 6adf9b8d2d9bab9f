"""Answering queries from the Whoosh index — the reference the browser client reproduces.

Scoring. BM25 per field with one document-level idf per term (:class:`DocumentIdfBM25F`, a
Whoosh weighting model) gives each (field, term, document) a score that depends only on
statistics fixed at build time; a term's contribution to a document is the sum of its field
scores times the field weights, added in :data:`SCORED_FIELDS` order. :func:`term_scores` is the
single place computing it: the static export stores exactly these floats.

Query semantics (identical in ``search.js``):

* each query word becomes a *group* of alternative terms: its own analysed terms, the terms of
  configured synonyms and, for the word being typed (``prefix=True``), the terms of the most
  frequent corpus words it starts; a document's group score is the best alternative's
  contribution (synonyms do not add up);
* a document's score is the sum of its group scores, in query order;
* ``mode="coord"`` (default) multiplies the score by the share of groups the document
  matches (Lucene's classic coordination factor): documents answering more of the question
  rise, yet a strong partial match still shows up; ``"and"`` keeps only documents matching
  every group, falling back to OR when none does; ``"or"`` ranks by the plain sum. On the dev
  FAQ set coord beats both (see docs/search.md for the figures);
* ties go to the document whose id sorts first (then language), so the order is stable and
  independent of the index's history.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.searching import Searcher

from kbgen.search.analysis import (
    COMPOUND_LANGS,
    fold,
    part_terms,
    split_compound,
    tokenize,
    word_terms,
)
from kbgen.search.indexer import lang_dirs, saved_settings
from kbgen.search.model import Hit, SearchError, SearchSettings
from kbgen.search.schema import BM25_B, BM25_K1, SCORED_FIELDS
from kbgen.search.vocabulary import Vocabulary

MAX_GROUPS = 32  # longer queries are cut: bounds work for pasted text
SCORE_CACHE = 500_000  # remembered term postings per language index (a build needs them all)
PREFIX_EXPANSIONS = 8  # completions of the word being typed that take part in the query
PREFIX_MIN_CHARS = 2
_ENDS_IN_WORD = re.compile(r"[^\W_]\Z")


class DocumentIdfBM25F(scoring.BM25F):
    """Whoosh's BM25F per field, with one inverse document frequency per term for all fields:
    Robertson–Spärck Jones ``log(1 + (N - df + 0.5) / (df + 0.5))`` over the documents that
    hold the term in *any* scored field.

    Whoosh's own idf is per field and ``log(N / (df + 1)) + 1``: a word common in the answers
    but rare in titles counted as rare in titles, and a word in half the documents still
    weighed more than half as much as a word found once. Measured by 5-fold cross-validation
    on the development questions (docs/search.md). One model serves one searcher (the df of
    a term is remembered)."""

    def __init__(self, B: float = BM25_B, K1: float = BM25_K1) -> None:
        super().__init__(B=B, K1=K1)
        self._idf: dict[str, float] = {}

    def idf(self, searcher: Searcher, text: str | bytes) -> float:
        term = text.decode("utf-8") if isinstance(text, bytes) else text
        found = self._idf.get(term)
        if found is None:
            reader = searcher.reader()
            docs: set[int] = set()
            for name in SCORED_FIELDS:
                if (name, term) in reader:
                    docs.update(reader.postings(name, term).all_ids())
            total, df = reader.doc_count_all(), len(docs)
            found = self._idf[term] = math.log(1 + (total - df + 0.5) / (df + 0.5))
        return found

    def scorer(self, searcher: Searcher, fieldname: str, text: str | bytes, qf: int = 1):
        if not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf=qf)
        return _DocumentIdfScorer(searcher, fieldname, text, self, qf=qf)


class _DocumentIdfScorer(scoring.BM25FScorer):
    def __init__(self, searcher, fieldname, text, model: DocumentIdfBM25F, qf: int = 1) -> None:
        parent = searcher.get_parent()  # global statistics, as Whoosh's own scorer
        self.idf = model.idf(parent, text)
        self.avgfl = parent.avg_field_length(fieldname) or 1
        self.B = model._field_B.get(fieldname, model.B)
        self.K1 = model.K1
        self.qf = qf
        self.setup(searcher, fieldname, text)


def weighting() -> scoring.BM25F:
    return DocumentIdfBM25F(B=BM25_B, K1=BM25_K1)


def term_scores(searcher: Searcher, term: str, weights: dict[str, float]) -> dict[int, float]:
    """Whoosh docnum → the term's weighted BM25F contribution, summed over fields in order."""
    reader = searcher.reader()
    out: dict[int, float] = {}
    for name in SCORED_FIELDS:
        weight = weights.get(name, 0.0)
        if not weight or (name, term) not in reader:
            continue
        matcher = searcher.postings(name, term)
        while matcher.is_active():
            docnum = matcher.id()
            # Same operation as Whoosh's boosted Term query: score() * boost.
            out[docnum] = out.get(docnum, 0.0) + matcher.score() * weight
            matcher.next()
    return out


def synonym_table(synonyms: list[list[str]], lang: str) -> dict[str, tuple[str, ...]]:
    """term → other terms of its synonym groups (single-word entries only)."""
    table: dict[str, set[str]] = {}
    for group in synonyms:
        terms: set[str] = set()
        for entry in group:
            words = [word_terms(fold(w, lang), lang) for w in tokenize(entry)]
            words = [w for w in words if w]
            if len(words) == 1:  # a phrase cannot be matched word by word; skip it
                terms.update(words[0])
        for term in terms:
            table.setdefault(term, set()).update(terms - {term})
    return {t: tuple(sorted(alts)) for t, alts in sorted(table.items()) if alts}


def _like(typed: str, word: str) -> str:
    """``word`` capitalised when the customer capitalised (mirrors ``like`` in search.js)."""
    first = typed[:1]
    if first and first == first.upper() and first != first.lower() and word:
        return word[0].upper() + word[1:]
    return word


@dataclass
class Plan:
    """What a query asks one language index: word groups, pair bonuses, corrections."""

    groups: list[tuple[str, ...]] = field(default_factory=list)
    pairs: list[str] = field(default_factory=list)
    corrected: list[tuple[str, str]] = field(default_factory=list)  # (typed word, searched)
    words: list[str] = field(default_factory=list)  # the query's words as searched

    @property
    def terms(self) -> set[str]:
        return {t for g in self.groups for t in g} | set(self.pairs)

    def corrected_query(self) -> str | None:
        return " ".join(self.words) if self.corrected else None


def plan_groups(
    query: str,
    lang: str,
    synonyms: dict[str, tuple[str, ...]],
    vocabulary: Vocabulary | None = None,
) -> list[tuple[str, ...]]:
    """The query's word groups without corrections, splitting or pairs (related articles)."""
    return plan_query(query, lang, synonyms, vocabulary, prefix=vocabulary is not None).groups


def plan_query(
    query: str,
    lang: str,
    synonyms: dict[str, tuple[str, ...]],
    vocabulary: Vocabulary | None,
    *,
    prefix: bool = False,
    known: Callable[[str], bool] | None = None,
    compounds: bool = False,
    typos: bool = False,
    proximity: bool = False,
) -> Plan:
    """The query's groups, in query order (see the module docstring). ``known(term)`` tells
    whether the index holds a term; without it nothing is corrected or split."""
    words = tokenize(query)
    typing = prefix and vocabulary is not None and bool(_ENDS_IN_WORD.search(query))
    plan = Plan()
    primaries: list[str | None] = []

    def add(alts: list[str]) -> None:
        for term in list(alts):
            alts.extend(synonyms.get(term, ()))
        group = tuple(sorted(set(alts)))
        if group and group not in plan.groups and len(plan.groups) < MAX_GROUPS:
            plan.groups.append(group)

    for index, word in enumerate(words):
        if len(plan.groups) >= MAX_GROUPS:
            break
        folded = fold(word, lang)
        terms = word_terms(folded, lang)
        shown = word
        parts: tuple[str, ...] = ()
        is_typed = typing and index == len(words) - 1 and len(folded) >= PREFIX_MIN_CHARS
        if is_typed and terms and not vocabulary.completions(folded, 1):  # type: ignore[union-attr]
            is_typed = False  # no corpus word starts so: a finished word, maybe a typo
        if terms and not is_typed and known is not None and vocabulary is not None:
            if compounds and lang in COMPOUND_LANGS:
                parts = split_compound(folded, vocabulary.known)
            if typos and not parts and not any(known(t) for t in terms):
                fix = vocabulary.correct(folded, lang)
                if fix is not None and fix[1]:
                    shown = _like(word, vocabulary.entries[fix[0]][0])
                    plan.corrected.append((word, shown))
                    terms = word_terms(fix[0], lang)
                elif fix is not None:  # an inflection: searched too, silently
                    terms = terms + tuple(t for t in word_terms(fix[0], lang) if t not in terms)
        plan.words.append(shown)
        alts = list(terms)
        if is_typed:
            assert vocabulary is not None
            for key in vocabulary.completions(folded, PREFIX_EXPANSIONS):
                alts.extend(word_terms(key, lang))
        add(alts)
        for term in part_terms(parts, lang):
            add([term])
        if is_typed:
            primaries.append(None)  # a half-typed word pairs with nothing
        elif terms:
            primaries.append(terms[0])  # stop words are skipped, as in the index's pairs
    if proximity:
        for a, b in zip(primaries, primaries[1:], strict=False):
            if a and b and a != b and f"{a} {b}" not in plan.pairs:
                plan.pairs.append(f"{a} {b}")
    return plan


def rank(
    groups: list[tuple[str, ...]],
    postings: dict[str, dict[int, float]],
    mode: str,
    pairs: list[str] | None = None,
) -> list[tuple[int, float, int]]:
    """(docnum, score, groups matched) for every candidate, unsorted. Pair terms add to the
    score of documents that match anyway; they never make a document a candidate or count
    as a matched group."""
    scores: dict[int, float] = {}
    matched: dict[int, int] = {}
    for group in groups:
        best: dict[int, float] = {}
        for term in group:
            for doc, value in postings.get(term, {}).items():
                if value > best.get(doc, -1.0):
                    best[doc] = value
        for doc, value in best.items():
            scores[doc] = scores.get(doc, 0.0) + value
            matched[doc] = matched.get(doc, 0) + 1
    for pair in pairs or ():
        for doc, value in postings.get(pair, {}).items():
            if doc in scores:
                scores[doc] = scores[doc] + value
    total = len(groups)
    if mode == "coord":
        return [(d, s * (matched[d] / total), matched[d]) for d, s in scores.items()]
    docs = [(d, s, matched[d]) for d, s in scores.items()]
    if mode == "and":
        every = [item for item in docs if item[2] == total]
        docs = every or docs
    return docs


class LangIndex:
    """An open language index with the per-index data queries need."""

    def __init__(self, lang: str, path: Path):
        self.lang = lang
        self.ix = whoosh_index.open_dir(str(path))
        self.searcher = self.ix.searcher(weighting=weighting())
        self._vocabulary: Vocabulary | None = None
        self.ids: list[str] = [f["id"] for f in self._stored()]
        self._scores: dict[tuple[str, tuple], dict[int, float]] = {}

    def scores(self, term: str, weights: dict[str, float]) -> dict[int, float]:
        """:func:`term_scores`, remembered: related articles and the export read the same
        postings, and reading them from Whoosh twice was a third of a build's search time."""
        key = (term, tuple(sorted(weights.items())))
        found = self._scores.get(key)
        if found is None:
            if len(self._scores) >= SCORE_CACHE:  # a long-running service meets ever new words
                self._scores.clear()
            found = self._scores[key] = term_scores(self.searcher, term, weights)
        return found

    def _stored(self) -> Iterator[dict]:
        reader = self.searcher.reader()
        for docnum in range(reader.doc_count_all()):
            if reader.is_deleted(docnum):
                yield {"id": None}
            else:
                yield reader.stored_fields(docnum)

    @property
    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = Vocabulary.from_searcher(self.searcher, self.lang)
        return self._vocabulary

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()


class Engine:
    """Keeps language indexes open across queries (the bench and tests ask many)."""

    def __init__(self, index_dir: Path | str, settings: SearchSettings | None = None):
        self.settings = settings or saved_settings(Path(index_dir))
        self.index_dir = Path(index_dir)
        found = lang_dirs(self.index_dir)
        if not found:
            raise SearchError(f"no search index in {self.index_dir}; run `kbgen build` first")
        try:
            self.langs = {lang: LangIndex(lang, path) for lang, path in found.items()}
        except Exception as exc:
            raise SearchError(
                f"search index in {self.index_dir} cannot be read ({exc}); "
                "delete the folder and run `kbgen build`"
            ) from exc
        self._synonyms = {lang: synonym_table(self.settings.synonyms, lang) for lang in self.langs}

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for index in self.langs.values():
            index.close()

    def plan(self, query: str, lang: str, *, prefix: bool = False, exact: bool = False) -> Plan:
        index = self.langs[lang]
        weights = self.settings.field_weights()
        return plan_query(
            query,
            lang,
            self._synonyms[lang],
            index.vocabulary,
            prefix=prefix,
            known=lambda term: bool(index.scores(term, weights)),
            compounds=self.settings.compounds,
            typos=self.settings.typos and not exact,
            proximity=self.settings.proximity,
        )

    def search(
        self,
        query: str,
        *,
        limit: int | None = 10,
        lang: str | None = None,
        prefix: bool = False,
        category: str | None = None,
    ) -> list[Hit]:
        return self.query(query, limit=limit, lang=lang, prefix=prefix, category=category).hits

    def query(
        self,
        query: str,
        *,
        limit: int | None = 10,
        lang: str | None = None,
        prefix: bool = False,
        category: str | None = None,
        exact: bool = False,
    ) -> Results:
        """Ranked hits plus the query as searched when words were corrected (``exact``: search
        the words as typed, the "search for the original instead" link)."""
        result = Results()
        if lang is not None and lang not in self.langs:
            return result
        chosen = [lang] if lang else sorted(self.langs)
        weights = self.settings.field_weights()
        mode = self.settings.mode
        ranked: list[tuple[tuple, str, int, float]] = []
        for code in chosen:
            index = self.langs[code]
            # Across languages a word one language lacks is usually another's, not a typo.
            plan = self.plan(query, code, prefix=prefix, exact=exact or len(chosen) > 1)
            if result.corrected is None:
                result.corrected = plan.corrected_query()
            postings = {t: index.scores(t, weights) for t in sorted(plan.terms)}
            total = len(plan.groups)
            for doc, score, matched in rank(plan.groups, postings, mode, plan.pairs):
                coverage = matched / total
                ranked.append(((-score, code, index.ids[doc]), code, doc, score, coverage, total))
        ranked.sort(key=lambda item: item[0])
        result.total = len(ranked)
        for _, code, doc, score, coverage, groups in ranked:
            stored = self.langs[code].searcher.stored_fields(doc)
            if category and stored.get("category_slug") != category:
                continue
            result.hits.append(
                Hit(
                    id=stored["id"],
                    lang=code,
                    title=stored["title"],
                    url=stored["url"],
                    score=score,
                    category=stored.get("category", ""),
                    category_slug=stored.get("category_slug", ""),
                    coverage=coverage,
                    groups=groups,
                )
            )
            if limit is not None and len(result.hits) >= limit:
                break
        return result


@dataclass
class Results:
    hits: list[Hit] = field(default_factory=list)
    corrected: str | None = None  # the query as searched, when typos were corrected
    total: int = 0  # candidates before the category filter and the limit


def search(
    settings_or_index_dir: SearchSettings | Path | str,
    query: str,
    *,
    limit: int = 10,
    lang: str | None = None,
    prefix: bool = False,
    category: str | None = None,
) -> list[Hit]:
    """Rank published articles for ``query``; see the module docstring for the semantics."""
    if isinstance(settings_or_index_dir, SearchSettings):
        settings = settings_or_index_dir
    else:  # a bare folder: rank with the settings of the build that wrote it
        settings = saved_settings(Path(settings_or_index_dir))
    with Engine(settings.index_dir, settings) as engine:
        return engine.search(query, limit=limit, lang=lang, prefix=prefix, category=category)


def iter_terms(searcher: Searcher) -> Iterable[str]:
    """Every term of the scored fields, sorted and unique."""
    reader = searcher.reader()
    terms: set[str] = set()
    for name in SCORED_FIELDS:
        with contextlib.suppress(KeyError):
            terms.update(reader.field_terms(name))
    return sorted(terms)
