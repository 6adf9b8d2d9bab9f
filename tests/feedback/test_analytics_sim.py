"""The self-service report against a seeded simulation whose truth is known (bench/
analytics_sim.py): visits are posted through the collector, day by day, exactly as visit.js
sends them, and every figure of the report's JSON must equal the simulation's truth."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from kbgen.feedback.analytics import FIELDS
from kbgen.feedback.report import build_report
from kbgen.feedback.report_render import render, to_data
from kbgen.feedback.self_service import build_self_service

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
import analytics_sim  # noqa: E402
from conftest import ARTICLES  # noqa: E402

SITE_ARTICLES = {
    "de": sorted({a["id"] for a in ARTICLES if a["lang"] == "de"}),
    "en": sorted({a["id"] for a in ARTICLES if a["lang"] == "en"}),
}


def _post_all(client: Any, clock: Any, visits: list[analytics_sim.Visit]) -> None:
    start = clock.now
    for visit in visits:
        clock.now = dt.datetime.combine(visit.day, dt.time(12))
        for body in analytics_sim.wire_batches(visit):
            r = client.post(
                "/api/events",
                content=json.dumps(body),
                headers={"content-type": "text/plain", "x-kbgen-test-client": visit.visit},
            )
            assert r.status_code == 201, r.text
            assert r.json()["skipped"] == 0
    clock.now = start


@pytest.fixture
def simulated(make_client: Any, clock: Any, store: Any) -> tuple[dict[str, Any], Any]:
    visits, truth = analytics_sim.simulate(
        300, SITE_ARTICLES, seed=11, today=clock.now.date(), days=20
    )
    _post_all(make_client(test_client_header=True), clock, visits)
    report = build_report(store, since=clock.now.date() - dt.timedelta(days=29), now=clock.now)
    report.self_service = build_self_service(
        store, None, today=clock.now.date(), since=report.since
    )
    return to_data(report)["self_service"], truth


def test_headline_figures_match_the_simulation(simulated: tuple[dict[str, Any], Any]) -> None:
    data, truth = simulated
    for lang in ("all", "de", "en"):
        for period in ("window", "last_7_days", "previous_7_days"):
            got = {k: data["figures"][lang][period][k] for k in FIELDS}
            want = {k: truth.figures[(period, lang)][k] for k in FIELDS}
            assert got == want, (lang, period)
    window = data["figures"]["all"]["window"]
    t = truth.figures[("window", "all")]
    assert window["visits"] == 300
    assert window["self_service_score"] == round(t["visits"] / t["contact_requests"], 4)
    assert window["click_through_rate"] == round(
        t["clicked_searches"] / t["searches_with_results"], 4
    )
    assert window["deflection_rate"] == round(t["deflected_visits"] / t["contact_page_visits"], 4)
    # The scenarios exercise every figure.
    assert all(t[k] > 0 for k in FIELDS), t


def test_query_lists_match_the_simulation(simulated: tuple[dict[str, Any], Any]) -> None:
    data, truth = simulated
    top = {(q["lang"], q["query"]): q for q in data["top_queries"]}
    assert len(top) == len(truth.queries)  # fewer than 20 distinct queries
    for key, want in truth.queries.items():
        got = top[key]
        assert got["searches"] == want["searches"], key
        assert got["clicked"] == want["clicked"], key
        assert got["results"] == want["results"], key
        assert got["zero_result_searches"] == want["zero"], key
        assert got["reformulated"] == want["reformulated"], key
        assert got["ended_in_contact"] == want["ended_in_contact"], key
        assert got["answered_by_instant_answer"] == want["helped"], key
        if want["reformulated"]:
            best = max(truth.next_queries[key].items(), key=lambda kv: (kv[1], kv[0]))
            assert truth.next_queries[key][got["next_query"]] == best[1], key
    searches = [q["searches"] for q in data["top_queries"]]
    assert searches == sorted(searches, reverse=True)
    no_click = {(q["lang"], q["query"]) for q in data["queries_without_click"]}
    assert no_click == {k for k, v in truth.queries.items() if v["clicked"] == 0}
    ended = {(q["lang"], q["query"]): q["ended_in_contact"] for q in data["ended_in_contact"]}
    assert ended == {
        k: v["ended_in_contact"] for k, v in truth.queries.items() if v["ended_in_contact"]
    }
    # The redacted form is what is stored and shown: no order number leaves the browser's tab.
    assert ("de", "bestellung [number] storniert") in top
    assert not any("12345678" in q for _, q in top)


def test_articles_and_gaps_match_the_simulation(simulated: tuple[dict[str, Any], Any]) -> None:
    data, truth = simulated
    got = {
        (a["id"], a["lang"]): {
            "views": a["views"],
            "readers": a["readers"],
            "readers_then_contact": a["readers_then_contact"],
            "voted_no": a["voted_no"],
            "failed": a["customers_failed"],
        }
        for a in data["articles"]
    }
    want = {k: {f: v[f] for f in got[k]} for k, v in truth.articles.items()}
    assert got == want
    failed = [a["customers_failed"] for a in data["articles"]]
    assert failed == sorted(failed, reverse=True)
    gaps = {(g["lang"], g["query"]): g["failed_searches"] for g in data["content_gaps"]}
    want_failed = {
        k: v["searches"] - v["clicked"] - v["helped"]
        for k, v in truth.queries.items()
        if v["searches"] - v["clicked"] - v["helped"] > 0
    }
    assert gaps == want_failed
    outcomes = {(o["lang"], o["outcome"]): o["count"] for o in data["assistant_outcomes"]}
    assert outcomes == dict(truth.outcomes)


def test_html_report_escapes_what_customers_typed(
    simulated: tuple[dict[str, Any], Any], store: Any, clock: Any
) -> None:
    report = build_report(store, since=None, now=clock.now)
    report.self_service = build_self_service(store, None, today=clock.now.date(), since=None)
    html = render(report, "html")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; rabatt" in html
    assert "<script" not in html.lower()  # the report itself needs no script either
    # The gap's command line quotes the query for the shell.
    assert "kbgen new &#39;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; rabatt&#39;" in html
