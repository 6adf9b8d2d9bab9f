"""The self-service figures the report carries: visit analytics plus content gaps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kbgen.feedback.analytics import build_analytics
from kbgen.feedback.analytics_render import SelfService
from kbgen.feedback.gaps import content_gaps
from kbgen.feedback.manifest import Manifest
from kbgen.feedback.store import Store


def build_self_service(
    store: Store,
    manifest: Manifest | None,
    *,
    today: dt.date,
    since: dt.date | None,
    index_dir: Path | None = None,
) -> SelfService:
    analytics = build_analytics(store, today=today, since=since)
    gaps = content_gaps(analytics, index_dir=index_dir, manifest=manifest)
    return SelfService(analytics=analytics, gaps=gaps)
