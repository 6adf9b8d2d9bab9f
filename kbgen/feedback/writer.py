"""Group commit for votes: votes that arrive while a transaction is being written go into the
next transaction together, and each request is answered once its transaction is committed.

At low traffic every vote is its own transaction, as before. Under load a batch shares one
BEGIN/COMMIT (and one WAL append on SQLite, one round trip to commit on PostgreSQL), which is
where most of a single vote's storage cost went. Transactions run one at a time in a worker
thread, so the database work overlaps with the event loop's HTTP work (SQLite and psycopg
release the GIL), and SQLite never has two writers from this process competing for its lock.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import anyio

from kbgen.feedback.store import NewVote, OverLimit, Store

log = logging.getLogger(__name__)


class VoteWriter:
    """Belongs to one event loop (the server's); ``submit`` is its only entry point."""

    def __init__(self, store: Store, *, max_batch: int = 256) -> None:
        self.store = store
        self.max_batch = max_batch
        self._pending: list[tuple[NewVote, asyncio.Future[None]]] = []
        self._draining = False
        self._task: asyncio.Task[None] | None = None  # kept referenced until done

    async def submit(self, vote: NewVote) -> None:
        """Store ``vote``; returns once committed. Raises :class:`OverLimit` when the client's
        allowance is used up (nothing stored), or the database's error."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((vote, future))
        if not self._draining:
            self._draining = True
            self._task = asyncio.get_running_loop().create_task(self._drain())
        await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
                try:
                    accepted = await anyio.to_thread.run_sync(
                        self.store.add_votes, [vote for vote, _ in batch]
                    )
                except Exception as exc:  # every waiter gets the failure, e.g. database down
                    log.debug("Vote batch of %d failed: %s", len(batch), exc)
                    _settle(batch, exc)
                    continue
                for (vote, future), ok in zip(batch, accepted, strict=True):
                    if future.done():
                        continue  # the client went away; the vote is stored all the same
                    if ok:
                        future.set_result(None)
                    else:
                        future.set_exception(OverLimit(vote.scope))
        finally:
            self._draining = False


def _settle(batch: list[tuple[Any, asyncio.Future[None]]], exc: Exception) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(exc)
