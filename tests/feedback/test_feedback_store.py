"""The store on both back-ends: schema migrations, votes, limits, follow-ups, and that the
pseudonym key is kept out of the database."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, inspect, select, update

from kbgen.feedback import schema
from kbgen.feedback.errors import FeedbackError
from kbgen.feedback.keys import Keys
from kbgen.feedback.migrations import LATEST_VERSION
from kbgen.feedback.store import OverLimit, Store

NOW = dt.datetime(2026, 3, 10, 12, 0, 0)


def _vote(
    store: Store,
    helpful: bool = False,
    *,
    client: str | None = "c1",
    limit: int = 10,
    token: str | None = None,
    now: dt.datetime = NOW,
) -> None:
    store.add_vote(
        article_id="a",
        lang="de",
        revision="r1",
        helpful=helpful,
        channel="js",
        now=now,
        token_hash=token,
        client=client,
        limit=limit,
    )


def test_fresh_database_is_migrated_to_the_schema_the_code_uses(store: Store) -> None:
    assert store.schema_version() == LATEST_VERSION
    reflected = MetaData()
    reflected.reflect(store.engine)
    for table in schema.metadata.sorted_tables:
        assert table.name in reflected.tables, table.name
        got = {c.name: (c.nullable, c.primary_key) for c in reflected.tables[table.name].columns}
        want = {c.name: (c.nullable, c.primary_key) for c in table.columns}
        assert got == want, table.name
        got_indexes = {i["name"] for i in inspect(store.engine).get_indexes(table.name)}
        assert {i.name for i in table.indexes} <= got_indexes, table.name


def test_migrating_again_changes_nothing(store: Store) -> None:
    assert store.migrate() == 0
    assert Store(store.url).schema_version() == LATEST_VERSION


def test_a_database_newer_than_the_code_is_refused(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            schema.schema_version.insert().values(
                version=LATEST_VERSION + 1, description="future", applied_at=NOW
            )
        )
    with pytest.raises(FeedbackError, match="newer than this kbgen"):
        Store(store.url)


def test_votes_are_counted_against_a_daily_limit(store: Store) -> None:
    for _ in range(3):
        _vote(store, limit=3)
    with pytest.raises(OverLimit):
        _vote(store, limit=3)
    _vote(store, client="someone-else", limit=3)
    _vote(store, now=NOW + dt.timedelta(days=1), limit=3)  # a new day
    assert store.count_votes() == 5


def test_votes_without_client_are_not_limited(store: Store) -> None:
    for _ in range(5):
        _vote(store, client=None, limit=1)
    assert store.count_votes() == 5


def test_followup_outcomes(store: Store) -> None:
    window = dt.timedelta(hours=24)
    _vote(store, helpful=False, token="t-no")
    _vote(store, helpful=True, token="t-yes")
    args = {"reason": "missing", "comment": "Wo ist die Sendungsnummer?", "window": window}
    assert store.add_followup(token_hash="t-none", now=NOW, **args) == "unknown"
    assert store.add_followup(token_hash="t-yes", now=NOW, **args) == "not_allowed"
    late = NOW + dt.timedelta(hours=25)
    assert store.add_followup(token_hash="t-no", now=late, **args) == "expired"
    assert store.add_followup(token_hash="t-no", now=NOW, **args) == "stored"
    assert store.add_followup(token_hash="t-no", now=NOW, **args) == "exists"


def test_the_pseudonym_key_never_sits_beside_the_hashes(make_client: Any, store: Store) -> None:
    """Whoever reads the database cannot test addresses against the stored client hashes:
    no value stored anywhere keys them."""
    client = make_client(test_client_header=True)
    address = "203.0.113.7"
    body = {"article": "paket-verfolgen", "lang": "de", "value": "no"}
    response = client.post("/api/votes", json=body, headers={"x-kbgen-test-client": address})
    assert response.status_code == 201
    with store.reading() as conn:
        assert not inspect(conn).has_table("kbgen_salts")
        hashes = conn.execute(select(schema.rate_counters.c.client)).scalars().all()
        values: list[str] = []
        for table in schema.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                values += [str(v) for v in row if v is not None]
    assert len(hashes) == 1
    for value in values:
        for key in (value.encode(), bytes.fromhex(value) if _is_hex(value) else b""):
            candidate = hmac.new(key, f"test:{address}".encode(), hashlib.sha256).hexdigest()
            assert candidate != hashes[0]


def _is_hex(value: str) -> bool:
    return len(value) % 2 == 0 and all(c in "0123456789abcdef" for c in value)


def test_the_day_key_rotates_and_is_shared_only_through_the_secret() -> None:
    day = NOW.date()
    tomorrow = day + dt.timedelta(days=1)
    alone, other = Keys(), Keys()
    assert alone.pseudonym("1.2.3.4", day) != other.pseudonym("1.2.3.4", day)
    assert alone.pseudonym("1.2.3.4", day) != alone.pseudonym("1.2.3.4", tomorrow)
    shared = [Keys("s" * 32), Keys("s" * 32)]
    assert shared[0].pseudonym("1.2.3.4", day) == shared[1].pseudonym("1.2.3.4", day)
    assert shared[0].pseudonym("1.2.3.4", day) != shared[0].pseudonym("1.2.3.4", tomorrow)
    with pytest.raises(FeedbackError, match="at least 16"):
        Keys("short")


def test_upgrading_drops_the_stored_salts(db_url: str) -> None:
    """A database of schema version 1 kept the salts beside the hashes: version 2 drops them."""
    from kbgen.feedback.migrations import MIGRATIONS

    old = Store(db_url, auto_migrate=False)
    with old.engine.begin() as conn:
        schema.schema_version.create(conn, checkfirst=True)
        MIGRATIONS[0][2](conn)
        conn.execute(
            schema.schema_version.insert().values(version=1, description="v1", applied_at=NOW)
        )
        conn.exec_driver_sql("INSERT INTO kbgen_salts (day, salt) VALUES ('2026-03-10', 'ab')")
    old.close()
    store = Store(db_url)
    with store.reading() as conn:
        assert not inspect(conn).has_table("kbgen_salts")
    assert store.schema_version() == LATEST_VERSION
    store.close()


def test_zero_result_queries_are_stored_and_limited(store: Store) -> None:
    for _ in range(2):
        store.add_zero_result(query="gutschein", lang="de", now=NOW, client="c", limit=2)
    with pytest.raises(OverLimit):
        store.add_zero_result(query="gutschein", lang="de", now=NOW, client="c", limit=2)
    with store.reading() as conn:
        assert conn.execute(select(schema.zero_results.c.query)).scalars().all() == [
            "gutschein",
            "gutschein",
        ]


def test_in_memory_sqlite_is_refused() -> None:
    with pytest.raises(FeedbackError, match="in-memory"):
        Store("sqlite://")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "Invalid database URL"),
        ("mysql://u@h/db", "Unsupported database 'mysql'"),
        ("sqlite:///x.sqlite3?synchronous=sometimes", "synchronous='sometimes'"),
    ],
)
def test_bad_database_urls_are_explained(url: str, message: str) -> None:
    with pytest.raises(FeedbackError, match=message):
        Store(url)


def test_unreachable_database_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(FeedbackError, match="Cannot open the feedback database"):
        Store(f"sqlite:///{tmp_path / 'missing-dir' / 'f.sqlite3'}")


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'f.sqlite3'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_follow_up_window_uses_the_votes_time(store: Store) -> None:
    _vote(store, token="tok")
    with store.engine.begin() as conn:
        conn.execute(update(schema.votes).values(created_at=NOW - dt.timedelta(hours=23)))
    outcome = store.add_followup(
        token_hash="tok", reason="other", comment="", now=NOW, window=dt.timedelta(hours=24)
    )
    assert outcome == "stored"
