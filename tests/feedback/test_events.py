"""POST /api/events: what is accepted, what is refused, what is stored (and what never is),
the per-client allowance, retention and the purge command, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, select

from kbgen.feedback import schema
from kbgen.feedback.commands import feedback_group
from kbgen.feedback.event_store import EventSettings, EventStore

VISIT = "Vq3xY8-k2LmN0pQr_sTuvw"


def batch(*events: dict[str, Any], lang: str = "de", visit: str = VISIT) -> dict[str, Any]:
    numbered = [{"seq": i, "t": i * 5, **e} for i, e in enumerate(events)]
    return {"visit": visit, "lang": lang, "events": numbered}


def post(client: Any, body: Any, **headers: str) -> Any:
    # As navigator.sendBeacon sends it: text/plain, no preflight.
    return client.post(
        "/api/events",
        content=json.dumps(body),
        headers={"content-type": "text/plain", **headers},
    )


def stored(store: Any) -> list[Any]:
    with store.reading() as conn:
        ev = schema.events
        return list(conn.execute(select(ev).order_by(ev.c.id)))


def test_a_batch_is_stored_with_only_what_the_report_needs(client: Any, store: Any) -> None:
    response = post(
        client,
        batch(
            {"kind": "search", "q": "  Wo ist  meine Bestellung 1234567? ", "n": 3},
            {"kind": "result", "q": "wo ist", "n": 1, "id": "paket-verfolgen"},
            {"kind": "article", "id": "paket-verfolgen"},
            {"kind": "vote", "id": "paket-verfolgen", "value": "no"},
            {"kind": "answer", "id": "paket-verfolgen#sendungsnummer", "value": "shown"},
            {"kind": "assistant", "value": "user"},
            {"kind": "assistant_outcome", "value": "escalated"},
            {"kind": "contact_view"},
            {"kind": "suggestion", "id": "ruecksendung"},
            {"kind": "contact_sent"},
        ),
    )
    assert response.status_code == 201, response.text
    assert response.json() == {"status": "stored", "stored": 10, "skipped": 0}
    rows = stored(store)
    assert [r.kind for r in rows] == [
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
    ]
    assert {r.visit for r in rows} == {VISIT} and {r.lang for r in rows} == {"de"}
    search = rows[0]
    assert search.query == "wo ist meine bestellung [number]?"  # normalized and redacted
    assert search.number == 3
    assert rows[4].article_id == "paket-verfolgen"  # the passage's article
    assert rows[3].value == "no" and rows[1].number == 1 and rows[9].seconds == 45


def test_no_address_or_identifier_is_stored(client: Any, store: Any) -> None:
    post(client, batch({"kind": "article", "id": "paket-verfolgen"}))
    columns = {c["name"] for c in inspect(store.engine).get_columns("kbgen_events")}
    assert not columns & {"ip", "address", "client", "user", "user_id", "cookie", "user_agent"}
    row = stored(store)[0]._asdict()
    assert "testclient" not in json.dumps(row, default=str)  # the TestClient's address
    with store.reading() as conn:
        clients = list(conn.execute(select(schema.rate_counters.c.client)).scalars())
    assert clients and all(len(c) == 64 and "testclient" not in c for c in clients)  # HMAC


@pytest.mark.parametrize(
    ("event", "why"),
    [
        ({"kind": "pageview"}, "'kind'"),
        ({"kind": "search", "n": 2}, "q: Field required"),
        (
            {"kind": "result", "q": "x", "id": "paket-verfolgen", "n": 0},
            "greater than or equal to 1",
        ),
        ({"kind": "vote", "id": "paket-verfolgen", "value": "maybe"}, "'yes' or 'no'"),
        ({"kind": "article", "id": "<script>"}, "pattern"),
        ({"kind": "assistant", "value": "user", "text": "my address is ..."}, "Extra inputs"),
        ({"kind": "contact_sent", "ref": "KB-123456"}, "Extra inputs"),
        ({"kind": "search", "q": "x" * 401, "n": 1}, "at most 400"),
    ],
)
def test_invalid_events_are_refused_whole(client: Any, store: Any, event: Any, why: str) -> None:
    response = post(client, batch({"kind": "contact_view"}, event))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and why in error["message"]
    assert stored(store) == []


def test_batch_limits(client: Any, store: Any) -> None:
    too_many = batch(*[{"kind": "contact_view"}] * (EventSettings.max_batch + 1))
    assert post(client, too_many).status_code == 422
    assert post(client, {**batch({"kind": "contact_view"}), "visit": "short"}).status_code == 422
    huge = batch(*[{"kind": "search", "q": "x" * 390, "n": 1}] * 30)
    response = post(client, huge)
    assert (response.status_code, response.json()["error"]["code"]) == (413, "payload_too_large")
    response = post(client, batch({"kind": "contact_view"}, lang="fr"))
    assert (response.status_code, response.json()["error"]["code"]) == (404, "unknown_language")
    assert stored(store) == []


def test_events_for_articles_the_site_lacks_are_skipped(client: Any, store: Any) -> None:
    response = post(
        client,
        batch(
            {"kind": "article", "id": "gibt-es-nicht"},
            {"kind": "article", "id": "rechnung"},
            {"kind": "search", "q": "\u202e\u0007", "n": 0},  # nothing left after cleaning
        ),
    )
    assert response.json() == {"status": "stored", "stored": 1, "skipped": 2}
    assert [r.article_id for r in stored(store)] == ["rechnung"]


def test_only_the_sites_origin_may_send(client: Any, store: Any) -> None:
    body = batch({"kind": "contact_view"})
    response = post(client, body, origin="https://evil.example")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "origin_not_allowed")
    response = post(client, body, origin="https://help.example")
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == "https://help.example"
    assert "set-cookie" not in response.headers
    assert len(stored(store)) == 1


def test_daily_allowance_per_client(make_client: Any, store: Any, clock: Any) -> None:
    client = make_client(events=EventSettings(limit=5))
    three = batch(*[{"kind": "contact_view"}] * 3)
    two = batch(*[{"kind": "contact_view"}] * 2)
    assert post(client, three).status_code == 201
    assert post(client, two).status_code == 201
    response = post(client, batch({"kind": "contact_view"}))  # the 6th of 5: refused
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response.headers["retry-after"]) > 0
    assert len(stored(store)) == 5
    clock.advance(days=1)
    assert post(client, three).status_code == 201
    assert len(stored(store)) == 8


def test_old_events_are_purged_daily_by_the_collector(
    make_client: Any, store: Any, clock: Any
) -> None:
    client = make_client(events=EventSettings(retention_days=3))
    post(client, batch({"kind": "contact_view"}))
    clock.advance(days=2)
    post(client, batch({"kind": "contact_view"}, visit="A" * 20))
    assert len(stored(store)) == 2
    clock.advance(days=1)  # the first event is now 3 days old: outside a 3-day retention
    post(client, batch({"kind": "contact_view"}, visit="B" * 20))
    assert sorted(r.visit for r in stored(store)) == ["A" * 20, "B" * 20]


def test_purge_command(store: Any) -> None:
    today = dt.datetime.now(dt.UTC).date()
    rows = [
        {
            "visit": f"visit{age:02d}xxxxxxxxxxxx",
            "seq": 0,
            "kind": "contact_view",
            "lang": "de",
            "seconds": 0,
            "day": today - dt.timedelta(days=age),
            "created_at": dt.datetime.combine(today - dt.timedelta(days=age), dt.time()),
        }
        for age in (0, 29, 30, 89, 90, 400)
    ]
    from kbgen.feedback.event_store import EventBatch

    EventStore(store).add_batches([EventBatch(rows=rows, day=today, client=None, limit=0)])
    runner = CliRunner()
    result = runner.invoke(feedback_group, ["purge", "--db", store.url])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 events" in result.output
    assert sorted((today - r.day).days for r in stored(store)) == [0, 29, 30, 89]
    result = runner.invoke(feedback_group, ["purge", "--db", store.url, "--retention-days", "30"])
    assert "Deleted 2 events" in result.output
    assert sorted((today - r.day).days for r in stored(store)) == [0, 29]


def test_report_cli_carries_the_self_service_figures(
    client: Any, store: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    # No mkdocs.yml (and no search index) in the working folder: the content gap's command
    # has no category to suggest, whatever was built in the repository before.
    monkeypatch.chdir(tmp_path)
    post(
        client,
        batch(
            {"kind": "search", "q": "gutschein", "n": 0},
            {"kind": "contact_view"},
            {"kind": "contact_sent"},
        ),
    )
    runner = CliRunner()
    result = runner.invoke(feedback_group, ["report", "--db", store.url, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)["self_service"]
    # The client's clock is 2026-03-10, the CLI's is today: the window is "all".
    result = runner.invoke(
        feedback_group, ["report", "--db", store.url, "--format", "json", "--since", "all"]
    )
    data = json.loads(result.output)["self_service"]
    assert data["figures"]["all"]["window"]["contact_requests"] == 1
    assert data["content_gaps"][0]["command"] == "kbgen new Gutschein --category ."
    result = runner.invoke(
        feedback_group,
        ["report", "--db", store.url, "--format", "csv", "--table", "queries", "--since", "all"],
    )
    lines = result.output.splitlines()
    assert lines[0].startswith("query,lang,searches,results,clicked")
    assert lines[1].startswith("gutschein,de,1,0,0")
