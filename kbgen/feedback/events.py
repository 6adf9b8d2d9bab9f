"""``POST /api/events``: the visit events the site's ``visit.js`` sends in batches for the
self-service report (docs/analytics.md).

A batch belongs to one visit (a random id the browser makes per tab) and one page language.
Each event is validated by kind; what is stored is only what the report needs: the
normalized, redacted query of a search, the article id of a view, a vote's value, a rank.
Free text of an assistant conversation and a contact request's reference are never stored:
they would tie the visit to a person.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal

from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from kbgen.feedback import models
from kbgen.feedback.collector import TEST_CLIENT_HEADER, Collector
from kbgen.feedback.errors import ApiError, error_responses
from kbgen.feedback.event_store import EventBatch, EventSettings, EventStore, EventWriter
from kbgen.feedback.privacy import clean_text, redact_query
from kbgen.feedback.store import OverLimit

log = logging.getLogger(__name__)

Kind = Literal[
    "search",
    "result",
    "article",
    "vote",
    "answer",
    "assistant",
    "assistant_outcome",
    "contact_view",
    "suggestion",
    "contact_sent",
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
VISIT_PATTERN = r"^[A-Za-z0-9_-]{16,32}$"
VALUE_PATTERN = r"^[a-z][a-z_]{0,31}$"
# Which of the optional fields each kind requires; the others are dropped before storing.
_NEEDS: dict[str, tuple[str, ...]] = {
    "search": ("q", "n"),
    "result": ("id", "n"),
    "article": ("id",),
    "vote": ("id", "value"),
    "answer": ("id", "value"),
    "assistant": ("value",),
    "assistant_outcome": ("value",),
    "contact_view": (),
    "suggestion": ("id",),
    "contact_sent": (),
}
_VALUES: dict[str, set[str]] = {
    "vote": {"yes", "no"},
    "answer": {"shown", "helpful"},
    "assistant": {"user", "assistant"},
}
_KEEPS_QUERY = {"search", "result"}


def normalize_query(text: str) -> str:
    """A search as stored and grouped: one line, single spaces, lower case, e-mail
    addresses and long numbers redacted, at most 200 characters."""
    return redact_query(clean_text(text, multiline=False))[: models.QUERY_MAX]


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Kind
    seq: int = Field(ge=0, le=1_000_000, description="Order of the event within the visit.")
    t: int = Field(ge=0, le=7 * 86400, description="Seconds since the visit's first event.")
    q: str | None = Field(default=None, max_length=models.QUERY_MAX * 2)
    n: int | None = Field(
        default=None, ge=0, le=1_000_000, description="search: results; result: rank."
    )
    id: str | None = Field(default=None, max_length=200)
    value: str | None = Field(default=None, max_length=32, pattern=VALUE_PATTERN)

    @model_validator(mode="after")
    def _by_kind(self) -> EventIn:
        missing = [name for name in _NEEDS[self.kind] if getattr(self, name) in (None, "")]
        if missing:
            raise ValueError(f"a {self.kind!r} event needs {', '.join(missing)}")
        allowed = _VALUES.get(self.kind)
        if allowed and self.value not in allowed:
            raise ValueError(f"{self.kind!r}: value must be one of {sorted(allowed)}")
        if self.kind == "result" and not self.n:
            raise ValueError("'result': n is the rank, 1 for the first result")
        if self.kind in _KEEPS_QUERY and self.q is not None:
            self.q = normalize_query(self.q) or None
            if self.kind == "search" and not self.q:
                raise ValueError("'search': q is empty after removing control characters")
        if self.id is not None:
            # An instant answer's id may name a passage (article#anchor): the article counts.
            self.id = self.id.split("#", 1)[0]
        return self


class EventsIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    visit: str = Field(pattern=VISIT_PATTERN, description="Random per-tab id of the visit.")
    lang: str = models.Lang
    events: list[EventIn] = Field(min_length=1, max_length=EventSettings.max_batch)


class EventsOut(BaseModel):
    status: Literal["stored"] = "stored"
    stored: int = Field(description="Events stored.")
    skipped: int = Field(description="Events naming an article the site does not have.")


def _row(event: EventIn, visit: str, lang: str, now: dt.datetime) -> dict[str, object]:
    needs = _NEEDS[event.kind]
    return {
        "visit": visit,
        "seq": event.seq,
        "kind": event.kind,
        "lang": lang,
        "seconds": event.t,
        "article_id": event.id if "id" in needs else None,
        "query": event.q if event.kind in _KEEPS_QUERY else None,
        "number": event.n if "n" in needs else None,
        "value": event.value if "value" in needs else None,
        "day": now.date(),
        "created_at": now,
    }


class EventsEndpoint:
    """The rules of the events endpoint, apart from HTTP."""

    def __init__(self, collector: Collector, settings: EventSettings) -> None:
        self.collector = collector
        self.settings = settings
        self.store = EventStore(collector.store)
        self.writer = EventWriter(self.store, settings.retention_days)

    async def accept(self, body: EventsIn, client: str) -> EventsOut:
        manifest = self.collector.manifest
        articles = manifest.articles
        if articles and body.lang not in {lang for _, lang in articles}:
            raise ApiError(404, "unknown_language", f"This site has no language {body.lang!r}.")
        now = self.collector.clock()
        rows, skipped = [], 0
        for event in body.events:
            if "id" in _NEEDS[event.kind] and (event.id, body.lang) not in articles:
                skipped += 1  # a stale page after a redeploy, or a forged id
                continue
            rows.append(_row(event, body.visit, body.lang, now))
        if not rows:
            return EventsOut(stored=0, skipped=skipped)
        scope = "events"
        pseudonym = self.collector._pseudonym(client, now, scope)
        batch = EventBatch(rows=rows, day=now.date(), client=pseudonym, limit=self.settings.limit)
        try:
            await self.writer.submit(batch)
        except OverLimit:
            raise self.collector._over_limit(now, pseudonym, scope) from None
        return EventsOut(stored=len(rows), skipped=skipped)


def mount_events(app: FastAPI, collector: Collector) -> None:
    """Add ``POST /api/events`` to the collector app."""
    settings = collector.settings.events
    endpoint = EventsEndpoint(collector, settings)
    app.state.events = endpoint

    @app.post(
        "/api/events",
        status_code=201,
        response_model=EventsOut,
        responses=error_responses(400, 403, 404, 413, 422, 429, 503),
        tags=["api"],
    )
    async def post_events(body: EventsIn, request: Request) -> EventsOut:
        """Store a batch of visit events (``navigator.sendBeacon`` from visit.js)."""
        address = request.client.host if request.client else None
        client = collector.client_key(address, request.headers.get(TEST_CLIENT_HEADER))
        return await endpoint.accept(body, client)
