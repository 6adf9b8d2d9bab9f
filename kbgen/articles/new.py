"""`kbgen new`: a new article with complete front matter and a unique id."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import yaml

from kbgen.articles.loader import Catalog
from kbgen.exceptions import UsageError

TRANSLITERATE = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"}
)
REVIEW_AFTER = dt.timedelta(days=180)
PROMPTS = {
    "de": "<!-- Beantworten Sie hier die Frage aus dem Titel, dann 'draft: false' setzen. -->",
    "en": "<!-- Answer the title's question here, then set 'draft: false'. -->",
}


def slug(title: str) -> str:
    """'Wo ist mein Paket?' → 'wo-ist-mein-paket' (German umlauts spelled out)."""
    text = unicodedata.normalize("NFKD", title.translate(TRANSLITERATE))
    text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].rstrip("-") or "artikel"


def create(
    catalog: Catalog, title: str, category: str, *, lang: str, today: dt.date | None = None
) -> Path:
    """Write the new article and return its path. Never overwrites a file."""
    title = title.strip()
    if not title:
        raise UsageError('the title is empty; write it in quotes: kbgen new "Wo ist mein Paket?"')
    folder = _category_folder(catalog.root, category)
    base = slug(title)
    taken_ids = {a.id for a in catalog.articles}
    article_id, n = base, 1
    while article_id in taken_ids or (folder / f"{article_id}.md").exists():
        n += 1
        article_id = f"{base}-{n}"
    path = folder / f"{article_id}.md"
    today = today or dt.date.today()
    meta = {
        "title": title,
        "id": article_id,
        "description": "",
        "keywords": [],
        "questions": [],  # customers' own questions; `kbgen check` tests each finds the article
        "tags": [],
        "promoted": False,
        "order": 0,
        "related": [],
        "draft": True,  # published once the writer sets it to false
        "updated": today,
        "review_by": today + REVIEW_AFTER,
        "lang": lang,
    }
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None)
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(f"---\n{front}---\n\n{PROMPTS.get(lang, PROMPTS['en'])}\n")
    return path


def _category_folder(root: Path, category: str) -> Path:
    candidate = Path(category)
    if not candidate.is_absolute():
        # Accept both 'versand' and 'articles/versand' (as a shell's tab completion gives it).
        inside = (root / candidate).resolve()
        from_cwd = candidate.resolve()
        candidate = from_cwd if from_cwd.is_dir() and _within(from_cwd, root) else inside
    candidate = candidate.resolve()
    if not _within(candidate, root):
        raise UsageError(f"--category '{category}' is outside the articles folder '{root}'")
    return candidate


def _within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root.resolve())
    except ValueError:
        return False
    return True
