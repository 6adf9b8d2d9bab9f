"""The collector's keys, kept out of the database they protect.

- The day's pseudonym key (the "salt" of the client hashes in ``kbgen_rate_counters``): whoever
  reads the database must not also find the key, or they could test every IPv4 address of a
  /16 against a hash in well under a second. So the key lives in memory only, or is derived
  from a secret the operator keeps outside the database (``KBGEN_FEEDBACK_SECRET``), and
  changes every UTC day.
- The signing key of the no-JS confirm page's form token (see :class:`FormTokens`).

Without a configured secret each collector process draws random keys: fine for one instance,
but several instances behind a load balancer then count a client separately and refuse each
other's form tokens, so they need the same secret.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import secrets
import threading

log = logging.getLogger(__name__)

SECRET_ENV = "KBGEN_FEEDBACK_SECRET"
MIN_SECRET_LENGTH = 16


class Keys:
    """Keys derived from one secret (random per process when none is given)."""

    def __init__(self, secret: str = "") -> None:
        self.shared = bool(secret)
        if secret and len(secret) < MIN_SECRET_LENGTH:
            from kbgen.feedback.errors import FeedbackError

            raise FeedbackError(
                f"The collector secret ({SECRET_ENV}) has {len(secret)} characters; "
                f"expected at least {MIN_SECRET_LENGTH}. Hint: python3 -c "
                "'import secrets; print(secrets.token_urlsafe(32))'"
            )
        self._secret = secret.encode("utf-8") if secret else secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._day: dt.date | None = None
        self._day_key = b""

    def derive(self, purpose: str) -> bytes:
        return hmac.new(self._secret, purpose.encode("utf-8"), hashlib.sha256).digest()

    def daily(self, day: dt.date) -> bytes:
        """The pseudonym key of ``day``. Without a shared secret it is random and yesterday's
        is forgotten once today's is drawn, so not even this process can link old hashes."""
        if day != self._day:
            with self._lock:
                if day != self._day:
                    if self.shared:
                        self._day_key = self.derive(f"pseudonym:{day.isoformat()}")
                    else:
                        self._day_key = secrets.token_bytes(32)
                    self._day = day
        return self._day_key

    def pseudonym(self, client: str, day: dt.date) -> str:
        return hmac.new(self.daily(day), client.encode("utf-8"), hashlib.sha256).hexdigest()


class FormTokens:
    """Signed, expiring tokens that tie the no-JS vote form to its confirm page.

    The confirm page (a GET) embeds a token over the article, language, value, the time and
    the client's address; the form's POST is accepted only with a valid, fresh token from the
    same client. Another origin cannot read the confirm page (no CORS header), and a token
    fetched by the attacker's own server names the wrong client, so a foreign page cannot cast
    votes even when the browser sends ``Origin: null``.
    """

    def __init__(self, keys: Keys, ttl: dt.timedelta) -> None:
        self._key = keys.derive("vote-form")
        self.ttl = ttl

    def _mac(self, issued: int, client: str, fields: tuple[str, ...]) -> str:
        message = "\x1f".join((str(issued), client, *fields)).encode("utf-8")
        digest = hmac.new(self._key, message, hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(digest).decode("ascii")

    def issue(self, now: dt.datetime, client: str, *fields: str) -> str:
        issued = int(now.replace(tzinfo=dt.UTC).timestamp())
        return f"{issued}.{self._mac(issued, client, fields)}"

    def check(self, token: str, now: dt.datetime, client: str, *fields: str) -> str | None:
        """None when the token is valid, else why not ("invalid" or "expired")."""
        issued_text, _, mac = token.partition(".")
        if not issued_text.isdigit() or len(issued_text) > 12 or not mac:
            return "invalid"
        issued = int(issued_text)
        if not hmac.compare_digest(mac, self._mac(issued, client, fields)):
            return "invalid"
        age = now.replace(tzinfo=dt.UTC).timestamp() - issued
        if age > self.ttl.total_seconds() or age < -300:  # 5 min of clock skew between instances
            return "expired"
        return None
