"""Two collector instances (separate processes, as behind a load balancer) share one
PostgreSQL database: they start at once (one migrates, the other waits), both accept event
batches concurrently, and the report counts every visit once."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import PG_ENV, write_manifest

from kbgen.feedback import schema
from kbgen.feedback.analytics import build_analytics
from kbgen.feedback.store import Store

pytestmark = pytest.mark.postgres


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture
def two_instances(tmp_path: Path) -> Iterator[tuple[str, list[int]]]:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}=postgresql+psycopg://USER:PW@HOST/DB")
    store = Store(url, auto_migrate=False)
    with store.engine.begin() as conn:
        schema.metadata.drop_all(conn)
    store.close()
    site = tmp_path / "site"
    write_manifest(site)
    ports = [_free_port(), _free_port()]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kbgen.feedback",
                "serve",
                "--db",
                url,
                "--site-dir",
                str(site),
                "--port",
                str(port),
                "--test-client-header",
                "--log-level",
                "error",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        deadline = time.monotonic() + 30
        while not all(_healthy(p) for p in ports):
            for proc in procs:
                if proc.poll() is not None:
                    pytest.fail(f"collector exited: {proc.stderr.read().decode()}")
            assert time.monotonic() < deadline, "collectors did not become healthy"
            time.sleep(0.1)
        yield url, ports
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        store = Store(url, auto_migrate=False)
        with store.engine.begin() as conn:
            schema.metadata.drop_all(conn)
        store.close()


def _send(port: int, n: int) -> int:
    visit = f"pgvisit{n:013d}"
    events = [
        {"kind": "search", "seq": 0, "t": 0, "q": f"frage {n % 7}", "n": n % 3},
        {"kind": "article", "seq": 1, "t": 4, "id": "paket-verfolgen"},
        {"kind": "contact_sent", "seq": 2, "t": 30},
    ][: 2 + n % 2]
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/events",
        data=json.dumps({"visit": visit, "lang": "de", "events": events}).encode(),
        headers={"Content-Type": "text/plain", "X-Kbgen-Test-Client": f"c{n}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return json.load(response)["stored"]


def test_two_instances_share_one_database(two_instances: tuple[str, list[int]]) -> None:
    url, ports = two_instances
    with ThreadPoolExecutor(8) as pool:
        stored = list(pool.map(lambda n: _send(ports[n % 2], n), range(200)))
    assert sum(stored) == 100 * 2 + 100 * 3
    store = Store(url)
    try:
        today = dt.datetime.now(dt.UTC).date()
        figures = build_analytics(store, today=today, since=None).periods["window"]["all"]
    finally:
        store.close()
    assert figures.visits == 200
    assert figures.searches == 200
    assert figures.contact_requests == 100
    assert figures.readers_then_contact == 100
