"""Writers' search regression tests: every ``questions:`` entry must find its own article.

``kbgen check`` (and every build) indexes the published articles into a temporary folder,
asks each listed question in the article's language exactly as the site's search would, and
reports each question whose article is not among the first :data:`TOP` results.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from kbgen.search.engine import Engine
from kbgen.search.indexer import update_index
from kbgen.search.model import SearchDoc, SearchSettings

TOP = 3  # a customer reads the first few results; below that the article is as good as lost


@dataclass(frozen=True)
class QuestionResult:
    article_id: str
    lang: str
    index: int  # position in the article's ``questions:`` list, from 0
    question: str
    rank: int | None  # 1-based rank of the article, None when not in the first 10
    top: list[str]  # ids of the first results, for the message

    @property
    def passed(self) -> bool:
        return self.rank is not None and self.rank <= TOP


def run_questions(docs: list[SearchDoc], settings: SearchSettings) -> list[QuestionResult]:
    """Rank every listed question against ``docs``; results in article and list order."""
    if not any(doc.questions for doc in docs):
        return []
    work = Path(tempfile.mkdtemp(prefix="kbgen-questions-"))
    quiet = logging.getLogger("kbgen.search")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # a scratch index: its progress is no news to the writer
    try:
        local = replace(settings, index_dir=work)
        update_index(docs, local)
        out: list[QuestionResult] = []
        with Engine(work, local) as engine:
            for doc in sorted(docs, key=lambda d: (d.lang, d.id)):
                for n, question in enumerate(doc.questions):
                    hits = engine.search(question, limit=10, lang=doc.lang)
                    ids = [h.id for h in hits]
                    rank = ids.index(doc.id) + 1 if doc.id in ids else None
                    out.append(QuestionResult(doc.id, doc.lang, n, question, rank, ids[:TOP]))
        return out
    finally:
        quiet.setLevel(level)
        shutil.rmtree(work, ignore_errors=True)
