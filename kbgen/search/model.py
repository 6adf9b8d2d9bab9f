"""What the search layer takes and gives: plain data, no Whoosh types."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from kbgen.exceptions import KbgenError

DEFAULT_WEIGHTS: dict[str, float] = {
    "title": 3.0,
    "questions": 2.5,
    "keywords": 2.8,
    "section": 1.5,
    "body": 1.0,
    "parts": 0.5,
    "title_pairs": 1.5,
    "pairs": 0.5,
}

#: Confidence an instant answer needs (kbgen/search/answers.py; bench/answers.py measures it).
DEFAULT_ANSWER_THRESHOLD = 0.3

#: ``search.answer_threshold``: a number 0–1, ``False`` (never an instant answer), ``None``
#: (:data:`DEFAULT_ANSWER_THRESHOLD`), or a mapping of language code to one of them.
AnswerThreshold = float | bool | None | dict[str, float | bool | None]


class SearchError(KbgenError):
    """A search index problem a user can act on (missing index, bad settings, bad docs)."""


@dataclass
class Passage:
    """One answer passage of an article (see kbgen/search/passages.py)."""

    anchor: str  # "" for the lead answer
    heading: str  # the section's heading; the article's title for the lead answer
    text: str  # plain text: indexed, and the answer for channels without HTML
    html: str  # safe HTML (the article bodies' allowlist) for the answer card


@dataclass
class SearchDoc:
    """One published article, prepared by the site layer (drafts are never passed)."""

    id: str
    lang: str
    title: str
    url: str
    keywords: list[str]
    category: str
    category_slug: str
    section: str
    body: str
    promoted: bool = False
    questions: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    html: str = ""  # a passage document's safe HTML (passage indexes only)

    @property
    def revision(self) -> str:
        """Hash of everything the index stores: equal revisions need no re-indexing."""
        payload = json.dumps(
            [
                self.id,
                self.lang,
                self.title,
                self.url,
                list(self.keywords),
                self.category,
                self.category_slug,
                self.section,
                self.body,
                self.promoted,
                list(self.questions),
                [[p.anchor, p.heading, p.text, p.html] for p in self.passages],
                self.html,
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass
class SearchSettings:
    """Search configuration; weights and synonyms apply at query time (no re-index needed)."""

    index_dir: Path = field(default_factory=lambda: Path("search_index"))
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    synonyms: list[list[str]] = field(default_factory=list)
    snippet_chars: int = 480  # body text kept per article for result snippets in the browser
    mode: str = "coord"  # query semantics, see kbgen/search/engine.py and docs/search.md
    compounds: bool = True  # split German query words into compound parts (query time)
    typos: bool = True  # correct query words the corpus does not know (query time)
    proximity: bool = True  # score adjacent query words as pairs (query time)
    #: When an answer is shown (instant answer card, the service's ``shown``); see
    #: :data:`AnswerThreshold` and :meth:`answer_threshold_for`.
    answer_threshold: AnswerThreshold = None

    # Saved with the index, so `kbgen search` and `kbgen answer` rank and answer like the site.
    QUERY_KEYS = (
        "weights",
        "synonyms",
        "mode",
        "compounds",
        "typos",
        "proximity",
        "answer_threshold",
    )

    def __post_init__(self) -> None:
        self.index_dir = Path(self.index_dir)
        unknown = sorted(set(self.weights) - set(DEFAULT_WEIGHTS))
        if unknown:
            raise SearchError(
                f"Config value 'search.weights': unknown field(s) {', '.join(unknown)}; "
                f"expected some of {', '.join(DEFAULT_WEIGHTS)}"
            )
        bad = sorted(k for k, v in self.weights.items() if not (v >= 0 and v < 1e6))
        if bad:
            raise SearchError(
                f"Config value 'search.weights': weight of {', '.join(bad)} must be a number "
                "between 0 and 1000000"
            )
        if self.mode not in ("coord", "or", "and"):
            raise SearchError(
                f"Config value 'search.mode': expected one of coord, or, and; got {self.mode!r}"
            )
        given = self.answer_threshold
        per_lang = given if isinstance(given, dict) else {"": given}
        for lang, value in per_lang.items():
            if not isinstance(lang, str) or not (lang == "" or lang.replace("-", "").isalnum()):
                raise SearchError(
                    f"Config value 'search.answer_threshold': {lang!r} is not a language code; "
                    "expected a number, false, or a mapping such as {de: 0.45, en: 0.3}"
                )
            try:
                _threshold(value)
            except ValueError:
                where = f" for {lang!r}" if lang else ""
                raise SearchError(
                    f"Config value 'search.answer_threshold'{where}: expected a number between "
                    f"0 and 1, or false for no instant answers; got {value!r}"
                ) from None

    def answer_threshold_for(self, lang: str) -> float | None:
        """The confidence an answer in ``lang`` needs to be shown; None: never shown. A mapping
        without ``lang`` gives the default."""
        given = self.answer_threshold
        return _threshold(given.get(lang) if isinstance(given, dict) else given)

    def query_settings(self) -> dict[str, object]:
        return {
            "weights": self.field_weights(),
            "synonyms": self.synonyms,
            "mode": self.mode,
            "compounds": self.compounds,
            "typos": self.typos,
            "proximity": self.proximity,
            "answer_threshold": self.answer_threshold,
        }

    def field_weights(self) -> dict[str, float]:
        """Weights of all indexed fields, defaults filled in."""
        return {name: float(self.weights.get(name, w)) for name, w in DEFAULT_WEIGHTS.items()}


@dataclass
class IndexStats:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    rebuilt: bool = False
    rebuilt_langs: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt)


@dataclass
class ExportStats:
    files: int = 0
    bytes: int = 0
    docs: int = 0
    terms: int = 0
    langs: list[str] = field(default_factory=list)


@dataclass
class Hit:
    id: str
    lang: str
    title: str
    url: str
    score: float
    category: str = ""
    category_slug: str = ""
    coverage: float = 1.0  # share of the query's word groups the document matches
    groups: int = 0  # word groups the query was searched with (in the hit's language)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "lang": self.lang,
            "title": self.title,
            "url": self.url,
            "score": self.score,
        }


def _threshold(value: object) -> float | None:
    """A configured threshold as a number, or None for never (``False``); unset (``None``) is
    the default. ``ValueError`` for anything else (``True`` has no meaning here)."""
    if value is None:
        return DEFAULT_ANSWER_THRESHOLD
    if value is False:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(value)
    return float(value)
