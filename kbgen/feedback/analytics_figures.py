"""The self-service figures as data: counts per period and language (:class:`Headline`),
per query and per article; :mod:`kbgen.feedback.analytics` computes them from events."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

FIELDS = (
    "visits",
    "searches",
    "searches_with_results",
    "clicked_searches",
    "zero_result_searches",
    "reformulated_searches",
    "contact_requests",
    "visits_with_contact",
    "readers",
    "readers_then_contact",
    "article_views",
    "contact_page_visits",
    "suggestion_visits",
    "deflected_visits",
    "answers_shown",
    "answers_helpful",
    "assistant_questions",
)
(
    VISITS,
    SEARCHES,
    WITH_RESULTS,
    CLICKED,
    ZERO,
    REFORMULATED,
    CONTACTS,
    VISITS_CONTACT,
    READERS,
    READERS_CONTACT,
    VIEWS,
    CONTACT_PAGE,
    SUGGESTION,
    DEFLECTED,
    ANSWERS_SHOWN,
    ANSWERS_HELPFUL,
    ASSISTANT_QUESTIONS,
) = range(len(FIELDS))
PERIODS = ("window", "last_7_days", "previous_7_days")
ALL = "all"


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


@dataclass
class Headline:
    """The counts of one period and language, and the rates derived from them."""

    counts: list[int] = field(default_factory=lambda: [0] * len(FIELDS))

    def __getattr__(self, name: str) -> int:
        try:
            return self.counts[FIELDS.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    def add(self, vector: Sequence[int]) -> None:
        counts = self.counts
        for i, value in enumerate(vector):
            counts[i] += value

    @property
    def self_service_score(self) -> float | None:
        """Visits per contact request (Zendesk's self-service score)."""
        return _ratio(self.counts[VISITS], self.counts[CONTACTS])

    @property
    def click_through_rate(self) -> float | None:
        """Share of searches with results after which a result was opened."""
        return _ratio(self.counts[CLICKED], self.counts[WITH_RESULTS])

    @property
    def zero_result_rate(self) -> float | None:
        return _ratio(self.counts[ZERO], self.counts[SEARCHES])

    @property
    def reformulation_rate(self) -> float | None:
        return _ratio(self.counts[REFORMULATED], self.counts[SEARCHES])

    @property
    def contact_after_reading_rate(self) -> float | None:
        return _ratio(self.counts[READERS_CONTACT], self.counts[READERS])

    @property
    def deflection_rate(self) -> float | None:
        """Share of contact-page visits that opened a suggestion and did not send."""
        return _ratio(self.counts[DEFLECTED], self.counts[CONTACT_PAGE])

    @property
    def answer_helpful_rate(self) -> float | None:
        return _ratio(self.counts[ANSWERS_HELPFUL], self.counts[ANSWERS_SHOWN])

    RATES = (
        "self_service_score",
        "click_through_rate",
        "zero_result_rate",
        "reformulation_rate",
        "contact_after_reading_rate",
        "deflection_rate",
        "answer_helpful_rate",
    )


@dataclass
class QueryFigures:
    lang: str
    query: str
    searches: int = 0
    results: int = 0  # the most results seen for the query
    clicked: int = 0
    zero: int = 0
    reformulated: int = 0
    ended_in_contact: int = 0
    helped: int = 0  # not clicked, but its instant answer was marked helpful
    next_queries: Counter[str] = field(default_factory=Counter)

    @property
    def failed(self) -> int:
        """Searches after which no result was opened and no instant answer helped."""
        return self.searches - self.clicked - self.helped

    @property
    def top_reformulation(self) -> str:
        return self.next_queries.most_common(1)[0][0] if self.next_queries else ""


@dataclass
class ArticleUse:
    id: str
    lang: str
    views: int = 0
    readers: int = 0
    readers_then_contact: int = 0
    voted_no: int = 0
    failed: int = 0  # visits that wrote in after reading it or voted "no"

    @property
    def contact_after_reading_rate(self) -> float | None:
        return _ratio(self.readers_then_contact, self.readers)


@dataclass
class Analytics:
    today: dt.date
    since: dt.date | None
    #: period → language (and "all") → figures
    periods: dict[str, dict[str, Headline]]
    queries: dict[tuple[str, str], QueryFigures]
    articles: dict[tuple[str, str], ArticleUse]
    assistant_outcomes: dict[tuple[str, str], int]
    #: (day, visits, contact requests) for the chart
    daily: list[tuple[dt.date, int, int]]

    @property
    def langs(self) -> list[str]:
        return sorted(k for k in self.periods["window"] if k != ALL)

    def top(self, key: str, limit: int = 20, *, where: str = "") -> list[QueryFigures]:
        """Queries ranked by ``key`` (desc), then by searches, then alphabetically; only those
        where ``key`` is positive (and, with ``where="no_click"``, never clicked)."""
        chosen = [
            q
            for q in self.queries.values()
            if getattr(q, key) > 0 and (where != "no_click" or q.clicked == 0)
        ]
        chosen.sort(key=lambda q: (-getattr(q, key), -q.searches, q.lang, q.query))
        return chosen[:limit]

    def ranked_articles(self, limit: int | None = None) -> list[ArticleUse]:
        ranked = sorted(
            self.articles.values(), key=lambda a: (-a.failed, -a.readers, -a.views, a.id, a.lang)
        )
        return ranked if limit is None else ranked[:limit]
