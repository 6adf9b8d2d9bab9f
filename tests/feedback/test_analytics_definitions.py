"""The definitions of docs/analytics.md on small hand-written visits, one rule at a time."""

from __future__ import annotations

import datetime as dt

from kbgen.feedback.analytics import analyse

TODAY = dt.date(2026, 3, 10)


def ev(kind: str, t: int = 0, article: str | None = None, q: str | None = None,
       n: int | None = None, value: str | None = None) -> tuple:  # fmt: skip
    return (kind, t, article, q, n, value)


def run(*visits: list[tuple], day: dt.date = TODAY, lang: str = "de", since: dt.date | None = None):
    rows = [
        (f"visit{i:016d}", *e[:1], lang, *e[1:], day)
        for i, events in enumerate(visits)
        for e in events
    ]
    return analyse(rows, today=TODAY, since=since)


def window(a):  # all languages, the report's window
    return a.periods["window"]["all"]


def test_reformulated_only_when_quick_different_and_nothing_opened_between() -> None:
    a = run(
        [ev("search", 0, q="gutschein", n=0), ev("search", 20, q="geschenkkarte", n=2)],
        [ev("search", 0, q="gutschein", n=0), ev("search", 61, q="geschenkkarte", n=2)],
        [ev("search", 0, q="retoure", n=3), ev("article", 5, "r"), ev("search", 9, q="x", n=1)],
        [ev("search", 0, q="paket", n=3), ev("answer", 2, "p", value="helpful"),
         ev("search", 9, q="sendung", n=1)],
    )  # fmt: skip
    assert window(a).reformulated_searches == 1
    assert a.queries[("de", "gutschein")].reformulated == 1
    assert a.queries[("de", "gutschein")].top_reformulation == "geschenkkarte"
    assert a.queries[("de", "paket")].helped == 1 and a.queries[("de", "paket")].failed == 0


def test_clicks_count_once_per_search_and_only_with_results() -> None:
    a = run(
        [ev("search", 0, q="paket", n=3), ev("result", 1, "p", n=1), ev("result", 9, "q", n=2)],
        [ev("search", 0, q="paket", n=3)],
    )
    h = window(a)
    assert (h.searches, h.searches_with_results, h.clicked_searches) == (2, 2, 1)
    assert h.click_through_rate == 0.5
    assert a.queries[("de", "paket")].failed == 1


def test_contact_after_reading_and_the_search_that_ended_in_it() -> None:
    a = run(
        [ev("search", 0, q="rechnung", n=2), ev("result", 1, "rechnung", n=1),
         ev("article", 2, "rechnung"), ev("vote", 30, "rechnung", value="no"),
         ev("search", 40, q="rechnung pdf", n=0), ev("contact_view", 50),
         ev("contact_sent", 90)],
        [ev("contact_view", 0), ev("contact_sent", 40), ev("article", 50, "rechnung")],
    )  # fmt: skip
    h = window(a)
    assert (h.readers, h.readers_then_contact, h.contact_requests) == (2, 1, 2)
    use = a.articles[("rechnung", "de")]
    assert (use.views, use.readers, use.readers_then_contact, use.voted_no, use.failed) == (
        2, 2, 1, 1, 1
    )  # fmt: skip
    assert a.queries[("de", "rechnung pdf")].ended_in_contact == 1
    assert a.queries[("de", "rechnung")].ended_in_contact == 0
    assert h.self_service_score == 1.0


def test_deflection_needs_a_suggestion_and_no_request_after_it() -> None:
    a = run(
        [ev("contact_view", 0), ev("suggestion", 5, "a"), ev("article", 6, "a")],
        [ev("contact_view", 0), ev("suggestion", 5, "a"), ev("contact_sent", 60)],
        [ev("contact_view", 0), ev("contact_sent", 60)],
        [ev("suggestion", 0, "a")],  # a suggestion elsewhere, no contact page
    )
    h = window(a)
    assert (h.contact_page_visits, h.suggestion_visits, h.deflected_visits) == (3, 2, 1)
    assert h.deflection_rate == 1 / 3


def test_periods_compare_the_last_week_with_the_one_before() -> None:
    a = run([ev("contact_view")], day=TODAY - dt.timedelta(days=6))
    b = run([ev("contact_view")], day=TODAY - dt.timedelta(days=7))
    assert a.periods["last_7_days"]["all"].visits == 1
    assert a.periods["previous_7_days"]["all"].visits == 0
    assert b.periods["previous_7_days"]["de"].visits == 1
    assert b.periods["last_7_days"]["de"].visits == 0
    c = run([ev("contact_view")], day=TODAY - dt.timedelta(days=40), since=TODAY - dt.timedelta(30))
    assert window(c).visits == 0 and c.queries == {} and c.articles == {}
