"""Progress of long builds on a terminal; silent in CI and when output is redirected."""

from __future__ import annotations

import os
import sys
import time


class Progress:
    def __init__(self, total: int, *, stream=None, min_total: int = 200) -> None:
        self.total = total
        self.done_count = 0
        self.stream = stream or sys.stderr
        interactive = getattr(self.stream, "isatty", lambda: False)()
        self.enabled = interactive and not os.environ.get("CI") and total >= min_total
        self._last = 0.0

    def step(self) -> None:
        self.done_count += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last >= 0.2 or self.done_count == self.total:
            self._last = now
            self.stream.write(f"\rkbgen: {self.done_count}/{self.total} pages")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
