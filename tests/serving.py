"""Local servers for tests: a built site over http.server, a collector (uvicorn) in a thread,
or a collector process (``kbgen feedback serve``), each on 127.0.0.1. Imported by name
(``from serving import ...``)."""

from __future__ import annotations

import functools
import http.server
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn


def free_port() -> int:
    """A port free right now, for a server whose URL must be known before it starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser navigated away mid-response


@contextmanager
def serve_directory(directory: Path, port: int = 0) -> Iterator[str]:
    """Serve ``directory``; yields the base URL ``http://127.0.0.1:PORT/``."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(QuietHandler, directory=str(directory))
    )
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve_app(app: Any, port: int) -> Iterator[None]:
    """Run the ASGI ``app`` (a collector) with uvicorn on ``port`` until the block ends."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "collector did not start"
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)


COLLECTOR = (sys.executable, "-m", "kbgen.feedback", "serve")


def start_collector(
    port: int,
    *args: str,
    command: Sequence[str] = COLLECTOR,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``kbgen feedback serve --port PORT ARGS`` (or another ``command`` of the same
    service) as a process (one a test may kill -9) and wait until it answers /healthz; fail
    with its error output if it exits."""
    proc = subprocess.Popen(
        [*command, "--port", str(port), *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("collector did not start")
