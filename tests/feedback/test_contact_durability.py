"""Contact requests survive the collector being killed under load: every request answered
with 2xx is stored and, after a restart, delivered to the SMTP server and the webhook.
A real `python -m kbgen.feedback serve` process, SIGKILLed while requests keep arriving."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import SITE_URL, write_manifest
from contact_sinks import SmtpSink, WebhookSink, wait_for
from serving import free_port, start_collector

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
ORIGIN = SITE_URL.rstrip("/")


def _serve(db_url: str, site: Path, port: int, smtp: int, hook: str) -> subprocess.Popen[bytes]:
    return start_collector(
        port, "--db", db_url, "--site-dir", str(site), "--log-level", "warning",
        "--test-client-header", "--secret", "durability-test-secret-0123456789",
        "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp), "--mail-to", "support@shop.example",
        "--webhook-url", hook, "--contact-limit", "100000",
        "--outbox-retry", "0.2", "--outbox-lease", "1",
    )  # fmt: skip


def _call(port: int, path: str, client: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"content-type": "application/json", "origin": ORIGIN,
                 "x-kbgen-test-client": client},
        method="POST" if body is not None else "GET",
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}


def _load(port: int, worker: int, answered: list[str], stop: threading.Event) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        client = f"w{worker}-{n}"
        try:
            status, data = _call(port, "/api/contact/token", client)
            if status != 200:
                continue
            status, data = _call(port, "/api/contact", client, {
                "lang": "de", "email": "kundin@example.org", "message": f"Anfrage {client}",
                "form_token": data["token"],
            })  # fmt: skip
        except (OSError, http.client.HTTPException):
            continue  # the collector is down or died mid-answer: the client saw no answer
        if status == 201:
            answered.append(data["reference"])


def test_every_answered_request_is_delivered_after_sigkill(tmp_path: Path, db_url: str) -> None:
    site = tmp_path / "site"
    write_manifest(site)
    port = free_port()
    smtp = SmtpSink().start()
    hook = WebhookSink().start()
    answered: list[str] = []
    stop = threading.Event()
    threads = [threading.Thread(target=_load, args=(port, i, answered, stop)) for i in range(4)]
    proc = _serve(db_url, site, port, smtp.port, hook.url)
    try:
        for thread in threads:
            thread.start()
        wait_for(lambda: len(answered) >= 150, what="load")
        os.kill(proc.pid, signal.SIGKILL)  # mid-load, mid-delivery
        proc.wait(10)
        stop.set()
        for thread in threads:
            thread.join()
        before_restart = (len(smtp.messages), len(hook.bodies))
        proc = _serve(db_url, site, port, smtp.port, hook.url)
        wanted = set(answered)

        def delivered() -> bool:
            mailed = {m["X-Kbgen-Reference"] for m in smtp.messages}
            posted = {b["reference"] for b in hook.bodies}
            return wanted <= mailed and wanted <= posted

        wait_for(delivered, timeout=60, what="every answered request delivered")
    finally:
        stop.set()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        smtp.stop()
        hook.stop()
    mailed = [m["X-Kbgen-Reference"] for m in smtp.messages]
    posted = [b["reference"] for b in hook.bodies]
    print(
        f"\ncontact kill -9: {len(answered)} answered 2xx; before restart {before_restart[0]} "
        f"mails / {before_restart[1]} webhooks; after restart {len(set(mailed))} distinct mails "
        f"({len(mailed) - len(set(mailed))} repeated), {len(set(posted))} distinct webhooks "
        f"({len(posted) - len(set(posted))} repeated)"
    )
    assert len(answered) >= 150
    assert wanted <= set(mailed) and wanted <= set(posted)
