"""What the collector does so it never keeps personal data it does not need.

- A client is identified (for the daily rate limit only) by HMAC-SHA256 of its address,
  keyed with a random salt that lives for one UTC day; the store discards old salts and the
  counters with them, so a hash cannot be linked to an address afterwards, not even by the
  operator. Votes themselves carry no client identifier at all.
- Free text is cleaned of control and bidi-override characters (which could disguise a
  comment in the report) and zero-result queries are redacted of e-mail addresses and long
  numbers (order, customer or phone numbers people paste into a search box).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import threading
import unicodedata

from kbgen.feedback.store import Store

# C0/C1 controls except TAB and LF; bidi embeddings/overrides/isolates; BOM.
_UNSAFE_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LONG_NUMBER = re.compile(r"\d(?:[\s./-]?\d){5,}")


def clean_text(value: str, *, multiline: bool) -> str:
    """Normalize user text: NFC, LF newlines, no control characters, trimmed."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    value = _UNSAFE_CHARS.sub("", value)
    if not multiline:
        value = " ".join(value.split())
    return value.strip()


def redact_query(query: str) -> str:
    """A zero-result query as stored: lower-cased, e-mail addresses and numbers of six or
    more digits replaced, so the content-gap list does not collect customers' data."""
    query = _EMAIL.sub("[email]", query)
    query = _LONG_NUMBER.sub("[number]", query)
    return query.lower()


class ClientHasher:
    """Turns a client address into the day's pseudonym, caching the day's key."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._day: dt.date | None = None
        self._key = b""

    def pseudonym(self, client: str, day: dt.date) -> str:
        if day != self._day:
            with self._lock:
                if day != self._day:
                    self._key = self._store.daily_salt(day)
                    self._day = day
        return hmac.new(self._key, client.encode("utf-8"), hashlib.sha256).hexdigest()
