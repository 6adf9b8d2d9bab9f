"""The feedback report's figures: which articles fail readers, why, and which searches find
nothing. Rendering (HTML, CSV, JSON) is in :mod:`kbgen.feedback.report_render`.

Ranking the least helpful articles fairly: an article with one "no" has a 0 % helpful share
but says little; one with 40 "no" of 50 says a lot. Articles are ranked by the **Wilson score
lower bound of their unhelpful share** (95 %): "at least this share of readers found it
unhelpful, with 95 % confidence". Few votes give a low bound, so they rank below articles that
are clearly failing, without being hidden: they rise as votes arrive.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, select

from kbgen.feedback import schema
from kbgen.feedback.contract import REASONS
from kbgen.feedback.errors import FeedbackError
from kbgen.feedback.manifest import Manifest
from kbgen.feedback.store import Store

Z95 = 1.959964
COMMENTS_SHOWN = 50
ZERO_RESULTS_SHOWN = 100
CHART_DAYS_MAX = 90


def wilson_bounds(successes: int, total: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion; (0, 1) without observations."""
    if total <= 0:
        return 0.0, 1.0
    p = successes / total
    denominator = 1 + z * z / total
    centre = p + z * z / (2 * total)
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return max(0.0, (centre - margin) / denominator), min(1.0, (centre + margin) / denominator)


def parse_since(value: str, today: dt.date) -> dt.date | None:
    """``30d``, ``8w``, ``all`` or an ISO date → the first day included (None: everything)."""
    value = value.strip().lower()
    if value == "all":
        return None
    match = re.fullmatch(r"(\d{1,5})([dw])", value)
    if match:
        days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
        if days < 1:
            raise FeedbackError(f"--since {value!r}: the window must be at least one day")
        return today - dt.timedelta(days=days - 1)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FeedbackError(
            f"--since {value!r}: expected a number of days or weeks (30d, 8w), a date "
            "(2025-01-31) or 'all'"
        ) from None


@dataclass
class Counts:
    yes: int = 0
    no: int = 0

    @property
    def total(self) -> int:
        return self.yes + self.no

    @property
    def helpful_share(self) -> float | None:
        return self.yes / self.total if self.total else None

    def add(self, helpful: bool, n: int) -> None:
        if helpful:
            self.yes += n
        else:
            self.no += n


@dataclass
class ArticleFigures:
    id: str
    lang: str
    title: str
    url: str
    on_site: bool
    votes: Counts = field(default_factory=Counts)
    last_7_days: Counts = field(default_factory=Counts)
    previous_7_days: Counts = field(default_factory=Counts)
    revision: str = ""  # the site's current revision ('' without a manifest)
    current_revision: Counts = field(default_factory=Counts)
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def unhelpful_lower_bound(self) -> float:
        return wilson_bounds(self.votes.no, self.votes.total)[0]

    @property
    def helpful_interval(self) -> tuple[float, float]:
        return wilson_bounds(self.votes.yes, self.votes.total)


@dataclass
class Comment:
    article_id: str
    lang: str
    title: str
    reason: str
    comment: str
    created_at: dt.datetime


@dataclass
class ZeroResult:
    query: str
    lang: str
    count: int
    last_seen: dt.date


@dataclass
class Report:
    generated_at: dt.datetime
    today: dt.date
    since: dt.date | None
    site_url: str
    totals: Counts
    last_7_days: Counts
    previous_7_days: Counts
    articles: list[ArticleFigures]
    reasons: dict[str, int]
    comments: list[Comment]
    zero_results: list[ZeroResult]
    daily: list[tuple[dt.date, Counts]]
    #: The visit-event figures (:class:`kbgen.feedback.analytics_render.SelfService`), when
    #: the report was built with them.
    self_service: Any = None

    @property
    def voted(self) -> list[ArticleFigures]:
        return [a for a in self.articles if a.votes.total]

    @property
    def languages(self) -> list[str]:
        return sorted({a.lang for a in self.articles})

    def side_by_side(self) -> list[dict[str, ArticleFigures]]:
        """Each voted article's languages next to each other (a bad translation stands out);
        empty for a one-language site."""
        if len(self.languages) < 2:
            return []
        grouped: dict[str, dict[str, ArticleFigures]] = {}
        for a in self.articles:
            grouped.setdefault(a.id, {})[a.lang] = a
        return [
            langs
            for _, langs in sorted(grouped.items())
            if len(langs) > 1 and any(a.votes.total for a in langs.values())
        ]

    def least_helpful(self, limit: int = 20) -> list[ArticleFigures]:
        ranked = [a for a in self.voted if a.votes.no]
        ranked.sort(key=lambda a: (-a.unhelpful_lower_bound, -a.votes.total, a.id, a.lang))
        return ranked[:limit]


def build_report(
    store: Store,
    manifest: Manifest | None = None,
    *,
    since: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Report:
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    today = now.date()
    week_start, prev_start = today - dt.timedelta(days=6), today - dt.timedelta(days=13)
    votes, followups = schema.votes, schema.followups
    in_window = votes.c.day >= since if since else votes.c.day.is_not(None)
    fetch_from = min(since, prev_start) if since else None

    articles: dict[tuple[str, str], ArticleFigures] = {}
    if manifest is not None:
        for key, ref in sorted(manifest.articles.items()):
            articles[key] = ArticleFigures(
                ref.id, ref.lang, ref.title, ref.url, True, revision=ref.revision
            )

    def figures(article_id: str, lang: str) -> ArticleFigures:
        key = (article_id, lang)
        if key not in articles:
            articles[key] = ArticleFigures(article_id, lang, article_id, "", False)
        return articles[key]

    def _sum(condition: object) -> object:
        return func.sum(case((condition, 1), else_=0))

    totals, last7, prev7 = Counts(), Counts(), Counts()
    with store.reading() as conn:
        stmt = select(
            votes.c.article_id,
            votes.c.lang,
            votes.c.revision,
            votes.c.helpful,
            _sum(in_window),
            _sum(votes.c.day >= week_start),
            _sum(and_(votes.c.day >= prev_start, votes.c.day < week_start)),
        ).group_by(votes.c.article_id, votes.c.lang, votes.c.revision, votes.c.helpful)
        if fetch_from:
            stmt = stmt.where(votes.c.day >= fetch_from)
        for article_id, lang, revision, helpful, n, n7, n_prev in conn.execute(stmt):
            fig = figures(article_id, lang)
            fig.votes.add(helpful, int(n or 0))
            fig.last_7_days.add(helpful, int(n7 or 0))
            fig.previous_7_days.add(helpful, int(n_prev or 0))
            if fig.revision and revision == fig.revision:
                fig.current_revision.add(helpful, int(n or 0))
            totals.add(helpful, int(n or 0))
            last7.add(helpful, int(n7 or 0))
            prev7.add(helpful, int(n_prev or 0))

        reasons = dict.fromkeys(REASONS, 0)
        stmt = (
            select(votes.c.article_id, votes.c.lang, followups.c.reason, func.count())
            .select_from(followups.join(votes, followups.c.vote_id == votes.c.id))
            .where(in_window)
            .group_by(votes.c.article_id, votes.c.lang, followups.c.reason)
        )
        for article_id, lang, reason, n in conn.execute(stmt):
            fig = figures(article_id, lang)
            fig.reasons[reason] = fig.reasons.get(reason, 0) + n
            reasons[reason] = reasons.get(reason, 0) + n

        stmt = (
            select(
                votes.c.article_id,
                votes.c.lang,
                followups.c.reason,
                followups.c.comment,
                followups.c.created_at,
            )
            .select_from(followups.join(votes, followups.c.vote_id == votes.c.id))
            .where(in_window, followups.c.comment != "")
            .order_by(followups.c.created_at.desc(), followups.c.id.desc())
            .limit(COMMENTS_SHOWN)
        )
        comments = [
            Comment(a, lang, figures(a, lang).title, reason, text, created)
            for a, lang, reason, text, created in conn.execute(stmt)
        ]

        zr = schema.zero_results
        count = func.count().label("n")
        stmt = select(zr.c.query, zr.c.lang, count, func.max(zr.c.day)).group_by(
            zr.c.query, zr.c.lang
        )
        if since:
            stmt = stmt.where(zr.c.day >= since)
        stmt = stmt.order_by(count.desc(), zr.c.query, zr.c.lang).limit(ZERO_RESULTS_SHOWN)
        zero = [ZeroResult(q, lang, n, last) for q, lang, n, last in conn.execute(stmt)]

        chart_start = max(
            since or today - dt.timedelta(days=29), today - dt.timedelta(days=CHART_DAYS_MAX - 1)
        )
        per_day = {
            chart_start + dt.timedelta(days=i): Counts()
            for i in range((today - chart_start).days + 1)
        }
        stmt = (
            select(votes.c.day, votes.c.helpful, func.count())
            .where(votes.c.day >= chart_start)
            .group_by(votes.c.day, votes.c.helpful)
        )
        for day, helpful, n in conn.execute(stmt):
            if day in per_day:
                per_day[day].add(helpful, n)

    ordered = sorted(articles.values(), key=lambda a: (a.id, a.lang))
    return Report(
        generated_at=now,
        today=today,
        since=since,
        site_url=manifest.site_url if manifest else "",
        totals=totals,
        last_7_days=last7,
        previous_7_days=prev7,
        articles=ordered,
        reasons=reasons,
        comments=comments,
        zero_results=zero,
        daily=sorted(per_day.items()),
    )
