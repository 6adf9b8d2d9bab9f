"""Answers from passages: the best passage for a question and how sure kbgen is of it.

Passages (kbgen/search/passages.py) are indexed as documents of their own in
``<index_dir>/passages/`` with the articles' settings, so they are ranked exactly like articles
— in Python here and in the browser by a second ``createSearch`` on ``…/search/passages/``.

Confidence (mirrored by ``answerOf`` in search.js, the same float64 operations):

    confidence = coverage × (s1 − s2) / s1 × min(1, words / 3)   (0 for a single word)

``s1`` is the best passage's score, ``s2`` the score of the best passage of *another* article
among the first :data:`CANDIDATES` (none: margin 1) — sections of the same article do not
compete, they are alternatives. ``coverage`` is the share of the question's word groups the
best passage matches, ``words`` the number of searched word groups: "Hilfe" or "Rechnung" is a
keyword, not a question, and gets no instant answer on its own. A passage that covers the
whole question and clearly beats every other article scores near 1; one that matches half the
words, or ties with another article, low.
An answer is shown when the confidence reaches the site's ``search.answer_threshold``
(:meth:`SearchSettings.answer_threshold_for`; default
:data:`kbgen.search.model.DEFAULT_ANSWER_THRESHOLD`, see ``bench/answers.py`` and
docs/answers.md for coverage and precision per threshold).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from kbgen.search.engine import Engine, Results
from kbgen.search.model import Hit, SearchDoc, SearchSettings

PASSAGES_DIR = "passages"
ALTERNATIVES = 2
CANDIDATES = 10  # passages ranked to find the runner-up article
QUESTION_WORDS = 3  # an answer needs a question: fewer searched words lower the confidence


def passage_settings(settings: SearchSettings) -> SearchSettings:
    """The articles' settings for the passage index beside theirs."""
    return replace(settings, index_dir=Path(settings.index_dir) / PASSAGES_DIR)


def passage_docs(docs: list[SearchDoc]) -> list[SearchDoc]:
    """One search document per passage: id ``<article id>#<anchor>``, the heading as title,
    the article's title as section text (so its words find the passage too)."""
    out = []
    for doc in docs:
        for passage in doc.passages:
            lead = not passage.anchor
            out.append(
                SearchDoc(
                    id=f"{doc.id}#{passage.anchor}",
                    lang=doc.lang,
                    title=passage.heading,
                    url=doc.url + (f"#{passage.anchor}" if passage.anchor else ""),
                    keywords=list(doc.keywords) if lead else [],
                    category=doc.category,
                    category_slug=doc.category_slug,
                    section=doc.title,
                    body=passage.text,
                    questions=list(doc.questions) if lead else [],
                    html=passage.html,
                )
            )
    return out


def confidence(hits: list[Hit]) -> float:
    """See the module docstring; 0 without hits."""
    if not hits or hits[0].score <= 0 or hits[0].groups < 2:
        return 0.0  # nothing found, or a single word: a keyword, never an answer
    best = hits[0].score
    article = hits[0].id.partition("#")[0]
    rival = next((h for h in hits[1:CANDIDATES] if h.id.partition("#")[0] != article), None)
    margin = (best - rival.score) / best if rival is not None else 1.0
    specific = min(1.0, hits[0].groups / QUESTION_WORDS)
    return hits[0].coverage * margin * specific


@dataclass
class PassageHit:
    article_id: str
    anchor: str
    heading: str
    article_title: str
    text: str
    html: str
    url: str  # site-relative, with the anchor
    score: float

    def as_json(self, base_url: str = "") -> dict[str, object]:
        return {
            "article": self.article_id,
            "anchor": self.anchor,
            "question": self.heading,
            "title": self.article_title,
            "text": self.text,
            "html": self.html,
            "url": base_url + self.url,
            "score": self.score,
        }


@dataclass
class Answer:
    query: str
    lang: str
    confidence: float
    shown: bool  # confidence reached the threshold
    best: PassageHit | None
    alternatives: list[PassageHit] = field(default_factory=list)
    corrected: str | None = None


class Answerer:
    """Answers questions from the passage index (keeps it open across questions)."""

    def __init__(self, index_dir: Path | str, settings: SearchSettings | None = None):
        base = Path(index_dir)
        self.engine = Engine(base / PASSAGES_DIR, passage_settings(settings) if settings else None)

    def __enter__(self) -> Answerer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.close()

    def answer(self, query: str, lang: str, *, threshold: float | None = None) -> Answer:
        """``threshold``: the confidence to show the answer; default the site's
        ``search.answer_threshold`` for ``lang`` (saved with the index)."""
        result: Results = self.engine.query(query, lang=lang, limit=CANDIDATES)
        hits = result.hits
        found = [self._passage(hit) for hit in hits[: 1 + ALTERNATIVES]]
        score = confidence(hits)
        if threshold is None:
            threshold = self.engine.settings.answer_threshold_for(lang)
        return Answer(
            query=query,
            lang=lang,
            confidence=score,
            shown=bool(hits) and threshold is not None and score >= threshold,
            best=found[0] if found else None,
            alternatives=found[1:],
            corrected=result.corrected,
        )

    def _passage(self, hit: Hit) -> PassageHit:
        stored = self.engine.langs[hit.lang].searcher.document(id=hit.id) or {}
        article_id, _, anchor = hit.id.partition("#")
        return PassageHit(
            article_id=article_id,
            anchor=anchor,
            heading=hit.title,
            article_title=stored.get("section_title", ""),
            text=stored.get("body_text", ""),
            html=stored.get("html", ""),
            url=hit.url,
            score=hit.score,
        )
