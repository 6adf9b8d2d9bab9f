"""The built site's article manifest (``<site>/assets/kbgen/articles.json``), as the collector
and the report read it.

The collector accepts votes only for articles the manifest lists, so a typo or a forged id
never lands in the database. A site is redeployed while the collector keeps running, so
:class:`ManifestSource` re-reads the file when it changes instead of requiring a restart.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kbgen.feedback import contract
from kbgen.feedback.errors import FeedbackError

log = logging.getLogger(__name__)

MANIFEST_PATH = Path(contract.MANIFEST_PATH)
SUPPORTED_VERSION = 1


@dataclass(frozen=True)
class ArticleRef:
    id: str
    lang: str
    title: str
    url: str
    revision: str


@dataclass(frozen=True)
class Manifest:
    site_url: str = ""
    lang: str = ""
    articles: dict[tuple[str, str], ArticleRef] = field(default_factory=dict)

    def get(self, article_id: str, lang: str) -> ArticleRef | None:
        return self.articles.get((article_id, lang))

    @property
    def origin(self) -> str | None:
        """``scheme://host[:port]`` of ``site_url``: the browser origin allowed by CORS."""
        return origin_of(self.site_url)

    def article_url(self, ref: ArticleRef) -> str | None:
        """Absolute URL of an article page, or None when the site's URL is unknown."""
        if not self.site_url:
            return None
        return self.site_url.rstrip("/") + "/" + ref.url.lstrip("/")


def origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def manifest_path(site_dir: Path) -> Path:
    return site_dir / MANIFEST_PATH


def load_manifest(site_dir: Path) -> Manifest:
    """Read and validate the manifest of the site built into ``site_dir``."""
    path = manifest_path(site_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FeedbackError(
            f"Site manifest not found: {path}. Hint: run 'kbgen build' first, or pass "
            "--site-dir pointing at the built site."
        ) from None
    except (OSError, ValueError) as exc:
        raise FeedbackError(f"Cannot read site manifest {path}: {exc}") from exc
    return parse_manifest(raw, source=str(path))


def parse_manifest(raw: object, source: str = "articles.json") -> Manifest:
    if not isinstance(raw, dict):
        raise FeedbackError(f"{source}: expected a JSON object, got {type(raw).__name__}")
    version = raw.get("version")
    if version != SUPPORTED_VERSION:
        raise FeedbackError(
            f"{source}: unsupported manifest version {version!r}, expected {SUPPORTED_VERSION}. "
            "Hint: rebuild the site with this kbgen version."
        )
    site_url = raw.get("site_url") or ""
    default_lang = raw.get("lang") or ""
    articles: dict[tuple[str, str], ArticleRef] = {}
    for index, entry in enumerate(raw.get("articles") or []):
        try:
            ref = ArticleRef(
                id=str(entry["id"]),
                lang=str(entry.get("lang") or default_lang),
                title=str(entry.get("title") or entry["id"]),
                url=str(entry.get("url") or ""),
                revision=str(entry.get("revision") or ""),
            )
        except (KeyError, TypeError, AttributeError):
            raise FeedbackError(f"{source}: article #{index} has no 'id' (got {entry!r})") from None
        articles[(ref.id, ref.lang)] = ref
    return Manifest(site_url=str(site_url), lang=str(default_lang), articles=articles)


class ManifestSource:
    """Hands out the current manifest, re-reading the file at most every ``check_every``
    seconds when its modification time changed. A broken redeploy keeps the last good
    manifest (logged) rather than rejecting every vote.
    """

    def __init__(self, site_dir: Path, check_every: float = 10.0) -> None:
        self.site_dir = site_dir
        self.check_every = check_every
        self._lock = threading.Lock()
        self._manifest = load_manifest(site_dir)
        self._mtime = self._stat()
        self._checked = time.monotonic()

    @classmethod
    def fixed(cls, manifest: Manifest) -> ManifestSource:
        """A source that never re-reads: for tests and embedding."""
        source = cls.__new__(cls)
        source.site_dir = None  # type: ignore[assignment]
        source.check_every = float("inf")
        source._lock = threading.Lock()
        source._manifest = manifest
        source._mtime = None
        source._checked = time.monotonic()
        return source

    def _stat(self) -> float | None:
        try:
            return os.stat(manifest_path(self.site_dir)).st_mtime
        except OSError:
            return None

    def get(self) -> Manifest:
        now = time.monotonic()
        if now - self._checked < self.check_every:
            return self._manifest
        with self._lock:
            if now - self._checked < self.check_every:
                return self._manifest
            self._checked = now
            mtime = self._stat()
            if mtime is not None and mtime != self._mtime:
                try:
                    self._manifest = load_manifest(self.site_dir)
                    self._mtime = mtime
                    log.info("Reloaded site manifest (%d articles)", len(self._manifest.articles))
                except FeedbackError as exc:
                    log.warning("Keeping the previous site manifest: %s", exc)
        return self._manifest
