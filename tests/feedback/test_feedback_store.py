"""The store on both back-ends: schema migrations, votes, limits, follow-ups, salts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import MetaData, inspect, select, update

from kbgen.feedback import schema
from kbgen.feedback.errors import FeedbackError
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


def test_daily_salt_is_shared_and_yesterdays_is_discarded(store: Store) -> None:
    day = NOW.date()
    first = store.daily_salt(day)
    assert len(first) == 32
    assert Store(store.url).daily_salt(day) == first  # another collector instance
    _vote(store)  # leaves a rate counter for today
    tomorrow = store.daily_salt(day + dt.timedelta(days=1))
    assert tomorrow != first
    with store.reading() as conn:
        assert [r.day for r in conn.execute(select(schema.salts.c.day))] == [
            day + dt.timedelta(days=1)
        ]
        assert conn.execute(select(schema.rate_counters)).all() == []


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
