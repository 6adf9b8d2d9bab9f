"""Every error the collector can answer has one shape, pinned here once for all kinds:
``{"error": {"code": str, "message": str, "status": int}}`` with ``status`` equal to the
HTTP status — the collector's own errors, validation errors, and the framework's 404/405."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from kbgen.feedback.app import create_app
from kbgen.feedback.collector import CollectorSettings

VOTE = {"article": "paket-verfolgen", "lang": "de", "value": "no"}


def _chunks() -> Any:
    yield b'{"article": "paket-verfolgen", "comment": "'
    for _ in range(10):
        yield b"x" * 1000
    yield b'"}'


def _followup(client: TestClient, vote: dict[str, str], times: int = 2) -> Any:
    token = client.post("/api/votes", json=vote).json()["token"]
    for _ in range(times - 1):
        client.post("/api/followups", json={"token": token, "reason": "other"})
    return client.post("/api/followups", json={"token": token, "reason": "other"})


def _broken(exc: Exception) -> Callable[[TestClient], Any]:
    def call(client: TestClient) -> Any:
        def fail(*_: Any, **__: Any) -> None:
            raise exc

        client.app.state.collector.store.add_votes = fail
        return client.post("/api/votes", json=VOTE)

    return call


CASES: dict[str, tuple[int, str, Callable[[TestClient], Any]]] = {
    "unknown article": (
        404,
        "unknown_article",
        lambda c: c.post("/api/votes", json={**VOTE, "article": "nope"}),
    ),
    "unknown route": (404, "not_found", lambda c: c.get("/nothing-here")),
    "wrong method": (405, "method_not_allowed", lambda c: c.get("/api/votes")),
    "missing field": (
        422,
        "invalid_request",
        lambda c: c.post("/api/votes", json={"article": "paket-verfolgen"}),
    ),
    "extra field": (
        422,
        "invalid_request",
        lambda c: c.post("/api/votes", json={**VOTE, "ip": "1.2.3.4"}),
    ),
    "not json": (
        422,
        "invalid_request",
        lambda c: c.post(
            "/api/votes", content=b"{nope", headers={"content-type": "application/json"}
        ),
    ),
    "bad query": (422, "invalid_request", lambda c: c.get("/vote?article=a&lang=de&value=maybe")),
    "too large": (
        413,
        "payload_too_large",
        lambda c: c.post("/api/votes", json={**VOTE, "website": "x" * 9000}),
    ),
    "too large, chunked": (
        413,
        "payload_too_large",
        lambda c: c.post(
            "/api/followups", content=_chunks(), headers={"content-type": "application/json"}
        ),
    ),
    "foreign origin": (
        403,
        "origin_not_allowed",
        lambda c: c.post("/api/votes", json=VOTE, headers={"origin": "https://evil.example"}),
    ),
    "unknown token": (
        404,
        "unknown_token",
        lambda c: c.post("/api/followups", json={"token": "A" * 24, "reason": "other"}),
    ),
    "second follow-up": (409, "followup_exists", lambda c: _followup(c, VOTE)),
    "follow-up to yes": (
        409,
        "followup_not_allowed",
        lambda c: _followup(c, {**VOTE, "value": "yes"}, times=1),
    ),
    "rate limited": (
        429,
        "rate_limited",
        lambda c: [c.post("/api/votes", json=VOTE) for _ in range(11)][-1],
    ),
    "database down": (
        503,
        "unavailable",
        _broken(OperationalError("INSERT", {}, Exception("disk I/O error"))),
    ),
    "bug": (500, "internal_error", _broken(RuntimeError("boom"))),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_every_error_has_the_pinned_shape(case: str, store: Any, site_dir: Any, clock: Any) -> None:
    status, code, call = CASES[case]
    app = create_app(
        CollectorSettings(db_url=store.url, site_dir=site_dir), store=store, clock=clock
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        response = call(client)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "status"}
    assert body["error"]["code"] == code
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def test_openapi_documents_the_error_shape(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    responses = spec["paths"]["/api/votes"]["post"]["responses"]
    for status in ("404", "413", "422", "429"):
        ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/ErrorBody")
