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
from collections.abc import Iterable

from sqlalchemy import select

from kbgen.feedback import schema
from kbgen.feedback.analytics_figures import (
    ALL,
    ANSWERS_HELPFUL,
    ANSWERS_SHOWN,
    ASSISTANT_QUESTIONS,
    CLICKED,
    CONTACT_PAGE,
    CONTACTS,
    DEFLECTED,
    FIELDS,
    PERIODS,
    READERS,
    READERS_CONTACT,
    REFORMULATED,
    SEARCHES,
    SUGGESTION,
    VIEWS,
    VISITS,
    VISITS_CONTACT,
    WITH_RESULTS,
    ZERO,
    Analytics,
    ArticleUse,
    Headline,
    QueryFigures,
)
from kbgen.feedback.store import Store

__all__ = [
    "ALL",
    "FIELDS",
    "PERIODS",
    "REFORMULATE_SECONDS",
    "Analytics",
    "ArticleUse",
    "Headline",
    "QueryFigures",
    "analyse",
    "build_analytics",
    "period_spans",
]

REFORMULATE_SECONDS = 60


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
        return analyse(result, today=today, since=since)
