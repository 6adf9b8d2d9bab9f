"""The contact requests' tables as an outbox: a request is stored together with one pending
delivery per channel in one transaction, so nothing answered with a reference is lost; workers
claim due deliveries with a lease (several collector instances may share a database), and a
delivery is marked sent only after the channel accepted it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update

from kbgen.feedback import schema
from kbgen.feedback.store import OverLimit, Store

requests_t = schema.contact_requests
deliveries_t = schema.contact_deliveries


@dataclass(frozen=True)
class NewRequest:
    lang: str
    topic: str
    subject: str
    message: str
    email: str
    name: str
    order_no: str
    context: dict[str, Any]
    recommended: list[dict[str, Any]]


@dataclass(frozen=True)
class StoredRequest(NewRequest):
    """A request as stored: what the customer sent, with its number and reference."""

    id: int
    reference: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Delivery:
    id: int
    request_id: int
    reference: str
    channel: str
    state: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str
    created_at: dt.datetime


def reference_of(request_id: int, created_at: dt.datetime) -> str:
    """``K-2026-000123``: what the customer quotes; unique because the id is."""
    return f"K-{created_at.year}-{request_id:06d}"


def backoff(attempts: int, base: float, cap: float) -> dt.timedelta:
    """Wait after the ``attempts``-th failure: base, 2×base, 4×base … at most ``cap`` seconds."""
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


class Outbox:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self,
        request: NewRequest,
        *,
        channels: tuple[str, ...],
        now: dt.datetime,
        client: str | None,
        limit: int,
    ) -> str:
        """Store the request and its pending deliveries; returns the reference. Raises
        :class:`OverLimit` when the client has sent ``limit`` requests today."""
        with self.store.writing() as conn:
            if client is not None and not self.store._count(
                conn, now.date(), client, "contact", limit
            ):
                raise OverLimit("contact")
            request_id = conn.execute(
                insert(requests_t)
                .values(
                    lang=request.lang,
                    topic=request.topic,
                    subject=request.subject,
                    message=request.message,
                    email=request.email,
                    name=request.name,
                    order_no=request.order_no,
                    context=json.dumps(request.context, ensure_ascii=False, sort_keys=True),
                    recommended=json.dumps(request.recommended, ensure_ascii=False),
                    day=now.date(),
                    created_at=now,
                )
                .returning(requests_t.c.id)
            ).scalar_one()
            reference = reference_of(request_id, now)
            conn.execute(
                update(requests_t).where(requests_t.c.id == request_id).values(reference=reference)
            )
            if channels:
                conn.execute(
                    insert(deliveries_t),
                    [
                        {
                            "request_id": request_id,
                            "channel": channel,
                            "state": "pending",
                            "attempts": 0,
                            "next_attempt_at": now,
                            "last_error": "",
                        }
                        for channel in channels
                    ],
                )
        return reference

    def claim(
        self, now: dt.datetime, lease: dt.timedelta, channels: tuple[str, ...], limit: int = 20
    ) -> list[Delivery]:
        """Due pending deliveries of ``channels``, each moved one lease ahead so no other
        worker takes it meanwhile (a worker killed mid-delivery leaves it due again)."""
        claimed: list[Delivery] = []
        with self.store.writing() as conn:
            rows = conn.execute(
                self._select()
                .where(
                    deliveries_t.c.state == "pending",
                    deliveries_t.c.next_attempt_at <= now,
                    deliveries_t.c.channel.in_(channels),
                )
                .order_by(deliveries_t.c.next_attempt_at, deliveries_t.c.id)
                .limit(limit)
            ).all()
            for row in rows:
                taken = conn.execute(
                    update(deliveries_t)
                    .where(
                        deliveries_t.c.id == row.id,
                        deliveries_t.c.state == "pending",
                        deliveries_t.c.next_attempt_at == row.next_attempt_at,
                    )
                    .values(next_attempt_at=now + lease)
                ).rowcount
                if taken:
                    claimed.append(_delivery(row))
        return claimed

    def request(self, request_id: int) -> StoredRequest:
        with self.store.reading() as conn:
            row = conn.execute(select(requests_t).where(requests_t.c.id == request_id)).one()
        return StoredRequest(
            id=row.id,
            reference=row.reference,
            lang=row.lang,
            topic=row.topic,
            subject=row.subject,
            message=row.message,
            email=row.email,
            name=row.name,
            order_no=row.order_no,
            context=json.loads(row.context),
            recommended=json.loads(row.recommended),
            created_at=row.created_at,
        )

    def sent(self, delivery_id: int, now: dt.datetime) -> None:
        with self.store.writing() as conn:
            conn.execute(
                update(deliveries_t)
                .where(deliveries_t.c.id == delivery_id)
                .values(
                    state="sent", sent_at=now, attempts=deliveries_t.c.attempts + 1, last_error=""
                )
            )

    def failed(
        self,
        delivery: Delivery,
        error: str,
        now: dt.datetime,
        *,
        base: float,
        cap: float,
        max_attempts: int,
    ) -> str:
        """Record a failed attempt; the delivery stays pending with a later due time, or is
        ``failed`` after ``max_attempts`` (``kbgen feedback contacts --retry`` revives it)."""
        attempts = delivery.attempts + 1
        state = "failed" if attempts >= max_attempts else "pending"
        with self.store.writing() as conn:
            conn.execute(
                update(deliveries_t)
                .where(deliveries_t.c.id == delivery.id)
                .values(
                    state=state,
                    attempts=attempts,
                    last_error=error[:500],
                    next_attempt_at=now + backoff(attempts, base, cap),
                )
            )
        return state

    def deliveries(self, states: tuple[str, ...] = ("pending", "failed")) -> list[Delivery]:
        with self.store.reading() as conn:
            rows = conn.execute(
                self._select()
                .where(deliveries_t.c.state.in_(states))
                .order_by(requests_t.c.id, deliveries_t.c.channel)
            ).all()
        return [_delivery(row) for row in rows]

    def retry(self, now: dt.datetime, references: tuple[str, ...] = ()) -> int:
        """Make failed (and waiting) deliveries due now, all or those of ``references``."""
        condition = deliveries_t.c.state.in_(("pending", "failed"))
        if references:
            ids = select(requests_t.c.id).where(requests_t.c.reference.in_(references))
            condition = and_(condition, deliveries_t.c.request_id.in_(ids))
        with self.store.writing() as conn:
            return conn.execute(
                update(deliveries_t)
                .where(condition)
                .values(state="pending", next_attempt_at=now, attempts=0)
            ).rowcount

    def purge(self, before: dt.date) -> int:
        """Delete requests from days before ``before`` that every channel has received; the
        others (pending or failed) are kept until delivered."""
        open_ids = select(deliveries_t.c.request_id).where(deliveries_t.c.state != "sent")
        old = select(requests_t.c.id).where(
            requests_t.c.day < before, requests_t.c.id.not_in(open_ids)
        )
        with self.store.writing() as conn:
            ids = [row.id for row in conn.execute(old)]
            if not ids:
                return 0
            conn.execute(delete(deliveries_t).where(deliveries_t.c.request_id.in_(ids)))
            return conn.execute(delete(requests_t).where(requests_t.c.id.in_(ids))).rowcount

    def counts(self) -> dict[str, int]:
        with self.store.reading() as conn:
            rows = conn.execute(
                select(deliveries_t.c.state, func.count()).group_by(deliveries_t.c.state)
            ).all()
        return {state: count for state, count in rows}

    @staticmethod
    def _select() -> Any:
        return select(
            deliveries_t.c.id,
            deliveries_t.c.request_id,
            requests_t.c.reference,
            deliveries_t.c.channel,
            deliveries_t.c.state,
            deliveries_t.c.attempts,
            deliveries_t.c.next_attempt_at,
            deliveries_t.c.last_error,
            requests_t.c.created_at,
        ).join(requests_t, requests_t.c.id == deliveries_t.c.request_id)


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        request_id=row.request_id,
        reference=row.reference,
        channel=row.channel,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        created_at=row.created_at,
    )
