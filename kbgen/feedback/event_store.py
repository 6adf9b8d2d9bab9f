"""Storing visit events: batched inserts with a per-client daily allowance, group commit,
and the retention purge.

A request's events are committed before the collector answers 2xx, so accepted events
survive the collector being killed. Requests that arrive while a transaction is being
written share the next one (as votes do, see :mod:`kbgen.feedback.writer`): under load a
single SQLite writer then commits hundreds of events per transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import anyio
from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from kbgen.feedback import schema
from kbgen.feedback.store import OverLimit, Store

log = logging.getLogger(__name__)

EVENT_SCOPE = "events"


@dataclass(frozen=True)
class EventSettings:
    """What an operator can set for events (see docs/analytics.md)."""

    #: Events per client (address pseudonym) and UTC day; a batch over it is refused (429).
    limit: int = 10_000
    #: Events older than this many days are deleted (daily by the collector, or by
    #: ``kbgen feedback purge``).
    retention_days: int = 90
    #: Events in one request at most.
    max_batch: int = 50


@dataclass(frozen=True)
class EventBatch:
    """One request's events, ready to insert (``rows`` carry day and created_at)."""

    rows: list[dict[str, Any]]
    day: dt.date
    client: str | None  # the day's pseudonym; None: not rate-limited
    limit: int


def retention_cutoff(today: dt.date, retention_days: int) -> dt.date:
    """The first day kept: events of earlier days are purged."""
    return today - dt.timedelta(days=max(retention_days, 1) - 1)


class EventStore:
    """Event operations on a :class:`~kbgen.feedback.store.Store`'s database."""

    def __init__(self, store: Store) -> None:
        self.store = store
        counters = schema.rate_counters
        ins = postgresql.insert if store.backend == "postgresql" else sqlite.insert
        # count + n <= limit or nothing: a batch is accepted whole or refused whole.
        self._count_stmt = (
            ins(counters)
            .values(
                day=bindparam("day"),
                client=bindparam("client"),
                scope=EVENT_SCOPE,
                count=bindparam("n"),
            )
            .on_conflict_do_update(
                index_elements=["day", "client", "scope"],
                set_={"count": counters.c.count + bindparam("n2")},
                where=counters.c.count + bindparam("n3") <= bindparam("limit"),
            )
            .returning(counters.c.count)
        )
        self._insert_stmt = insert(schema.events)

    def add_batches(self, batches: list[EventBatch]) -> list[bool]:
        """Store batches in one transaction; for each, whether it was stored (False: its
        client had used up the day's allowance)."""
        accepted: list[bool] = []
        rows: list[dict[str, Any]] = []
        with self.store.writing() as conn:
            for batch in batches:
                ok = batch.client is None or self._count(conn, batch)
                accepted.append(ok)
                if ok:
                    rows.extend(batch.rows)
            if rows:
                conn.execute(self._insert_stmt, rows)
        return accepted

    def _count(self, conn: Any, batch: EventBatch) -> bool:
        n = len(batch.rows)
        if n > batch.limit:
            return False
        params = {
            "day": batch.day,
            "client": batch.client,
            "n": n,
            "n2": n,
            "n3": n,
            "limit": batch.limit,
        }
        return conn.execute(self._count_stmt, params).first() is not None

    def purge(self, first_kept: dt.date) -> int:
        """Delete events of days before ``first_kept``; returns how many."""
        events = schema.events
        with self.store.writing() as conn:
            result = conn.execute(delete(events).where(events.c.day < first_kept))
        return int(result.rowcount or 0)

    def count(self) -> int:
        with self.store.reading() as conn:
            return conn.execute(select(func.count()).select_from(schema.events)).scalar_one()


class EventWriter:
    """Group commit for event batches on the server's event loop; also runs the daily
    retention purge (the first batch of a UTC day triggers it)."""

    def __init__(self, events: EventStore, retention_days: int, *, max_batches: int = 64) -> None:
        self.events = events
        self.retention_days = retention_days
        self.max_batches = max_batches
        self._pending: list[tuple[EventBatch, asyncio.Future[None]]] = []
        self._draining = False
        self._task: asyncio.Task[None] | None = None
        self._purged_day: dt.date | None = None

    async def submit(self, batch: EventBatch) -> None:
        """Store ``batch``; returns once committed. Raises :class:`OverLimit` (nothing
        stored) or the database's error."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._pending.append((batch, future))
        if not self._draining:
            self._draining = True
            self._task = loop.create_task(self._drain())
        await future

    def _write(self, batches: list[EventBatch]) -> list[bool]:
        day = batches[0].day
        if self._purged_day != day:
            self._purged_day = day
            try:
                n = self.events.purge(retention_cutoff(day, self.retention_days))
                if n:
                    log.info("Purged %d events older than %d days", n, self.retention_days)
            except Exception as exc:  # a failed purge must not lose today's events
                log.warning("Could not purge old events: %s", exc)
        return self.events.add_batches(batches)

    async def _drain(self) -> None:
        try:
            while self._pending:
                group = self._pending[: self.max_batches]
                del self._pending[: self.max_batches]
                try:
                    accepted = await anyio.to_thread.run_sync(
                        self._write, [batch for batch, _ in group]
                    )
                except Exception as exc:  # every waiter gets the failure, e.g. database down
                    log.debug("Event group of %d failed: %s", len(group), exc)
                    for _, future in group:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), ok in zip(group, accepted, strict=True):
                    if future.done():
                        continue
                    if ok:
                        future.set_result(None)
                    else:
                        future.set_exception(OverLimit(EVENT_SCOPE))
        finally:
            self._draining = False
