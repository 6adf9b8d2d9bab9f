"""Where feedback is kept: SQLite (default, embedded) or PostgreSQL, through SQLAlchemy Core.

Every write is one short transaction that is committed before the collector answers, so a
vote answered with 2xx survives the collector being killed. SQLite runs in WAL mode with
``synchronous=NORMAL``: a commit is in the WAL file (the OS's page cache) when ``COMMIT``
returns, which survives a killed process; only a power loss before the next checkpoint could
lose the last commits (use ``?synchronous=full`` in the URL to trade speed for that too).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, create_engine, delete, event, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError

from kbgen.feedback import schema
from kbgen.feedback.errors import FeedbackError
from kbgen.feedback.migrations import current_version, migrate

log = logging.getLogger(__name__)

DEFAULT_DB_URL = "sqlite:///feedback.sqlite3"
_SQLITE_SYNC_MODES = {"off", "normal", "full", "extra"}


class OverLimit(Exception):
    """A client exceeded its daily allowance for a scope; nothing was stored."""


@dataclass(frozen=True)
class NewVote:
    article_id: str
    lang: str
    revision: str
    helpful: bool
    channel: str
    now: dt.datetime
    token_hash: str | None
    client: str | None  # the day's pseudonym; None: not rate-limited
    limit: int

    @property
    def scope(self) -> str:
        return f"vote:{self.article_id}:{self.lang}"

    def row(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "lang": self.lang,
            "revision": self.revision,
            "helpful": self.helpful,
            "channel": self.channel,
            "day": self.now.date(),
            "created_at": self.now,
            "token_hash": self.token_hash,
        }


def _parse_url(url: str) -> tuple[URL, dict[str, str]]:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise FeedbackError(
            f"Invalid database URL {url!r}. Expected e.g. 'sqlite:///feedback.sqlite3' or "
            "'postgresql+psycopg://user:password@host/dbname'."
        ) from None
    options: dict[str, str] = {}
    if parsed.get_backend_name() == "sqlite" and "synchronous" in parsed.query:
        options["synchronous"] = str(parsed.query["synchronous"]).lower()
        parsed = parsed.difference_update_query(["synchronous"])
    return parsed, options


def create_store_engine(url: str) -> Engine:
    parsed, options = _parse_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise FeedbackError(
                f"Database URL {url!r} is an in-memory SQLite database, which loses every "
                "vote when the collector stops. Hint: use sqlite:///feedback.sqlite3."
            )
        sync = options.get("synchronous", "normal")
        if sync not in _SQLITE_SYNC_MODES:
            raise FeedbackError(
                f"Database URL {url!r}: synchronous={sync!r}, expected one of "
                f"{sorted(_SQLITE_SYNC_MODES)}"
            )
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 10})
        _tune_sqlite(engine, sync)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            # SQLAlchemy would pick psycopg2, which kbgen does not depend on.
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=10)
        except ModuleNotFoundError as exc:
            raise FeedbackError(
                f"Cannot use {url!r}: {exc}. Hint: pip install 'kbgen[postgres]'."
            ) from None
    raise FeedbackError(
        f"Unsupported database {backend!r} in {url!r}: kbgen stores feedback in SQLite or "
        "PostgreSQL."
    )


def _tune_sqlite(engine: Engine, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself: pysqlite's implicit BEGIN skips
        # DDL (migrations would not be atomic) and is always DEFERRED.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front: a DEFERRED transaction that reads first and
        # then writes can fail with SQLITE_BUSY in WAL mode without waiting for busy_timeout.
        readonly = conn.get_execution_options().get("kbgen_readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


class Store:
    """The collector's storage operations; the report reads through :attr:`engine`."""

    def __init__(self, url: str = DEFAULT_DB_URL, *, auto_migrate: bool = True) -> None:
        self.url = url
        self.engine = create_store_engine(url)
        # SQLite has one writer at a time; threads waiting in its busy handler sleep in
        # growing steps (up to 100 ms), which wrecks throughput and tail latency. Queueing
        # writers on a lock in this process instead hands the database over at once.
        self._write_lock: Any = (
            threading.Lock() if self.engine.dialect.name == "sqlite" else _NoLock()
        )
        # Built once: SQLAlchemy then reuses the compiled form and only binds parameters,
        # several times cheaper per vote than building the statement with .values(...).
        counters = schema.rate_counters
        self._count_stmt = (
            self._insert()(counters)
            .values(
                day=bindparam("day"), client=bindparam("client"), scope=bindparam("scope"), count=1
            )
            .on_conflict_do_update(
                index_elements=["day", "client", "scope"],
                set_={"count": counters.c.count + 1},
                # No row comes back once the limit is reached: nothing to roll back.
                where=counters.c.count < bindparam("limit"),
            )
            .returning(counters.c.count)
        )
        self._vote_stmt = insert(schema.votes)
        if auto_migrate:
            self.migrate()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> int:
        try:
            with self.engine.begin() as conn:
                return migrate(conn)
        except SQLAlchemyError as exc:
            raise FeedbackError(
                f"Cannot open the feedback database {self.safe_url}: {exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0]}"
            ) from exc

    @property
    def safe_url(self) -> str:
        """The URL with any password masked, for logs and messages."""
        return _parse_url(self.url)[0].render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def schema_version(self) -> int:
        with self.reading() as conn:
            return current_version(conn)

    def reading(self) -> Any:
        """A read transaction that does not block SQLite writers."""
        return self.engine.connect().execution_options(kbgen_readonly=True)

    @contextmanager
    def writing(self) -> Iterator[Any]:
        """A write transaction, committed when the block ends (rolled back on error)."""
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    def _insert(self) -> Any:
        return postgresql.insert if self.backend == "postgresql" else sqlite.insert

    def discard_rate_counters(self, *, before: dt.date) -> None:
        """Delete the rate counters of days before ``before`` (their clients' pseudonyms were
        keyed with a key that no longer exists; see :mod:`kbgen.feedback.keys`)."""
        with self.writing() as conn:
            conn.execute(delete(schema.rate_counters).where(schema.rate_counters.c.day < before))

    def _count(self, conn: Any, day: dt.date, client: str, scope: str, limit: int) -> bool:
        """Count one use of ``scope`` by ``client``; False (nothing counted) over the limit."""
        if limit < 1:
            return False
        params = {"day": day, "client": client, "scope": scope, "limit": limit}
        return conn.execute(self._count_stmt, params).first() is not None

    def add_votes(self, votes: list[NewVote]) -> list[bool]:
        """Store votes in one transaction; for each, whether it was stored (False: its client
        had used up the day's allowance for the article)."""
        accepted = []
        with self.writing() as conn:
            for vote in votes:
                ok = vote.client is None or self._count(
                    conn, vote.now.date(), vote.client, vote.scope, vote.limit
                )
                accepted.append(ok)
            rows = [vote.row() for vote, ok in zip(votes, accepted, strict=True) if ok]
            if rows:
                conn.execute(self._vote_stmt, rows)
        return accepted

    def add_vote(self, **fields: Any) -> None:
        """Store one vote (see :class:`NewVote` for the fields); raises :class:`OverLimit`."""
        vote = NewVote(**fields)
        if not self.add_votes([vote])[0]:
            raise OverLimit(vote.scope)

    def add_followup(
        self, *, token_hash: str, reason: str, comment: str, now: dt.datetime, window: dt.timedelta
    ) -> str:
        """Attach a follow-up to the vote the token belongs to.

        Returns ``"stored"``, or why not: ``"unknown"`` token, ``"not_allowed"`` (the vote was
        "helpful"), ``"expired"`` (older than ``window``) or ``"exists"`` (already given).
        """
        votes, followups = schema.votes, schema.followups
        try:
            with self.writing() as conn:
                vote = conn.execute(
                    select(votes.c.id, votes.c.helpful, votes.c.created_at).where(
                        votes.c.token_hash == token_hash
                    )
                ).first()
                if vote is None:
                    return "unknown"
                if vote.helpful:
                    return "not_allowed"
                if now - vote.created_at > window:
                    return "expired"
                existing = conn.execute(
                    select(followups.c.id).where(followups.c.vote_id == vote.id)
                ).first()
                if existing is not None:
                    return "exists"
                conn.execute(
                    insert(followups).values(
                        vote_id=vote.id,
                        reason=reason,
                        comment=comment,
                        day=now.date(),
                        created_at=now,
                    )
                )
        except IntegrityError:
            return "exists"  # a concurrent follow-up for the same vote won the race
        return "stored"

    def add_zero_result(
        self, *, query: str, lang: str, now: dt.datetime, client: str | None, limit: int
    ) -> None:
        with self.writing() as conn:
            if client is not None and not self._count(
                conn, now.date(), client, "zero-results", limit
            ):
                raise OverLimit("zero-results")
            conn.execute(
                insert(schema.zero_results).values(
                    query=query, lang=lang, day=now.date(), created_at=now
                )
            )

    def count_votes(self) -> int:
        with self.reading() as conn:
            return conn.execute(select(func.count()).select_from(schema.votes)).scalar_one()
