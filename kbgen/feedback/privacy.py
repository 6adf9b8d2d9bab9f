"""What the collector does so it never keeps personal data it does not need.

- A client is identified (for the daily rate limit only) by HMAC-SHA256 of its address,
  keyed with the day's key from :mod:`kbgen.feedback.keys`, which never sits in the database
  beside the hashes; the counters of earlier days are discarded when a day begins. Votes
  themselves carry no client identifier at all.
- Free text is cleaned of control and bidi-override characters (which could disguise a
  comment in the report) and zero-result queries are redacted of e-mail addresses and long
  numbers (order, customer or phone numbers people paste into a search box).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import unicodedata

from kbgen.feedback.keys import Keys
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
    """Turns a client address into the day's pseudonym; the first use on a new day discards
    the earlier days' rate counters (their key is gone, so they are unlinkable anyway)."""

    def __init__(self, store: Store, keys: Keys) -> None:
        self._store = store
        self._keys = keys
        self._lock = threading.Lock()
        self._day: dt.date | None = None

    def pseudonym(self, client: str, day: dt.date) -> str:
        if day != self._day:
            with self._lock:
                if day != self._day:
                    self._store.discard_rate_counters(before=day)
                    self._day = day
        return self._keys.pseudonym(client, day)
