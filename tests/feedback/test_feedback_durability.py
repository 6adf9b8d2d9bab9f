"""An answered vote survives the collector being killed (SIGKILL, no shutdown at all): it was
committed before the answer was sent. A real `python -m kbgen.feedback serve` process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest
from conftest import write_manifest
from serving import free_port, start_collector

from kbgen.feedback.store import Store

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _serve(db_url: str, site: Path, port: int) -> subprocess.Popen[bytes]:
    return start_collector(port, "--db", db_url, "--site-dir", str(site), "--log-level", "warning")


def _vote(port: int, rev: str) -> int:
    body = json.dumps({"article": "ruecksendung", "lang": "de", "rev": rev, "value": "no"})
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/votes", data=body.encode(),
        headers={"content-type": "application/json"}, method="POST",
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_answered_votes_survive_sigkill(tmp_path: Path, db_url: str) -> None:
    site = tmp_path / "site"
    write_manifest(site)
    port = free_port()
    proc = _serve(db_url, site, port)
    try:
        answered = [f"r{i}" for i in range(10) if _vote(port, f"r{i}") == 201]
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert len(answered) == 10  # the per-client limit: all ten allowed
    store = Store(db_url)  # opening recovers SQLite's WAL
    try:
        with store.reading() as conn:
            stored = conn.exec_driver_sql("SELECT revision FROM kbgen_votes").scalars().all()
    finally:
        store.close()
    assert sorted(stored) == sorted(answered)
