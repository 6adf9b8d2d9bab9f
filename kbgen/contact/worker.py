"""The outbox's delivery loop: a thread in the collector's process that delivers due requests,
retries failures with exponential backoff and picks up where it stopped after a restart (the
state is in the database, not in memory)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from kbgen.contact.channels import SENDERS, DeliveryError
from kbgen.contact.outbox import Outbox
from kbgen.contact.settings import ContactSettings

log = logging.getLogger(__name__)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class DeliveryWorker:
    def __init__(
        self,
        outbox: Outbox,
        settings: ContactSettings,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self.outbox = outbox
        self.settings = settings
        self.clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._purged: dt.date | None = None

    def start(self) -> None:
        if self._thread is None and self.settings.channels:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="kbgen-outbox", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=self.settings.timeout_seconds + 5)
            self._thread = None

    def wake(self) -> None:
        """A request was stored: deliver now rather than at the next poll."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # noqa: BLE001 - the loop must survive a database outage
                log.exception("Outbox: delivery round failed; retrying")
                busy = 0
            if not busy:
                self._wake.wait(self.settings.poll_seconds)
                self._wake.clear()

    def run_once(self) -> int:
        """Deliver what is due now; returns how many deliveries were attempted."""
        now = self.clock()
        self._purge(now)
        lease = dt.timedelta(seconds=self.settings.lease_seconds)
        claimed = self.outbox.claim(now, lease, self.settings.channels)
        for delivery in claimed:
            if self._stop.is_set():
                break
            request = self.outbox.request(delivery.request_id)
            try:
                SENDERS[delivery.channel](request, self.settings)
            except DeliveryError as exc:
                state = self.outbox.failed(
                    delivery,
                    str(exc),
                    self.clock(),
                    base=self.settings.retry_base_seconds,
                    cap=self.settings.retry_cap_seconds,
                    max_attempts=self.settings.max_attempts,
                )
                log.warning(
                    "Outbox: %s of %s not delivered (attempt %d, %s): %s",
                    delivery.channel,
                    delivery.reference,
                    delivery.attempts + 1,
                    state,
                    exc,
                )
                continue
            self.outbox.sent(delivery.id, self.clock())
            log.info("Outbox: %s of %s delivered", delivery.channel, delivery.reference)
        return len(claimed)

    def _purge(self, now: dt.datetime) -> None:
        if not self.settings.retention_days or self._purged == now.date():
            return
        self._purged = now.date()
        removed = self.outbox.purge(now.date() - dt.timedelta(days=self.settings.retention_days))
        if removed:
            log.info("Outbox: deleted %d contact requests past the retention period", removed)
