"""The collector over HTTP, on both back-ends: what a widget, a no-JS visitor, a crawler, a
spammer and a foreign site each get."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import SITE_URL, confirm_form, write_manifest
from sqlalchemy import MetaData, select

from kbgen.feedback import schema
from kbgen.feedback.store import Store


def _rows(store: Store, table: Any) -> list[Any]:
    with store.reading() as conn:
        return conn.execute(select(table)).all()


def test_vote_in_place_then_follow_up(client: Any, store: Store, cast: Any) -> None:
    response = cast(client, "no")
    assert response.status_code == 201
    body = response.json()
    assert body["followup"] is True and len(body["token"]) >= 16
    response = client.post(
        "/api/followups",
        json={
            "token": body["token"],
            "reason": "missing",
            "comment": "Sendungsnummer fehlt",
        },
    )
    assert response.status_code == 201, response.text
    (vote,) = _rows(store, schema.votes)
    assert (vote.article_id, vote.lang, vote.revision, vote.helpful, vote.channel) == (
        "paket-verfolgen",
        "de",
        "3f2a9c1b0d4e",
        False,
        "js",
    )
    assert vote.token_hash != body["token"]  # only a hash of the token is kept
    (followup,) = _rows(store, schema.followups)
    assert (followup.vote_id, followup.reason, followup.comment) == (
        vote.id,
        "missing",
        "Sendungsnummer fehlt",
    )


def test_yes_vote_takes_no_follow_up(client: Any, cast: Any) -> None:
    body = cast(client, "yes").json()
    assert body["followup"] is False
    response = client.post("/api/followups", json={"token": body["token"], "reason": "other"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "followup_not_allowed"


def test_follow_up_after_the_window_is_gone(client: Any, cast: Any, clock: Any) -> None:
    token = cast(client, "no").json()["token"]
    clock.advance(hours=25)
    response = client.post("/api/followups", json={"token": token, "reason": "other"})
    assert (response.status_code, response.json()["error"]["code"]) == (410, "followup_expired")


def test_unknown_article_stores_nothing(client: Any, store: Store, cast: Any) -> None:
    response = cast(client, article="gibt-es-nicht")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_article"
    assert cast(client, lang="fr").status_code == 404  # known id, language not on the site
    assert store.count_votes() == 0


def test_no_js_path_get_confirms_and_only_post_stores(client: Any, store: Store) -> None:
    query = "article=paket-verfolgen&lang=de&rev=3f2a9c1b0d4e&value=no"
    page = client.get(f"/vote?{query}", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Wo ist mein Paket?" in page.text and 'method="post"' in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert store.count_votes() == 0  # a crawler following the link casts no vote

    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.text))
    assert form["website"] == ""  # the honeypot travels along, empty
    thanks = client.post("/vote", data=form, headers={"accept": "text/html"})
    assert thanks.status_code == 200
    assert f'href="{SITE_URL}versand/paket-verfolgen/"' in thanks.text
    assert store.count_votes() == 1
    assert _rows(store, schema.votes)[0].channel == "form"

    followup = dict(re.findall(r'name="(\w+)" value="([^"]*)"', thanks.text))
    followup.update(reason="confusing", comment="Zu lang.\r\nZweite Zeile")
    done = client.post("/followup", data=followup, headers={"accept": "text/html"})
    assert done.status_code == 200, done.text
    assert "Danke! Ihr Hinweis" in done.text
    assert _rows(store, schema.followups)[0].comment == "Zu lang.\nZweite Zeile"


def test_no_js_pages_speak_the_articles_language(client: Any) -> None:
    page = client.get("/vote?article=paket-verfolgen&lang=en&value=yes")
    assert 'lang="en"' in page.text and "Send feedback" in page.text


def test_no_js_errors_are_pages_for_browsers(client: Any) -> None:
    page = client.get("/vote?article=nope&lang=de&value=no", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Diesen Artikel gibt es nicht" in page.text


def test_back_link_falls_back_to_the_referring_article(
    tmp_path: Path, store: Store, clock: Any
) -> None:
    from fastapi.testclient import TestClient

    from kbgen.feedback.app import create_app
    from kbgen.feedback.collector import CollectorSettings

    site = tmp_path / "site-without-url"
    write_manifest(site, site_url="")
    app = create_app(CollectorSettings(db_url=store.url, site_dir=site), store=store, clock=clock)
    client = TestClient(app)
    referer = "https://intranet.example/hilfe/versand/paket-verfolgen/"
    page = client.get(
        "/vote?article=paket-verfolgen&lang=de&value=yes", headers={"referer": referer}
    )
    assert f'href="{referer}"' in page.text
    page = client.get(
        "/vote?article=paket-verfolgen&lang=de&value=yes",
        headers={"referer": "https://evil.example/phish"},
    )
    assert "evil.example" not in page.text.replace('value="https://evil.example/phish"', "")
    assert "Zurück-Taste" in page.text


def test_honeypot_is_answered_like_a_vote_but_stores_nothing(
    client: Any, store: Store, cast: Any
) -> None:
    response = cast(client, "no", website="http://spam.example")
    assert response.status_code == 201 and response.json()["token"]
    token = response.json()["token"]
    response = client.post(
        "/api/followups", json={"token": token, "reason": "other", "website": "x"}
    )
    assert response.status_code == 201
    form = {**confirm_form(client), "website": "spam"}
    assert client.post("/vote", data=form).status_code == 200
    assert store.count_votes() == 0 and _rows(store, schema.followups) == []


def test_rate_limit_per_client_article_and_day(
    client: Any, store: Store, cast: Any, clock: Any
) -> None:
    assert [cast(client).status_code for _ in range(10)] == [201] * 10
    response = cast(client)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 0 < int(response.headers["retry-after"]) <= 86400
    assert cast(client).status_code == 429  # answered from memory now
    assert cast(client, article="ruecksendung").status_code == 201  # another article
    assert cast(client, lang="en").status_code == 201  # the translation counts apart
    clock.advance(days=1)
    assert cast(client).status_code == 201
    assert store.count_votes() == 13


def test_test_client_header_is_ignored_unless_test_mode(make_client: Any, cast: Any) -> None:
    normal = make_client()
    statuses = [cast(normal, headers={"x-kbgen-test-client": str(i)}) for i in range(11)]
    assert statuses[-1].status_code == 429  # one client, whatever the header says
    bench = make_client(test_client_header=True)
    for i in range(20):
        assert (
            bench.post(
                "/api/votes",
                json={"article": "ruecksendung", "lang": "de", "value": "yes"},
                headers={"x-kbgen-test-client": str(i)},
            ).status_code
            == 201
        )


def test_no_ip_address_is_stored(make_client: Any, store: Store, db_url: str, cast: Any) -> None:
    client = make_client()
    address = "203.0.113.77"
    for _ in range(3):
        response = client.post(
            "/api/votes",
            json={"article": "paket-verfolgen", "lang": "de", "value": "no"},
            headers={"x-forwarded-for": address},
        )
        assert response.status_code == 201
    client.post(
        "/api/zero-results",
        json={"query": "zoll", "lang": "de"},
        headers={"x-forwarded-for": address},
    )
    # TestClient's own address is "testclient"; uvicorn would substitute X-Forwarded-For
    # from trusted proxies. Either must not appear anywhere in the database.
    dump = _dump(store)
    for needle in (address, "testclient"):
        assert needle not in dump
    if db_url.startswith("sqlite"):
        raw = b"".join(p.read_bytes() for p in Path(db_url[10:]).parent.glob("feedback.sqlite3*"))
        assert b"testclient" not in raw and address.encode() not in raw


def _dump(store: Store) -> str:
    reflected = MetaData()
    reflected.reflect(store.engine)
    with store.reading() as conn:
        return json.dumps(
            {
                name: [list(map(str, row)) for row in conn.execute(select(table))]
                for name, table in reflected.tables.items()
            }
        )


@pytest.mark.parametrize(
    ("comment", "status"),
    [
        ("x" * 10_000, 413),  # bigger than the body limit
        ("x" * 601, 422),  # over the comment limit
        ("<script>alert('x')</script>" + "y" * 600, 422),
    ],
)
def test_hostile_comments_are_rejected(client: Any, cast: Any, comment: str, status: int) -> None:
    token = cast(client).json()["token"]
    response = client.post(
        "/api/followups", json={"token": token, "reason": "other", "comment": comment}
    )
    assert response.status_code == status


def test_control_characters_are_stripped(client: Any, store: Store, cast: Any) -> None:
    token = cast(client).json()["token"]
    comment = "a\x00b\x07c\u202ed\r\ne\x1b[31m"
    assert (
        client.post(
            "/api/followups", json={"token": token, "reason": "other", "comment": comment}
        ).status_code
        == 201
    )
    assert _rows(store, schema.followups)[0].comment == "abcd\ne[31m"


def test_zero_result_queries(client: Any, store: Store) -> None:
    post = client.post
    assert (
        post(
            "/api/zero-results", json={"query": "  Gutschein  einlösen ", "lang": "de"}
        ).status_code
        == 201
    )
    # sendBeacon can only send text/plain without a preflight
    response = post(
        "/api/zero-results",
        content=b'{"query": "Zoll", "lang": "de"}',
        headers={"content-type": "text/plain;charset=UTF-8"},
    )
    assert response.status_code == 201
    post(
        "/api/zero-results",
        json={"query": "Bestellung 4711-0815-42 von a.b@example.com", "lang": "de"},
    )
    assert post("/api/zero-results", json={"query": "x", "lang": "fr"}).status_code == 404
    # Fits the API document (minLength 1), so accepted; nothing is left to record.
    for empty in ("\x00\x01", "   ", "\u202e"):
        assert post("/api/zero-results", json={"query": empty, "lang": "de"}).status_code == 201
    queries = [row.query for row in _rows(store, schema.zero_results)]
    assert queries == ["gutschein einlösen", "zoll", "bestellung [number] von [email]"]


def test_cors_only_for_the_sites_origin(make_client: Any, cast: Any) -> None:
    client = make_client(origins=("https://staging.example",))
    preflight = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
    }
    for origin in ("https://help.example", "https://staging.example"):
        response = client.options("/api/votes", headers={"origin": origin, **preflight})
        assert response.status_code == 204
        assert response.headers["access-control-allow-origin"] == origin
        assert "content-type" in response.headers["access-control-allow-headers"]
        response = cast(client, headers={"origin": origin})
        assert response.status_code == 201
        assert response.headers["access-control-allow-origin"] == origin
    foreign = {"origin": "https://evil.example"}
    response = client.options("/api/votes", headers={**foreign, **preflight})
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    response = cast(client, headers=foreign)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "origin_not_allowed")
    response = client.get("/healthz", headers=foreign)
    assert response.status_code == 200 and "access-control-allow-origin" not in response.headers


def test_confirm_page_posts_back_to_its_own_origin(client: Any, store: Store) -> None:
    own = client.post("/vote", data=confirm_form(client), headers={"origin": "http://testserver"})
    # Privacy settings may hide the origin of the collector's own form: its token vouches.
    hidden = client.post("/vote", data=confirm_form(client), headers={"origin": "null"})
    assert (own.status_code, hidden.status_code) == (200, 200)
    assert store.count_votes() == 2


def test_no_other_origin_can_post_the_vote_form(make_client: Any, store: Store, clock: Any) -> None:
    """A page elsewhere (sandboxed iframe or no-referrer: ``Origin: null``) auto-submitting the
    no-JS form casts no vote: it has no token, or one fetched for another client."""
    client = make_client(test_client_header=True)
    victim = {"x-kbgen-test-client": "victim", "origin": "null"}
    bare = {"article": "paket-verfolgen", "lang": "de", "value": "no"}
    response = client.post("/vote", data=bare, headers=victim)
    assert response.status_code == 422  # the token is a required field
    forged = {**bare, "form_token": "1700000000.AAAAAAAAAAAAAAAAAAAAAAAA"}
    response = client.post("/vote", data=forged, headers=victim)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "form_token_invalid")
    # The attacker's server fetched a real confirm page: the token names the wrong client.
    theirs = confirm_form(client, "no", headers={"x-kbgen-test-client": "attacker"})
    assert client.post("/vote", data=theirs, headers=victim).status_code == 403
    # A token for "yes" does not cast "no".
    mine = confirm_form(client, "yes", headers={"x-kbgen-test-client": "victim"})
    assert client.post("/vote", data={**mine, "value": "no"}, headers=victim).status_code == 403
    # An old confirm page has expired (and says so in the page's language).
    clock.advance(hours=3)
    response = client.post("/vote", data=mine, headers={**victim, "accept": "text/html"})
    assert response.status_code == 403 and "abgelaufen" in response.text
    assert store.count_votes() == 0


def test_manifest_is_reloaded_after_a_redeploy(make_client: Any, site_dir: Path, cast: Any) -> None:
    client = make_client()
    assert cast(client, article="neu").status_code == 404
    write_manifest(site_dir, articles=[{"id": "neu", "lang": "de", "title": "Neu", "url": "neu/"}])
    later = time.time() + 5
    os.utime(site_dir / "assets/kbgen/articles.json", (later, later))
    client.app.state.collector.manifests._checked -= 60  # as if the check interval passed
    assert cast(client, article="neu").status_code == 201


def test_healthz_and_openapi(client: Any) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["articles"] == 4 and health["schema_version"] >= 1
    spec = client.get("/openapi.json").json()
    assert {
        "/api/votes",
        "/api/followups",
        "/api/zero-results",
        "/vote",
        "/followup",
        "/healthz",
    } <= set(spec["paths"])


def test_concurrent_votes_share_transactions_but_keep_the_limit(
    make_client: Any, store: Store
) -> None:
    """Votes arriving together are committed together; the per-client limit still holds
    inside a batch, and every answered vote is stored."""
    import asyncio
    import concurrent.futures

    import httpx

    app = make_client().app

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            body = {"article": "paket-verfolgen", "lang": "de", "value": "yes"}
            same = [client.post("/api/votes", json=body) for _ in range(15)]
            others = [
                client.post("/api/votes", json={**body, "article": "ruecksendung"})
                for _ in range(5)
            ]
            return [r.status_code for r in await asyncio.gather(*same, *others)]

    # In a thread of its own: a session-wide Playwright browser keeps an event loop running in
    # the main thread, and asyncio.run() refuses to start inside one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        statuses = pool.submit(asyncio.run, burst()).result()
    assert statuses[:15].count(201) == 10 and statuses[:15].count(429) == 5
    assert statuses[15:] == [201] * 5
    assert store.count_votes() == 15
