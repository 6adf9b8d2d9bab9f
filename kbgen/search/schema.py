"""The Whoosh schema per language and the fingerprint that says when an index must be rebuilt."""

from __future__ import annotations

import hashlib
import json

import whoosh
from whoosh import fields

from kbgen.search.analysis import ANALYZER_VERSION, KbAnalyzer, PairAnalyzer, SurfaceAnalyzer

SCHEMA_VERSION = 3
# Scored fields in the fixed order their contributions are summed (browser and Python alike).
# ``parts``: compound parts of every word (German); ``title_pairs``/``pairs``: adjacent word
# pairs of the title and of questions and keywords (proximity).
SCORED_FIELDS = (
    "title",
    "questions",
    "keywords",
    "section",
    "body",
    "parts",
    "title_pairs",
    "pairs",
)
# Whoosh's BM25F defaults; kept explicit because the export bakes them into the shards.
BM25_B = 0.75
BM25_K1 = 1.2


def build_schema(lang: str) -> fields.Schema:
    analyzer = KbAnalyzer(lang)
    pairs = PairAnalyzer(lang)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        revision=fields.STORED(),
        title=fields.TEXT(analyzer=analyzer, phrase=False, stored=True),
        questions=fields.TEXT(analyzer=analyzer, phrase=False),
        keywords=fields.TEXT(analyzer=analyzer, phrase=False),
        section=fields.TEXT(analyzer=analyzer, phrase=False),
        body=fields.TEXT(analyzer=analyzer, phrase=False),
        parts=fields.TEXT(analyzer=analyzer, phrase=False),
        title_pairs=fields.TEXT(analyzer=pairs, phrase=False),
        pairs=fields.TEXT(analyzer=pairs, phrase=False),
        # Unstemmed surface words: the vocabulary for prefix completion and "did you mean".
        words=fields.TEXT(analyzer=SurfaceAnalyzer(lang), phrase=False),
        url=fields.STORED(),
        category=fields.STORED(),
        category_slug=fields.STORED(),
        section_title=fields.STORED(),
        keywords_list=fields.STORED(),
        questions_list=fields.STORED(),
        html=fields.STORED(),  # passage indexes: the passage's safe HTML
        body_text=fields.STORED(),
        promoted=fields.STORED(),
    )


def fingerprint(lang: str) -> str:
    """Changes whenever an index written before could not be read or scored the same way."""
    payload = json.dumps(
        {
            "schema": SCHEMA_VERSION,
            "analyzer": ANALYZER_VERSION,
            "lang": lang,
            "whoosh": whoosh.versionstring(),
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
