"""The self-service figures: is the help center answering customers, or do they write in?

Computed from the visit events (:data:`kbgen.feedback.schema.events`) in one pass over the
events ordered by visit. What each figure means, and how to act on it, is in
docs/analytics.md; the definitions here are the reference:

- a **visit** is one browser tab's events (one random id); it counts on the UTC day and in
  the language of its first event;
- a search is **clicked** when a result is opened before the visitor's next search;
- a search is **reformulated right away** when, without opening a result, reading an
  article or marking an instant answer helpful, the visitor's next search comes within
  :data:`REFORMULATE_SECONDS` and differs;
- a search **failed** when no result was opened and no instant answer was marked helpful;
- a search **ended in a contact request** when it is the visit's last search before a
  contact request was sent;
- a reader **wrote in after reading** when the visit sent a contact request after viewing
  the article; an article **failed** a visit that wrote in after reading it or voted "no";
- a contact-page visit was **deflected** when it opened a suggested article and sent no
  request afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from kbgen.feedback import schema
from kbgen.feedback.store import Store

REFORMULATE_SECONDS = 60
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


def _analyse_visit(
    events: list[tuple],
    lang: str,
    detail: bool,
    queries: dict[tuple[str, str], QueryFigures],
    articles: dict[tuple[str, str], ArticleUse],
    outcomes: Counter[tuple[str, str]],
) -> list[int]:
    """The visit's contribution to the counts; with ``detail`` also to the per-query,
    per-article and assistant tallies. ``events``: (kind, t, article_id, query, number,
    value) in visit order."""
    vec = [0] * len(FIELDS)
    vec[VISITS] = 1
    last_contact = -1
    for i, ev in enumerate(events):
        if ev[0] == "contact_sent":
            last_contact = i
    # [query, results, t, clicked, read, ended_in_contact, answer helped]
    current: list | None = None
    finished: list[list] = []
    reformulations: list[tuple[str, str]] = []
    first_view: dict[str, int] = {}
    voted_no: set[str] = set()
    contact_page = False
    first_suggestion = -1
    for i, (kind, t, article_id, query, number, value) in enumerate(events):
        if kind == "search":
            vec[SEARCHES] += 1
            if number:
                vec[WITH_RESULTS] += 1
            else:
                vec[ZERO] += 1
            if current is not None:
                if (
                    not current[3]
                    and not current[4]
                    and not current[6]
                    and query != current[0]
                    and t - current[2] <= REFORMULATE_SECONDS
                ):
                    vec[REFORMULATED] += 1
                    reformulations.append((current[0], query))
                finished.append(current)
            current = [query, number or 0, t, False, False, False, False]
        elif kind == "result":
            if current is not None and current[1]:
                if not current[3]:
                    vec[CLICKED] += 1
                current[3] = True
        elif kind == "article":
            vec[VIEWS] += 1
            if current is not None:
                current[4] = True
            if article_id not in first_view:
                first_view[article_id] = i
        elif kind == "contact_sent":
            vec[CONTACTS] += 1
            if current is not None:
                current[5] = True
        elif kind == "vote":
            if value == "no":
                voted_no.add(article_id)
        elif kind == "contact_view":
            contact_page = True
        elif kind == "suggestion":
            if contact_page and first_suggestion < 0:
                first_suggestion = i
        elif kind == "answer":
            if value == "shown":
                vec[ANSWERS_SHOWN] += 1
            else:
                vec[ANSWERS_HELPFUL] += 1
                if current is not None:
                    current[6] = True
        elif kind == "assistant":
            if value == "user":
                vec[ASSISTANT_QUESTIONS] += 1
        elif kind == "assistant_outcome" and detail:
            outcomes[(lang, value)] += 1
    if current is not None:
        finished.append(current)
    if last_contact >= 0:
        vec[VISITS_CONTACT] = 1
    if first_view:
        vec[READERS] = 1
        if min(first_view.values()) < last_contact:
            vec[READERS_CONTACT] = 1
    if contact_page:
        vec[CONTACT_PAGE] = 1
        if first_suggestion >= 0:
            vec[SUGGESTION] = 1
            if last_contact < first_suggestion:
                vec[DEFLECTED] = 1
    if detail:
        for query, results, _, clicked, _, ended, helped in finished:
            figures = queries.get((lang, query))
            if figures is None:
                figures = queries[(lang, query)] = QueryFigures(lang, query)
            figures.searches += 1
            figures.results = max(figures.results, results)
            figures.clicked += clicked
            figures.helped += helped and not clicked
            figures.zero += not results
            figures.ended_in_contact += ended
        for before, after in reformulations:
            figures = queries[(lang, before)]
            figures.reformulated += 1
            figures.next_queries[after] += 1
        for article_id in first_view.keys() | voted_no:
            use = articles.get((article_id, lang))
            if use is None:
                use = articles[(article_id, lang)] = ArticleUse(article_id, lang)
            read_at = first_view.get(article_id)
            wrote_in = read_at is not None and read_at < last_contact
            if read_at is not None:
                use.readers += 1
                use.readers_then_contact += wrote_in
            use.voted_no += article_id in voted_no
            use.failed += wrote_in or article_id in voted_no
        for kind, _, article_id, *_ in events:
            if kind == "article":
                articles[(article_id, lang)].views += 1
    return vec


def period_spans(
    today: dt.date, since: dt.date | None
) -> dict[str, tuple[dt.date | None, dt.date]]:
    week = today - dt.timedelta(days=6)
    return {
        "window": (since, today),
        "last_7_days": (week, today),
        "previous_7_days": (week - dt.timedelta(days=7), week - dt.timedelta(days=1)),
    }


def analyse(
    rows: Iterable[tuple], *, today: dt.date, since: dt.date | None, chart_days: int = 90
) -> Analytics:
    """Figures from event rows ordered by visit then seq: (visit, kind, lang, t, article_id,
    query, number, value, day)."""
    queries: dict[tuple[str, str], QueryFigures] = {}
    articles: dict[tuple[str, str], ArticleUse] = {}
    outcomes: Counter[tuple[str, str]] = Counter()
    by_day: dict[tuple[dt.date, str], Headline] = {}

    def flush(events: list[tuple], lang: str, day: dt.date) -> None:
        if day > today:
            return
        detail = since is None or day >= since
        vec = _analyse_visit(events, lang, detail, queries, articles, outcomes)
        key = (day, lang)
        if key not in by_day:
            by_day[key] = Headline()
        by_day[key].add(vec)

    visit, lang, day, events = None, "", today, []
    for row in rows:
        if row[0] != visit:
            if events:
                flush(events, lang, day)
            visit, lang, day, events = row[0], row[2], row[8], []
        events.append((row[1], row[3], row[4], row[5], row[6], row[7]))
    if events:
        flush(events, lang, day)

    periods: dict[str, dict[str, Headline]] = {}
    langs = sorted({lang for _, lang in by_day})
    for name, (start, end) in period_spans(today, since).items():
        figures = {key: Headline() for key in (ALL, *langs)}
        for (d, lang), headline in by_day.items():
            if (start is None or d >= start) and d <= end:
                figures[lang].add(headline.counts)
                figures[ALL].add(headline.counts)
        periods[name] = figures
    chart_start = max(
        since or today - dt.timedelta(days=29), today - dt.timedelta(days=chart_days - 1)
    )
    daily = []
    for i in range((today - chart_start).days + 1):
        d = chart_start + dt.timedelta(days=i)
        visits = sum(h.counts[VISITS] for (dd, _), h in by_day.items() if dd == d)
        contacts = sum(h.counts[CONTACTS] for (dd, _), h in by_day.items() if dd == d)
        daily.append((d, visits, contacts))
    return Analytics(
        today=today,
        since=since,
        periods=periods,
        queries=queries,
        articles=articles,
        assistant_outcomes=dict(outcomes),
        daily=daily,
    )


def build_analytics(store: Store, *, today: dt.date, since: dt.date | None) -> Analytics:
    """Read the events of the window and the two weeks before today, and analyse them."""
    ev = schema.events
    fetch_from = today - dt.timedelta(days=13)
    if since is not None:
        fetch_from = min(fetch_from, since)
    stmt = (
        select(
            ev.c.visit,
            ev.c.kind,
            ev.c.lang,
            ev.c.seconds,
            ev.c.article_id,
            ev.c.query,
            ev.c.number,
            ev.c.value,
            ev.c.day,
        )
        .where(ev.c.day >= fetch_from if since is not None else ev.c.day.is_not(None))
        .order_by(ev.c.visit, ev.c.seq)
    )
    with store.reading() as conn:
        result = conn.execution_options(stream_results=True, yield_per=20_000).execute(stmt)
        return analyse(result.tuples(), today=today, since=since)
