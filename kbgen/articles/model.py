"""The article model: what a help-center article is, independent of any site engine."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath


@dataclass
class Folder:
    """A category (top-level folder) or section (sub-folder) of the help center.

    ``slug`` is the folder's path relative to the articles root, e.g. ``versand`` or
    ``versand/paketdienste``. Metadata comes from the folder's ``_meta.yml``.
    """

    slug: str
    title: str
    description: str = ""
    icon: str = ""
    order: int = 0
    lang: str = ""
    parent: str | None = None

    @property
    def depth(self) -> int:
        return self.slug.count("/") + 1


@dataclass(eq=False)
class Article:
    """One published or draft article, as read from its Markdown file.

    Compared by identity: two files are two articles even with equal text."""

    id: str
    title: str
    path: PurePosixPath  # relative to the articles root, e.g. versand/paket-verfolgen.md
    body: str  # Markdown without front matter
    body_line: int = 1  # 1-based line number of the body's first line in the file
    lang: str = "de"
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    promoted: bool = False
    order: int = 0
    related: list[str] = field(default_factory=list)
    draft: bool = False
    updated: dt.date | None = None
    review_by: dt.date | None = None
    source_revision: str = ""  # in a translation: the source's revision it was made from
    extra: dict[str, object] = field(default_factory=dict)  # unknown front-matter keys
    title_from_h1: bool = False
    meta_lines: dict[str, int] = field(default_factory=dict)  # front-matter key → file line

    @property
    def folder(self) -> str:
        """The folder slug holding the article ('' for the root)."""
        parent = str(self.path.parent)
        return "" if parent == "." else parent

    @property
    def category(self) -> str:
        return self.folder.split("/", 1)[0] if self.folder else ""

    @property
    def section(self) -> str | None:
        """The section slug (``category/sub``) or None when the article sits in a category."""
        parts = self.folder.split("/")
        return "/".join(parts[:2]) if len(parts) >= 2 else None

    @property
    def revision(self) -> str:
        """Short content hash: changes whenever the text a reader sees changes."""
        digest = hashlib.sha256()
        digest.update(self.title.encode())
        digest.update(b"\0")
        digest.update(self.body.encode())
        return digest.hexdigest()[:12]

    @property
    def key(self) -> tuple[str, str]:
        """Index key: translations share an id and differ by language."""
        return (self.lang, self.id)


def default_id(path: PurePosixPath) -> str:
    """Stable id from the path: ``versand/paket-verfolgen.md`` → ``versand-paket-verfolgen``."""
    return str(path.with_suffix("")).replace("/", "-").lower()
