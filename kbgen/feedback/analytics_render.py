"""The self-service part of the report: JSON (``"self_service"``), CSV tables and the HTML
section's context. Everything a customer typed (queries) reaches HTML only through Jinja's
autoescaping and CSV only through the formula guard of :mod:`kbgen.feedback.report_render`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from kbgen.feedback.analytics import (
    ALL,
    FIELDS,
    PERIODS,
    REFORMULATE_SECONDS,
    Analytics,
    ArticleUse,
    Headline,
    QueryFigures,
    period_spans,
)
from kbgen.feedback.gaps import Gap

LIST_SHOWN = 20
CSV_TABLES = ("articles", "summary", "queries", "usage", "gaps")


@dataclass
class SelfService:
    """What the report carries: the figures, the content gaps, and per article the votes'
    helpful share (from the existing report, keyed by id and language)."""

    analytics: Analytics
    gaps: list[Gap]


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def headline_data(h: Headline) -> dict[str, Any]:
    data: dict[str, Any] = dict(zip(FIELDS, h.counts, strict=True))
    for rate in Headline.RATES:
        data[rate] = _round(getattr(h, rate))
    return data


def _query(q: QueryFigures) -> dict[str, Any]:
    return {
        "query": q.query,
        "lang": q.lang,
        "searches": q.searches,
        "results": q.results,
        "clicked": q.clicked,
        "click_through_rate": _round(q.clicked / q.searches if q.results else None),
        "zero_result_searches": q.zero,
        "answered_by_instant_answer": q.helped,
        "failed": q.failed,
        "reformulated": q.reformulated,
        "next_query": q.top_reformulation,
        "ended_in_contact": q.ended_in_contact,
    }


def _article(a: ArticleUse, info: dict[tuple[str, str], Any]) -> dict[str, Any]:
    fig = info.get((a.id, a.lang))
    votes = fig.votes if fig is not None else None
    return {
        "id": a.id,
        "lang": a.lang,
        "title": fig.title if fig is not None else a.id,
        "url": fig.url if fig is not None else "",
        "views": a.views,
        "readers": a.readers,
        "readers_then_contact": a.readers_then_contact,
        "contact_after_reading_rate": _round(a.contact_after_reading_rate),
        "voted_no": a.voted_no,
        "customers_failed": a.failed,
        "yes": votes.yes if votes else 0,
        "no": votes.no if votes else 0,
        "helpful_share": _round(votes.helpful_share) if votes else None,
    }


def _gap(g: Gap) -> dict[str, Any]:
    c = g.closest
    return {
        "query": g.query.query,
        "lang": g.query.lang,
        "failed_searches": g.query.failed,
        "searches": g.query.searches,
        "results": g.query.results,
        "closest": {"id": c.id, "lang": c.lang, "title": c.title, "url": c.url} if c else None,
        "category": g.category,
        "command": g.command,
    }


def to_data(ss: SelfService, article_info: dict[tuple[str, str], Any]) -> dict[str, Any]:
    a = ss.analytics
    spans = period_spans(a.today, a.since)
    langs = [ALL, *a.langs]
    return {
        "reformulate_seconds": REFORMULATE_SECONDS,
        "periods": {
            name: {
                "since": spans[name][0].isoformat() if spans[name][0] else None,
                "until": spans[name][1].isoformat(),
            }
            for name in PERIODS
        },
        "figures": {
            lang: {name: headline_data(a.periods[name][lang]) for name in PERIODS} for lang in langs
        },
        "top_queries": [_query(q) for q in a.top("searches", LIST_SHOWN)],
        "queries_without_click": [
            _query(q) for q in a.top("searches", LIST_SHOWN, where="no_click")
        ],
        "reformulated": [_query(q) for q in a.top("reformulated", LIST_SHOWN)],
        "ended_in_contact": [_query(q) for q in a.top("ended_in_contact", LIST_SHOWN)],
        "articles": [_article(x, article_info) for x in a.ranked_articles()],
        "assistant_outcomes": [
            {"lang": lang, "outcome": outcome, "count": n}
            for (lang, outcome), n in sorted(a.assistant_outcomes.items())
        ],
        "content_gaps": [_gap(g) for g in ss.gaps],
        "daily": [
            {"day": d.isoformat(), "visits": v, "contact_requests": c} for d, v, c in a.daily
        ],
    }


def _rows_csv(rows: list[dict[str, Any]], cell: Any) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if rows:
        header = [k for k, v in rows[0].items() if not isinstance(v, dict)]
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell("" if row[k] is None else row[k]) for k in header])
    return out.getvalue()


def to_csv(data: dict[str, Any], table: str, cell: Any) -> str:
    """One of :data:`CSV_TABLES` (except "articles", which the report's own CSV carries)."""
    if table == "summary":
        rows = [
            {"lang": lang, "period": name, **data["figures"][lang][name]}
            for lang in data["figures"]
            for name in PERIODS
        ]
    elif table == "queries":
        rows = data["top_queries"]
    elif table == "usage":
        rows = data["articles"]
    else:
        rows = [
            {**g, "closest_id": (g["closest"] or {}).get("id", "")} for g in data["content_gaps"]
        ]
    return _rows_csv(rows, cell)


def _change(now: float | int | None, before: float | int | None) -> float | None:
    if now is None or before is None:
        return None
    return now - before


def html_context(data: dict[str, Any]) -> dict[str, Any]:
    """Rows of the comparison tables and the chart's bars, for the template."""
    metrics = [
        ("visits", "Visits", "n"),
        ("searches", "Searches", "n"),
        ("contact_requests", "Contact requests", "n"),
        ("self_service_score", "Self-service score (visits per contact request)", "x"),
        ("click_through_rate", "Search click-through", "%"),
        ("zero_result_rate", "Searches without results", "%"),
        ("reformulation_rate", "Searches reformulated right away", "%"),
        ("article_views", "Article views", "n"),
        ("contact_after_reading_rate", "Readers who wrote in after reading", "%"),
        ("contact_page_visits", "Contact page visits", "n"),
        ("deflection_rate", "Contact page visits deflected by a suggestion", "%"),
        ("answers_shown", "Instant answers shown", "n"),
        ("answer_helpful_rate", "Instant answers marked helpful", "%"),
        ("assistant_questions", "Assistant questions", "n"),
    ]
    tables = []
    for lang, periods in data["figures"].items():
        rows = []
        for key, label, unit in metrics:
            now, before = periods["last_7_days"][key], periods["previous_7_days"][key]
            rows.append(
                {
                    "label": label,
                    "unit": unit,
                    "window": periods["window"][key],
                    "now": now,
                    "before": before,
                    "change": _change(now, before),
                }
            )
        tables.append({"lang": lang, "rows": rows, "window": periods["window"]})
    days = data["daily"]
    peak = max((d["visits"] for d in days), default=0) or 1
    width, height = 640, 120
    step = width / max(len(days), 1)
    bars = []
    for i, d in enumerate(days):
        vh, ch = d["visits"] / peak * height, d["contact_requests"] / peak * height
        bars.append(
            {
                "x": round(i * step + step * 0.1, 2),
                "w": round(step * 0.8, 2),
                "vy": round(height - vh, 2),
                "vh": round(vh, 2),
                "cy": round(height - ch, 2),
                "ch": round(ch, 2),
                "label": f"{d['day']}: {d['visits']} visits, {d['contact_requests']} contact "
                "requests",
            }
        )
    chart = {"width": width, "height": height, "peak": peak, "bars": bars, "days": days}
    return {"tables": tables, "chart": chart}
