"""The build cache behind incremental builds: parsed articles and the inputs of every page.

A page is rebuilt only when something it shows changed: its article, the lists it links
(siblings, related, categories), the configuration, the theme or kbgen itself. Everything else is
carried over from the previous site, so a full and an incremental build give identical output.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from kbgen import __version__

log = logging.getLogger("kbgen.cache")

FORMAT = 1


def digest(value: Any) -> str:
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(data).hexdigest()[:20]


def tree_digest(*folders: Path) -> str:
    """Content digest of template and asset folders (a theme edit rebuilds every page)."""
    sha = hashlib.sha256()
    for folder in folders:
        for path in sorted(
            p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ):
            sha.update(path.relative_to(folder).as_posix().encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()[:20]


class BuildCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _write(self, name: str, data: bytes) -> None:
        # Written to a temporary file and renamed: an interrupted build leaves the old cache.
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, self.folder / name)

    def _read(self, name: str) -> bytes | None:
        try:
            return (self.folder / name).read_bytes()
        except OSError:
            return None

    # Parsed articles, keyed by path, valid while (mtime, size) match.

    def load_articles(self, key: str) -> dict:
        raw = self._read(f"articles-{key}.pickle")
        if raw is None:
            return {}
        try:
            data = pickle.loads(raw)
        except Exception:  # noqa: BLE001 - a damaged or foreign cache is just a cold start
            log.debug("article cache unreadable; reading every article")
            return {}
        if not isinstance(data, dict) or data.get("format") != (FORMAT, __version__):
            return {}
        return data.get("entries", {})

    def save_articles(self, key: str, entries: dict) -> None:
        payload = {"format": (FORMAT, __version__), "entries": entries}
        self._write(
            f"articles-{key}.pickle", pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        )

    # Page keys of the site last built into a folder.

    def load_pages(self, site_dir: Path) -> dict[str, str]:
        raw = self._read(f"pages-{digest(str(site_dir.resolve()))}.json")
        if raw is None:
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            return {}
        return data.get("pages", {}) if data.get("format") == FORMAT else {}

    def save_pages(self, site_dir: Path, pages: dict[str, str]) -> None:
        data = json.dumps({"format": FORMAT, "pages": pages}, sort_keys=True).encode()
        self._write(f"pages-{digest(str(site_dir.resolve()))}.json", data)

    def forget_pages(self, site_dir: Path) -> None:
        (self.folder / f"pages-{digest(str(site_dir.resolve()))}.json").unlink(missing_ok=True)
