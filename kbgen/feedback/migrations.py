"""Ordered schema migrations, applied automatically when the collector or report opens a
database. Hand-rolled rather than Alembic: a handful of tables, two back-ends, and no new
dependency.

Each migration is frozen once released: it defines the tables as they were at its version,
never by importing :mod:`kbgen.feedback.schema` (which describes the *current* schema).
To change the schema, append a migration and update ``schema.py``; a test compares a freshly
migrated database with ``schema.py``.

Several collector instances may start at once against one PostgreSQL database, so the
upgrade runs in one transaction under an advisory lock (SQLite: ``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    text,
)

from kbgen.feedback import schema
from kbgen.feedback.errors import FeedbackError

log = logging.getLogger(__name__)

_ADVISORY_LOCK_KEY = 0x6B6267656E  # "kbgen"


def _v1_initial(conn: Connection) -> None:
    md = MetaData()
    ident = BigInteger().with_variant(Integer(), "sqlite")
    Table(
        "kbgen_votes",
        md,
        Column("id", ident, primary_key=True, autoincrement=True),
        Column("article_id", String(100), nullable=False),
        Column("lang", String(16), nullable=False),
        Column("revision", String(64), nullable=False),
        Column("helpful", Boolean, nullable=False),
        Column("channel", String(8), nullable=False),
        Column("day", Date, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Column("token_hash", String(64), nullable=True, unique=True),
        Index("ix_kbgen_votes_article_day", "article_id", "lang", "day"),
        Index("ix_kbgen_votes_day", "day"),
    )
    Table(
        "kbgen_followups",
        md,
        Column("id", ident, primary_key=True, autoincrement=True),
        Column("vote_id", ident, ForeignKey("kbgen_votes.id"), nullable=False, unique=True),
        Column("reason", String(32), nullable=False),
        Column("comment", Text, nullable=False),
        Column("day", Date, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Index("ix_kbgen_followups_day", "day"),
    )
    Table(
        "kbgen_zero_results",
        md,
        Column("id", ident, primary_key=True, autoincrement=True),
        Column("query", String(200), nullable=False),
        Column("lang", String(16), nullable=False),
        Column("day", Date, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Index("ix_kbgen_zero_results_day", "day"),
    )
    Table(
        "kbgen_salts",
        md,
        Column("day", Date, primary_key=True),
        Column("salt", String(64), nullable=False),
    )
    Table(
        "kbgen_rate_counters",
        md,
        Column("day", Date, primary_key=True),
        Column("client", String(64), primary_key=True),
        Column("scope", String(160), primary_key=True),
        Column("count", Integer, nullable=False),
    )
    md.create_all(conn)


def _v2_no_salts_in_database(conn: Connection) -> None:
    # The key of the client hashes must not sit beside them (kbgen.feedback.keys); the
    # counters keyed with the dropped salts are unlinkable now and go too.
    conn.execute(text("DELETE FROM kbgen_rate_counters"))
    conn.execute(text("DROP TABLE IF EXISTS kbgen_salts"))


def _v3_events(conn: Connection) -> None:
    md = MetaData()
    ident = BigInteger().with_variant(Integer(), "sqlite")
    Table(
        "kbgen_events",
        md,
        Column("id", ident, primary_key=True, autoincrement=True),
        Column("visit", String(32), nullable=False),
        Column("seq", Integer, nullable=False),
        Column("kind", String(24), nullable=False),
        Column("lang", String(16), nullable=False),
        Column("seconds", Integer, nullable=False),
        Column("article_id", String(100), nullable=True),
        Column("query", String(200), nullable=True),
        Column("number", Integer, nullable=True),
        Column("value", String(32), nullable=True),
        Column("day", Date, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Index("ix_kbgen_events_visit", "visit", "seq"),
        Index("ix_kbgen_events_day", "day"),
    )
    md.create_all(conn)


def _v4_contact_requests(conn: Connection) -> None:
    md = MetaData()
    ident = BigInteger().with_variant(Integer(), "sqlite")
    Table(
        "kbgen_contact_requests",
        md,
        Column("id", ident, primary_key=True, autoincrement=True),
        Column("reference", String(24), nullable=True, unique=True),
        Column("lang", String(16), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("subject", String(200), nullable=False),
        Column("message", Text, nullable=False),
        Column("email", String(254), nullable=False),
        Column("name", String(100), nullable=False),
        Column("order_no", String(64), nullable=False),
        Column("context", Text, nullable=False),
        Column("recommended", Text, nullable=False),
        Column("day", Date, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Index("ix_kbgen_contact_requests_day", "day"),
    )
    Table(
        "kbgen_contact_deliveries",
        md,
        Column("id", ident, primary_key=True, autoincrement=True),
        Column("request_id", ident, ForeignKey("kbgen_contact_requests.id"), nullable=False),
        Column("channel", String(16), nullable=False),
        Column("state", String(16), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("next_attempt_at", DateTime, nullable=False),
        Column("last_error", Text, nullable=False),
        Column("sent_at", DateTime, nullable=True),
        UniqueConstraint("request_id", "channel", name="uq_kbgen_contact_delivery"),
        Index("ix_kbgen_contact_deliveries_due", "state", "next_attempt_at"),
    )
    md.create_all(conn)


Migration = tuple[int, str, Callable[[Connection], None]]

MIGRATIONS: list[Migration] = [
    (1, "votes, follow-ups, zero-result queries, salts, rate counters", _v1_initial),
    (2, "drop the salts table: the key lives outside the database", _v2_no_salts_in_database),
    (3, "visit events for the self-service report", _v3_events),
    (4, "contact requests and their delivery outbox", _v4_contact_requests),
]

LATEST_VERSION = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    if not conn.dialect.has_table(conn, schema.schema_version.name):
        return 0
    return conn.execute(select(func.max(schema.schema_version.c.version))).scalar() or 0


def migrate(conn: Connection) -> int:
    """Bring the database to :data:`LATEST_VERSION` inside the caller's transaction.

    Returns the number of migrations applied. A database newer than this kbgen is refused
    rather than written to with a schema the code does not know.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
    schema.schema_version.create(conn, checkfirst=True)
    version = current_version(conn)
    if version > LATEST_VERSION:
        raise FeedbackError(
            f"The feedback database has schema version {version}, newer than this kbgen "
            f"knows ({LATEST_VERSION}). Hint: upgrade kbgen."
        )
    applied = 0
    for number, description, apply in MIGRATIONS:
        if number <= version:
            continue
        log.info("Migrating feedback database to version %d: %s", number, description)
        apply(conn)
        conn.execute(
            insert(schema.schema_version).values(
                version=number,
                description=description,
                applied_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            )
        )
        applied += 1
    return applied
