"""The collector's tables as the code queries them (the current schema version).

The migrations in :mod:`kbgen.feedback.migrations` create and evolve these tables; a test
checks that a freshly migrated database matches this module, so they cannot drift apart.

No table holds an IP address or anything derived from one for longer than a day:
``rate_counters`` keys clients by an HMAC with the day's key, which is kept outside the database
(:mod:`kbgen.feedback.keys`); counters of earlier days are purged daily.
Times are naive UTC.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
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
)

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
Id = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

schema_version = Table(
    "kbgen_schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", DateTime, nullable=False),
)

votes = Table(
    "kbgen_votes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("article_id", String(100), nullable=False),
    Column("lang", String(16), nullable=False),
    Column("revision", String(64), nullable=False),
    Column("helpful", Boolean, nullable=False),
    # "js" (in-place POST) or "form" (no-JS confirm page): tells whether the no-JS path is used.
    Column("channel", String(8), nullable=False),
    Column("day", Date, nullable=False),
    Column("created_at", DateTime, nullable=False),
    # SHA-256 of the token that lets the voter add a follow-up; the token itself is not kept.
    Column("token_hash", String(64), nullable=True, unique=True),
    Index("ix_kbgen_votes_article_day", "article_id", "lang", "day"),
    Index("ix_kbgen_votes_day", "day"),
)

followups = Table(
    "kbgen_followups",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("vote_id", Id, ForeignKey("kbgen_votes.id"), nullable=False, unique=True),
    Column("reason", String(32), nullable=False),
    Column("comment", Text, nullable=False),
    Column("day", Date, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_kbgen_followups_day", "day"),
)

zero_results = Table(
    "kbgen_zero_results",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("query", String(200), nullable=False),
    Column("lang", String(16), nullable=False),
    Column("day", Date, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_kbgen_zero_results_day", "day"),
)

# Contact requests (kbgen.contact): stored first, then delivered from the outbox below.
contact_requests = Table(
    "kbgen_contact_requests",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("reference", String(24), nullable=True, unique=True),
    Column("lang", String(16), nullable=False),
    Column("topic", String(200), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("message", Text, nullable=False),
    Column("email", String(254), nullable=False),
    Column("name", String(100), nullable=False),
    Column("order_no", String(64), nullable=False),
    # JSON: what the customer agreed to send of the visit; the articles recommended to the agent.
    Column("context", Text, nullable=False),
    Column("recommended", Text, nullable=False),
    Column("day", Date, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_kbgen_contact_requests_day", "day"),
)

contact_deliveries = Table(
    "kbgen_contact_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("request_id", Id, ForeignKey("kbgen_contact_requests.id"), nullable=False),
    Column("channel", String(16), nullable=False),  # "smtp" or "webhook"
    Column("state", String(16), nullable=False),  # "pending", "sent" or "failed"
    Column("attempts", Integer, nullable=False),
    # Due time while pending; a worker that claims the delivery moves it one lease ahead.
    Column("next_attempt_at", DateTime, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("sent_at", DateTime, nullable=True),
    UniqueConstraint("request_id", "channel", name="uq_kbgen_contact_delivery"),
    Index("ix_kbgen_contact_deliveries_due", "state", "next_attempt_at"),
)

rate_counters = Table(
    "kbgen_rate_counters",
    metadata,
    Column("day", Date, primary_key=True),
    Column("client", String(64), primary_key=True),
    Column("scope", String(160), primary_key=True),
    Column("count", Integer, nullable=False),
)

# Self-service analytics (docs/analytics.md). One row per event of a visit; ``visit`` is a
# random id the browser makes per tab, linking that tab's events and nothing else. No
# address, user id or cookie value is stored; ``query`` is normalized and redacted like
# zero-result queries. Rows older than the retention period are purged.
events = Table(
    "kbgen_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("visit", String(32), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("lang", String(16), nullable=False),
    # Seconds since the visit's first event, by the browser's clock (orders events, measures
    # "right away").
    Column("seconds", Integer, nullable=False),
    Column("article_id", String(100), nullable=True),
    Column("query", String(200), nullable=True),
    # search: number of results; result: rank (1 = first).
    Column("number", Integer, nullable=True),
    # vote: yes/no; answer: shown/helpful; assistant: role; assistant_outcome: outcome.
    Column("value", String(32), nullable=True),
    Column("day", Date, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_kbgen_events_visit", "visit", "seq"),
    Index("ix_kbgen_events_day", "day"),
)
