"""The report as JSON (a stable figure set for CI and dashboards), CSV (one row per article,
for spreadsheets) and HTML (one self-contained file: inline CSS and SVG, no script, no
request to anywhere; every user-supplied text escaped by Jinja's autoescaping)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kbgen.feedback import analytics_render
from kbgen.feedback.contract import REASONS
from kbgen.feedback.report import ArticleFigures, Counts, Report

REPORT_VERSION = 1
FORMATS = ("html", "csv", "json")

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _counts(c: Counts) -> dict[str, Any]:
    return {"yes": c.yes, "no": c.no, "total": c.total, "helpful_share": _share(c.helpful_share)}


def _change(report: Report) -> float | None:
    now, before = report.last_7_days.helpful_share, report.previous_7_days.helpful_share
    return None if now is None or before is None else round(now - before, 4)


def _article(a: ArticleFigures, rank: int | None) -> dict[str, Any]:
    lo, hi = a.helpful_interval
    return {
        "id": a.id,
        "lang": a.lang,
        "title": a.title,
        "url": a.url,
        "on_site": a.on_site,
        **_counts(a.votes),
        "helpful_interval_95": [round(lo, 4), round(hi, 4)] if a.votes.total else None,
        "unhelpful_lower_bound": round(a.unhelpful_lower_bound, 4),
        "least_helpful_rank": rank,
        "last_7_days": _counts(a.last_7_days),
        "previous_7_days": _counts(a.previous_7_days),
        "revision": a.revision,
        "current_revision": _counts(a.current_revision),
        "reasons": {r: a.reasons.get(r, 0) for r in REASONS},
    }


def _ranks(report: Report) -> dict[tuple[str, str], int]:
    return {(a.id, a.lang): i for i, a in enumerate(report.least_helpful(limit=10**9), 1)}


def to_data(report: Report) -> dict[str, Any]:
    ranks = _ranks(report)
    data = _data(report, ranks)
    side_by_side = report.side_by_side()
    if side_by_side:  # several languages: each translated article's languages next to each other
        data["languages_side_by_side"] = [
            {"id": next(iter(langs.values())).id}
            | {lang: _counts(a.votes) for lang, a in sorted(langs.items())}
            for langs in side_by_side
        ]
    return data


def _data(report: Report, ranks: dict[tuple[str, str], int]) -> dict[str, Any]:
    return {
        "version": REPORT_VERSION,
        "generated_at": report.generated_at.isoformat(timespec="seconds") + "Z",
        "window": {
            "since": report.since.isoformat() if report.since else None,
            "until": report.today.isoformat(),
        },
        "site_url": report.site_url,
        "totals": _counts(report.totals),
        "trend": {
            "last_7_days": _counts(report.last_7_days),
            "previous_7_days": _counts(report.previous_7_days),
            "helpful_share_change": _change(report),
        },
        "articles": [_article(a, ranks.get((a.id, a.lang))) for a in report.articles],
        "least_helpful": [
            {"id": a.id, "lang": a.lang, "unhelpful_lower_bound": round(a.unhelpful_lower_bound, 4)}
            for a in report.least_helpful()
        ],
        "reasons": dict(report.reasons),
        "comments": [
            {
                "article": c.article_id,
                "lang": c.lang,
                "reason": c.reason,
                "comment": c.comment,
                "created_at": c.created_at.isoformat(timespec="seconds") + "Z",
            }
            for c in report.comments
        ],
        "zero_results": [
            {
                "query": z.query,
                "lang": z.lang,
                "count": z.count,
                "last_seen": z.last_seen.isoformat(),
            }
            for z in report.zero_results
        ],
        "daily": [{"day": d.isoformat(), "yes": c.yes, "no": c.no} for d, c in report.daily],
        **_self_service(report),
    }


def _self_service(report: Report) -> dict[str, Any]:
    if report.self_service is None:
        return {}
    info = {(a.id, a.lang): a for a in report.articles}
    return {"self_service": analytics_render.to_data(report.self_service, info)}


def to_json(report: Report) -> str:
    return json.dumps(to_data(report), ensure_ascii=False, indent=2) + "\n"


def _cell(value: object) -> object:
    # Spreadsheets run cells starting with these as formulas (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "id",
            "lang",
            "title",
            "url",
            "on_site",
            "yes",
            "no",
            "total",
            "helpful_share",
            "unhelpful_lower_bound",
            "least_helpful_rank",
            "yes_last_7_days",
            "no_last_7_days",
            "yes_previous_7_days",
            "no_previous_7_days",
            "revision",
            "yes_current_revision",
            "no_current_revision",
            *(f"reason_{r}" for r in REASONS),
        ]
    )
    ranks = _ranks(report)
    for a in report.articles:
        share = a.votes.helpful_share
        writer.writerow(
            [
                _cell(x)
                for x in (
                    a.id,
                    a.lang,
                    a.title,
                    a.url,
                    int(a.on_site),
                    a.votes.yes,
                    a.votes.no,
                    a.votes.total,
                    "" if share is None else f"{share:.4f}",
                    f"{a.unhelpful_lower_bound:.4f}",
                    ranks.get((a.id, a.lang), ""),
                    a.last_7_days.yes,
                    a.last_7_days.no,
                    a.previous_7_days.yes,
                    a.previous_7_days.no,
                    a.revision,
                    a.current_revision.yes,
                    a.current_revision.no,
                    *(a.reasons.get(r, 0) for r in REASONS),
                )
            ]
        )
    return out.getvalue()


def _daily_chart(report: Report, width: int = 640, height: int = 140) -> dict[str, Any]:
    days = report.daily
    peak = max((c.total for _, c in days), default=0) or 1
    step = width / max(len(days), 1)
    bars = []
    for i, (day, c) in enumerate(days):
        yes_h = c.yes / peak * height
        no_h = c.no / peak * height
        bars.append(
            {
                "x": round(i * step + step * 0.1, 2),
                "w": round(step * 0.8, 2),
                "yes_y": round(height - yes_h, 2),
                "yes_h": round(yes_h, 2),
                "no_y": round(height - yes_h - no_h, 2),
                "no_h": round(no_h, 2),
                "label": f"{day.isoformat()}: {c.yes} yes, {c.no} no",
            }
        )
    return {"width": width, "height": height, "peak": peak, "bars": bars}


def to_html(report: Report) -> str:
    reasons_total = sum(report.reasons.values())
    data = to_data(report)
    ss = data.get("self_service")
    return _env.get_template("report.html").render(
        r=report,
        data=data,
        ss=ss,
        sx=analytics_render.html_context(ss) if ss else None,
        site_url=report.site_url,
        least=report.least_helpful(),
        voted=sorted(report.voted, key=lambda a: (-a.votes.total, a.id, a.lang)),
        side_by_side=report.side_by_side(),
        unvoted=len(report.articles) - len(report.voted),
        reasons=REASONS,
        reasons_total=reasons_total,
        daily=_daily_chart(report),
        change=_change(report),
    )


def render(report: Report, fmt: str, table: str = "articles") -> str:
    """``table`` picks the CSV table: "articles" (one row per article) or, with the
    self-service figures, one of "summary", "queries", "gaps"."""
    if fmt == "csv" and table != "articles":
        ss = to_data(report).get("self_service")
        return analytics_render.to_csv(ss, table, _cell) if ss else ""
    return {"html": to_html, "csv": to_csv, "json": to_json}[fmt](report)
