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
from typing import Annotated, Literal

from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field

from kbgen.feedback import contract, models
from kbgen.feedback.collector import TEST_CLIENT_HEADER, Collector
from kbgen.feedback.errors import ApiError, error_responses
from kbgen.feedback.event_store import EventBatch, EventSettings, EventStore, EventWriter
from kbgen.feedback.privacy import clean_text, redact_query
from kbgen.feedback.store import OverLimit

log = logging.getLogger(__name__)

VISIT_PATTERN = r"^[A-Za-z0-9_-]{16,32}$"
OUTCOME_PATTERN = r"^[a-z][a-z_]{0,31}$"
# An instant answer names a passage: article id, then optionally #anchor.
PASSAGE_PATTERN = r"^[\w][\w.\-/]*(#[\w.\-]*)?$"

ArticleId = Field(min_length=1, max_length=100, pattern=models.ARTICLE_PATTERN)


def normalize_query(text: str) -> str:
    """A search as stored and grouped: one line, single spaces, lower case, e-mail
    addresses and long numbers redacted, at most 200 characters."""
    return redact_query(clean_text(text, multiline=False))[: models.QUERY_MAX]


class _Event(BaseModel):
    # No whitespace stripping before the length checks: a query of blanks is valid and
    # skipped once normalized, as the OpenAPI document promises.
    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=0, le=1_000_000, description="Order of the event within the visit.")
    t: int = Field(ge=0, le=7 * 86400, description="Seconds since the visit's first event.")


class SearchEvent(_Event):
    kind: Literal["search"]
    q: str = Field(min_length=1, max_length=models.QUERY_MAX * 2, description="The query.")
    n: int = Field(ge=0, le=1_000_000, description="Number of results.")


class ResultEvent(_Event):
    kind: Literal["result"]
    q: str = Field(default="", max_length=models.QUERY_MAX * 2)
    n: int = Field(ge=1, le=10_000, description="Rank of the opened result, 1 = first.")
    id: str = ArticleId


class ArticleEvent(_Event):
    kind: Literal["article"]
    id: str = ArticleId


class VoteEvent(_Event):
    kind: Literal["vote"]
    id: str = ArticleId
    value: Literal["yes", "no"]


class AnswerEvent(_Event):
    kind: Literal["answer"]
    id: str = Field(min_length=1, max_length=200, pattern=PASSAGE_PATTERN)
    value: Literal["shown", "helpful"]


class AssistantEvent(_Event):
    kind: Literal["assistant"]
    value: Literal["user", "assistant"] = Field(description="Who spoke; the text is not sent.")


class AssistantOutcomeEvent(_Event):
    kind: Literal["assistant_outcome"]
    value: str = Field(max_length=32, pattern=OUTCOME_PATTERN)


class ContactViewEvent(_Event):
    kind: Literal["contact_view"]


class SuggestionEvent(_Event):
    kind: Literal["suggestion"]
    id: str = ArticleId


class ContactSentEvent(_Event):
    kind: Literal["contact_sent"]


EventIn = Annotated[
    SearchEvent
    | ResultEvent
    | ArticleEvent
    | VoteEvent
    | AnswerEvent
    | AssistantEvent
    | AssistantOutcomeEvent
    | ContactViewEvent
    | SuggestionEvent
    | ContactSentEvent,
    Field(discriminator="kind"),
]
KINDS = (
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
)
_WITH_ARTICLE = {"result", "article", "vote", "answer", "suggestion"}


class EventsIn(BaseModel):
    # No whitespace stripping before the length checks: a query of blanks is valid and
    # skipped once normalized, as the OpenAPI document promises.
    model_config = ConfigDict(extra="forbid")

    visit: str = Field(pattern=VISIT_PATTERN, description="Random per-tab id of the visit.")
    lang: str = models.Lang
    events: list[EventIn] = Field(min_length=1, max_length=EventSettings.max_batch)


class EventsOut(BaseModel):
    status: Literal["stored"] = "stored"
    stored: int = Field(description="Events stored.")
    skipped: int = Field(
        description="Events naming an article the site does not have, or searches whose "
        "query is empty once control characters are removed."
    )


def _row(event: BaseModel, visit: str, lang: str, now: dt.datetime) -> dict[str, object] | None:
    """The stored row, or None when nothing is left to store (a query of control
    characters only)."""
    kind = event.kind  # type: ignore[attr-defined]
    query = getattr(event, "q", None)
    if query is not None:
        query = normalize_query(query) or None
        if kind == "search" and query is None:
            return None
    article = getattr(event, "id", None)
    return {
        "visit": visit,
        "seq": event.seq,  # type: ignore[attr-defined]
        "kind": kind,
        "lang": lang,
        "seconds": event.t,  # type: ignore[attr-defined]
        # An instant answer's passage counts for its article.
        "article_id": article.split("#", 1)[0] if article else None,
        "query": query,
        "number": getattr(event, "n", None),
        "value": getattr(event, "value", None),
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
            row = _row(event, body.visit, body.lang, now)
            if row is None or (
                event.kind in _WITH_ARTICLE and (row["article_id"], body.lang) not in articles
            ):
                skipped += 1  # a stale page after a redeploy, a forged id, an empty query
                continue
            rows.append(row)
        if not rows:
            return EventsOut(stored=0, skipped=skipped)
        scope = "events"
        pseudonym = self.collector.pseudonym(client, now, scope)
        batch = EventBatch(rows=rows, day=now.date(), client=pseudonym, limit=self.settings.limit)
        try:
            await self.writer.submit(batch)
        except OverLimit:
            raise self.collector.over_limit(now, pseudonym, scope) from None
        return EventsOut(stored=len(rows), skipped=skipped)


def mount_events(app: FastAPI, collector: Collector) -> None:
    """Add ``POST /api/events`` to the collector app."""
    settings = collector.settings.events
    endpoint = EventsEndpoint(collector, settings)
    app.state.events = endpoint

    @app.post(
        contract.EVENTS_PATH,
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
