"""``POST /api/contact`` and its token, mounted on the collector's app (same process, same
database, same guard: only the site's origin, body size limit, rate limit per client)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request

from kbgen.contact.models import ContactIn, ContactOut, ContactToken
from kbgen.contact.outbox import NewRequest, Outbox
from kbgen.contact.settings import ContactSettings
from kbgen.contact.worker import DeliveryWorker
from kbgen.feedback import contract
from kbgen.feedback.collector import TEST_CLIENT_HEADER, Collector
from kbgen.feedback.errors import ApiError, FeedbackError, error_responses
from kbgen.feedback.store import OverLimit

log = logging.getLogger(__name__)

CONTACT_PATH = contract.CONTACT_PATH
TOKEN_PATH = contract.CONTACT_TOKEN_PATH
MAX_BODY = 64 * 1024
RECOMMENDED_MAX = 3


class ContactService:
    def __init__(self, collector: Collector, settings: ContactSettings) -> None:
        if settings.webhook_url and urlsplit(settings.webhook_url).scheme not in ("http", "https"):
            raise FeedbackError(
                f"--webhook-url must be an http(s) URL, got {settings.webhook_url!r}"
            )
        self.collector = collector
        self.settings = settings
        self.outbox = Outbox(collector.store)
        self.worker = DeliveryWorker(self.outbox, settings)
        self._index: Any = None  # kbgen.service.answers.Answers, opened on the first request
        self._search_warned = False

    @property
    def enabled(self) -> bool:
        return bool(self.settings.channels)

    def recommend(self, text: str, lang: str) -> list[dict[str, str]]:
        """Up to three articles for the agent: the site's own search over the message."""
        folder = self.collector.settings.search_index
        if folder is None:
            return []
        if self._index is None:
            # The answer routes' index holder (Whoosh loaded on demand): it reopens the index
            # when a build replaced it, so recommendations follow the site without a restart.
            from kbgen.service.answers import Answers

            self._index = Answers(folder, lambda: "")
        try:
            hits = self._index.query(text[:1000], lang, RECOMMENDED_MAX).hits
        except ApiError as exc:  # no readable index (yet)
            # Said once (each request would repeat it); retried, so a later build helps.
            level = logging.DEBUG if self._search_warned else logging.WARNING
            log.log(level, "No recommended articles for contact requests: %s", exc.message)
            self._search_warned = True
            return []
        manifest = self.collector.manifest
        found = []
        for hit in hits:
            base = manifest.site_url.rstrip("/") + "/" if manifest.site_url else "/"
            found.append(
                {"id": hit.id, "lang": hit.lang, "title": hit.title, "url": base + hit.url}
            )
        return found

    def close(self) -> None:
        self.worker.stop()
        if self._index is not None:
            self._index.close()


def _client(collector: Collector, request: Request) -> str:
    address = request.client.host if request.client else None
    return collector.client_key(address, request.headers.get(TEST_CLIENT_HEADER))


def install(app: FastAPI, service: ContactService) -> None:
    collector = service.collector
    settings = service.settings

    def require_enabled() -> None:
        if not service.enabled:
            raise ApiError(
                503,
                "contact_unavailable",
                "This collector delivers no contact requests (no SMTP or webhook configured).",
            )

    @app.get(
        TOKEN_PATH,
        response_model=ContactToken,
        responses=error_responses(503),
        tags=["contact"],
    )
    async def contact_token(request: Request) -> ContactToken:
        """A short-lived token for the contact form. Only the site's pages can read it (CORS),
        and it is bound to the client, so no other origin can send requests in their name."""
        require_enabled()
        token = collector.form_tokens.issue(
            collector.clock(), _client(collector, request), "contact"
        )
        return ContactToken(token=token, expires_in=int(collector.form_tokens.ttl.total_seconds()))

    @app.post(
        CONTACT_PATH,
        status_code=201,
        response_model=ContactOut,
        responses=error_responses(400, 403, 413, 422, 429, 503),
        tags=["contact"],
    )
    async def contact(body: ContactIn, request: Request) -> ContactOut:
        """Store a contact request and deliver it to the support team (SMTP and/or webhook);
        answers with the reference the customer quotes."""
        require_enabled()
        now = collector.clock()
        if body.website:
            log.debug("Honeypot filled on a contact request: ignored")
            return ContactOut(reference=f"K-{now.year}-{secrets.randbelow(900000) + 100000:06d}")
        client = _client(collector, request)
        problem = collector.form_tokens.check(body.form_token, now, client, "contact")
        if problem:
            raise ApiError(
                403,
                "form_expired" if problem == "expired" else "form_token_invalid",
                "The contact form's token is missing, expired or not this client's; "
                f"fetch a new one from {TOKEN_PATH}.",
            )
        pseudonym = collector.pseudonym(client, now, "contact")
        query = " ".join(x for x in (body.subject, body.message) if x)
        recommended = await collector.run(service.recommend, query, body.lang)
        new = NewRequest(
            lang=body.lang,
            topic=body.topic,
            subject=body.subject,
            message=body.message,
            email=body.email,
            name=body.name,
            order_no=body.order,
            context=body.context.model_dump(),
            recommended=recommended,
        )
        try:
            reference = await collector.run(
                service.outbox.add,
                new,
                channels=settings.channels,
                now=now,
                client=pseudonym,
                limit=settings.limit,
            )
        except OverLimit:
            raise collector.over_limit(now, pseudonym, "contact") from None
        service.worker.wake()
        return ContactOut(reference=reference)


__all__ = ["CONTACT_PATH", "MAX_BODY", "TOKEN_PATH", "ContactService", "install", "dt"]
