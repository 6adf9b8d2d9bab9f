"""Contact requests through the collector: stored first, answered with a reference, delivered
to a real SMTP server and a real webhook receiver, retried until delivered; hostile input is
refused or made harmless. Runs on SQLite and (with KBGEN_TEST_POSTGRES_URL) PostgreSQL."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import SITE_URL
from contact_sinks import SmtpSink, WebhookSink, wait_for
from serving import free_port

from kbgen.contact.settings import ContactSettings
from kbgen.feedback.commands import feedback_group
from kbgen.feedback.store import Store

ORIGIN = {"origin": SITE_URL.rstrip("/")}
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
CONTEXT = {
    "lang": "de",
    "referrer": "https://www.example.com/suche",
    "searches": [{"q": "paket verfolgen", "results": 3}, {"q": "sendungsnummer", "results": 0}],
    "articles": [
        {"id": "paket-verfolgen", "lang": "de", "title": "Wo ist mein Paket?", "url": "/versand/"}
    ],
    "votes": [{"id": "paket-verfolgen", "lang": "de", "value": "no"}],
    "assistant": [],
}


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookSink]:
    sink = WebhookSink().start()
    yield sink
    sink.stop()


def contact_settings(smtp_port: int, webhook_url: str = "", **overrides: Any) -> ContactSettings:
    return ContactSettings(
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        mail_from="hilfe-center@shop.example",
        mail_to="support@shop.example",
        webhook_url=webhook_url,
        webhook_secret="geheimer-webhook-schluessel",
        retry_base_seconds=0.05,
        retry_cap_seconds=0.2,
        poll_seconds=0.05,
        lease_seconds=5,
        **overrides,
    )


@pytest.fixture
def service(make_client: Any, smtp: SmtpSink, webhook: WebhookSink) -> Any:
    return make_client(contact=contact_settings(smtp.port, webhook.url), test_client_header=True)


def send(client: Any, who: str = "kundin", **fields: Any) -> Any:
    headers = {**ORIGIN, "x-kbgen-test-client": who}
    token = client.get("/api/contact/token", headers=headers).json()["token"]
    body = {
        "lang": "de",
        "email": "kundin@example.org",
        "name": "Erika Muster",
        "subject": "Paket nicht angekommen",
        "message": "Mein Paket ist seit einer Woche unterwegs.\nWas kann ich tun?",
        "order": "4711-0815",
        "topic": "Versand",
        "context": CONTEXT,
        "form_token": token,
        **fields,
    }
    return client.post("/api/contact", json=body, headers=headers)


def deliver(client: Any) -> int:
    return client.app.state.contact.worker.run_once()


def test_request_is_stored_answered_with_a_reference_and_delivered(
    service: Any, smtp: SmtpSink, webhook: WebhookSink, store: Store
) -> None:
    response = send(service)
    assert response.status_code == 201, response.text
    reference = response.json()["reference"]
    assert re.fullmatch(r"K-2026-\d{6}", reference)
    assert deliver(service) == 2
    (mail,) = smtp.messages
    assert smtp.envelopes == [("hilfe-center@shop.example", ["support@shop.example"])]
    assert mail["Reply-To"] == "Erika Muster <kundin@example.org>"
    assert mail["Subject"] == f"[{reference}] Paket nicht angekommen"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Mein Paket ist seit einer Woche unterwegs." in part
        assert "paket verfolgen" in part and "Wo ist mein Paket?" in part
        assert "4711-0815" in part
    (payload,) = webhook.bodies
    assert payload["type"] == "kbgen.contact" and payload["version"] == 1
    assert payload["reference"] == reference
    assert payload["customer"] == {"email": "kundin@example.org", "name": "Erika Muster"}
    assert payload["context"]["searches"][1] == {"q": "sendungsnummer", "results": 0}
    assert webhook.headers[0]["Idempotency-Key"] == reference
    assert webhook.headers[0]["X-Kbgen-Signature"].startswith("sha256=")
    assert deliver(service) == 0  # nothing delivered twice
    assert service.app.state.contact.outbox.counts() == {"sent": 2}


def test_what_the_customer_removed_is_not_sent(service: Any, smtp: SmtpSink) -> None:
    kept = {**CONTEXT, "searches": [CONTEXT["searches"][0]], "votes": []}
    assert send(service, context=kept).status_code == 201
    deliver(service)
    text = smtp.messages[0].get_body(("plain",)).get_content()
    assert "paket verfolgen" in text and "sendungsnummer" not in text
    assert "nicht hilfreich" not in text


def test_script_in_every_field_is_text_in_the_mail(
    service: Any, smtp: SmtpSink, webhook: WebhookSink
) -> None:
    hostile_context = {
        "lang": "de",
        "referrer": HOSTILE,
        "searches": [{"q": HOSTILE, "results": 1}],
        "articles": [{"id": "x", "title": HOSTILE, "url": "javascript:alert(1)"}],
        "votes": [{"id": HOSTILE[:100], "value": "no"}],
        "assistant": [{"role": "user", "text": HOSTILE}],
    }
    response = send(
        service,
        name=HOSTILE[:100],
        subject=HOSTILE,
        message=HOSTILE,
        topic=HOSTILE,
        context=hostile_context,
    )
    assert response.status_code == 201, response.text
    deliver(service)
    html = smtp.messages[0].get_body(("html",)).get_content()
    assert "<script" not in html and "<img" not in html  # text, never markup
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "<script" not in webhook.bodies[0]["html"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "Hallo\r\nBcc: opfer@example.net"),
        ("name", "Erika\r\nBcc: opfer@example.net"),
        ("topic", "Versand\nX-Injected: 1"),
    ],
)
def test_line_breaks_cannot_add_mail_headers(
    service: Any, smtp: SmtpSink, field: str, value: str
) -> None:
    assert send(service, **{field: value}).status_code == 201
    deliver(service)
    (mail,) = smtp.messages
    assert "Bcc" not in mail and "X-Injected" not in mail
    assert smtp.envelopes[0][1] == ["support@shop.example"]


@pytest.mark.parametrize(
    "email",
    [
        "kundin@example.org\r\nBcc: opfer@example.net",
        "kundin@example.org, opfer@example.net",
        "Erika <kundin@example.org>",
        "keine-adresse",
    ],
)
def test_only_one_plain_reply_address_is_accepted(service: Any, email: str) -> None:
    response = send(service, email=email)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_hostile_requests_are_refused_before_anything_is_stored(service: Any) -> None:
    headers = {**ORIGIN, "x-kbgen-test-client": "kundin"}
    token = service.get("/api/contact/token", headers=headers).json()["token"]
    base = {"lang": "de", "email": "a@example.org", "message": "Hallo", "form_token": token}
    huge = {**base, "message": "x" * 70_000}
    assert service.post("/api/contact", json=huge, headers=headers).status_code == 413
    malformed = service.post(
        "/api/contact",
        content=b'{"lang": "de", "message": ',
        headers={**headers, "content-type": "application/json"},
    )
    assert malformed.status_code == 422
    for origin in ("https://evil.example", "null"):
        foreign = {**headers, "origin": origin}
        refused = service.post("/api/contact", json=base, headers=foreign)
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "origin_not_allowed")
    # A token fetched for another client (the attacker's server) is refused.
    theirs = service.get("/api/contact/token", headers={**ORIGIN, "x-kbgen-test-client": "x"})
    stolen = {**base, "form_token": theirs.json()["token"]}
    refused = service.post("/api/contact", json=stolen, headers=headers)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "form_token_invalid")
    assert service.app.state.contact.outbox.counts() == {}
    assert deliver(service) == 0


def test_token_is_readable_only_by_the_sites_origin(service: Any) -> None:
    own = service.get("/api/contact/token", headers=ORIGIN)
    assert own.headers["access-control-allow-origin"] == ORIGIN["origin"]
    foreign = service.get("/api/contact/token", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in foreign.headers


def test_rate_limit_and_honeypot(make_client: Any, smtp: SmtpSink) -> None:
    client = make_client(contact=contact_settings(smtp.port, limit=2), test_client_header=True)
    assert [send(client).status_code for _ in range(2)] == [201, 201]
    limited = send(client)
    assert (limited.status_code, limited.json()["error"]["code"]) == (429, "rate_limited")
    assert send(client, who="jemand-anders").status_code == 201
    trap = send(client, who="bot", website="http://spam.example")
    assert trap.status_code == 201 and trap.json()["reference"].startswith("K-")
    assert client.app.state.contact.outbox.counts() == {"pending": 3}


def test_without_a_channel_the_service_says_so(client: Any) -> None:
    response = client.get("/api/contact/token", headers=ORIGIN)
    assert (response.status_code, response.json()["error"]["code"]) == (503, "contact_unavailable")


def test_failed_deliveries_wait_fail_and_are_retried_from_the_cli(
    make_client: Any, store: Store
) -> None:
    dead = free_port()  # nothing listens: connection refused
    settings = dataclasses.replace(contact_settings(dead), max_attempts=2, retry_base_seconds=0)
    client = make_client(contact=settings, test_client_header=True)
    reference = send(client).json()["reference"]
    assert deliver(client) == 1 and deliver(client) == 1  # two attempts, then failed
    assert deliver(client) == 0
    listing = CliRunner().invoke(feedback_group, ["contacts", "--db", store.url])
    assert listing.exit_code == 0, listing.output
    assert "0 pending, 1 failed, 0 sent" in listing.output
    assert re.search(
        rf"{reference}\s+smtp\s+failed\s+attempts 2 .*Connection refused", listing.output
    )
    sink = SmtpSink(dead).start()
    try:
        again = CliRunner().invoke(
            feedback_group, ["contacts", "--db", store.url, "--retry", reference]
        )
        assert "1 deliveries due again" in again.output
        assert deliver(client) == 1
        assert len(sink.messages) == 1
    finally:
        sink.stop()


def test_smtp_down_while_100_requests_arrive_then_up(
    make_client: Any, webhook: WebhookSink
) -> None:
    """Every request is delivered exactly once per channel once the mail server is back."""
    port = free_port()
    settings = contact_settings(port, webhook.url, limit=1000)
    client = make_client(contact=settings, test_client_header=True)
    worker = client.app.state.contact.worker
    worker.start()
    try:
        references = [send(client, who=f"c{i}").json()["reference"] for i in range(100)]
        assert len(set(references)) == 100
        outbox = client.app.state.contact.outbox
        wait_for(lambda: len(webhook.bodies) == 100, what="webhook deliveries")
        wait_for(
            lambda: all(d.attempts >= 1 for d in outbox.deliveries(("pending",))),
            what="failed SMTP attempts",
        )
        assert outbox.counts().get("pending") == 100  # the mails wait
        sink = SmtpSink(port).start()
        try:
            wait_for(lambda: outbox.counts() == {"sent": 200}, what="all sent")
            mailed = [m["X-Kbgen-Reference"] for m in sink.messages]
        finally:
            sink.stop()
    finally:
        worker.stop()
    assert sorted(mailed) == sorted(references)  # exactly once each
    assert sorted(b["reference"] for b in webhook.bodies) == sorted(references)


def test_recommended_articles_come_from_the_sites_search(
    make_client: Any, smtp: SmtpSink, tmp_path: Any
) -> None:
    from kbgen.search import SearchDoc, SearchSettings, update_index

    index = tmp_path / "index"
    docs = [
        SearchDoc(
            id=id_,
            lang="de",
            title=title,
            url=url,
            keywords=[],
            category="Hilfe",
            category_slug="hilfe",
            section="",
            body=body,
        )
        for id_, title, url, body in (
            ("paket-verfolgen", "Wo ist mein Paket?", "versand/paket-verfolgen/", "Sendungsnummer"),
            ("rechnung", "Rechnung herunterladen", "zahlung/rechnung/", "Rechnung als PDF"),
        )
    ]
    update_index(docs, SearchSettings(index_dir=index))
    settings = contact_settings(smtp.port)
    client = make_client(contact=settings, search_index=index, test_client_header=True)
    assert send(client, message="Wo ist mein Paket? Die Sendungsnummer fehlt.").status_code == 201
    deliver(client)
    text = smtp.messages[0].get_body(("plain",)).get_content()
    assert f"- Wo ist mein Paket? {SITE_URL}versand/paket-verfolgen/" in text
    assert "Rechnung herunterladen" not in text
    # A new build is recommended from without a restart (the index is reopened).
    docs.append(dataclasses.replace(docs[0], id="retoure", title="Retoure anmelden", url="r/"))
    docs[-1].body = "Retourenschein drucken"
    update_index(docs, SearchSettings(index_dir=index))
    time.sleep(1.1)  # the index's files are looked at once a second
    assert send(client, message="Wie drucke ich den Retourenschein?").status_code == 201
    deliver(client)
    text = smtp.messages[-1].get_body(("plain",)).get_content()
    assert f"- Retoure anmelden {SITE_URL}r/" in text


def test_purge_keeps_undelivered_requests(make_client: Any, smtp: SmtpSink, clock: Any) -> None:
    client = make_client(contact=contact_settings(smtp.port), test_client_header=True)
    send(client)
    deliver(client)
    outbox = client.app.state.contact.outbox
    dead = dataclasses.replace(contact_settings(free_port()))
    other = make_client(contact=dead, test_client_header=True)
    send(other, who="zweite")  # stays pending
    later = clock.now.date().replace(year=clock.now.year + 1)
    assert outbox.purge(later) == 1
    assert outbox.counts() == {"pending": 1}
