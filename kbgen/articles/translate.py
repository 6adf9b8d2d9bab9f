"""`kbgen new --translate ID --lang en`: the start of a translation, linked to its source.

The new file sits at the source's path in the language's folder, keeps the source's id (that is
what links translations) and records the source revision it starts from, so `kbgen check` can
tell when the source changes later. The text is the source's, to be translated; the file is a
draft until the writer publishes it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from kbgen.articles.loader import Catalog
from kbgen.articles.new import REVIEW_AFTER
from kbgen.exceptions import UsageError

PROMPTS = {
    "de": "<!-- Übersetzen Sie Titel und Text, dann 'draft: false' setzen. -->",
    "en": "<!-- Translate the title and the text, then set 'draft: false'. -->",
}


def create_translation(
    source: Catalog, article_id: str, target_root: Path, lang: str, today: dt.date | None = None
) -> Path:
    """Write the translation of ``article_id`` into ``target_root`` (the language's articles
    folder) and return its path. Never overwrites a file."""
    matches = [a for a in source.articles if a.id == article_id]
    if not matches:
        raise UsageError(
            f"no article with id {article_id!r} in {source.display_prefix or 'the articles'}; "
            "`kbgen check --format json` lists the translation status with every id"
        )
    article = matches[0]
    path = target_root / article.path
    if path.exists():
        raise UsageError(f"{path} exists already; edit it or delete it first")
    today = today or dt.date.today()
    meta = {
        "title": article.title,
        "id": article.id,
        "description": article.description,
        "keywords": list(article.keywords),
        "questions": list(article.questions),  # customers' questions: translate them too
        "tags": list(article.tags),
        "promoted": article.promoted,
        "order": article.order,
        "related": list(article.related),
        "draft": True,  # published once the writer has translated it
        "updated": today,
        "review_by": today + REVIEW_AFTER,
        "lang": lang,
        "source_revision": article.revision,
    }
    _copy_folder_titles(source.root, target_root, article.path.parent)
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None)
    prompt = PROMPTS.get(lang, PROMPTS["en"])
    with path.open("x", encoding="utf-8") as handle:
        handle.write(f"---\n{front}---\n\n{prompt}\n\n{article.body.strip()}\n")
    return path


def _copy_folder_titles(source_root: Path, target_root: Path, folder: object) -> None:
    """The language's folders get the source's `_meta.yml` (titles to translate) where they
    have none yet, so its categories are not named after their folders."""
    parts = Path(str(folder)).parts
    for depth in range(1, len(parts) + 1):
        rel = Path(*parts[:depth])
        meta = source_root / rel / "_meta.yml"
        target = target_root / rel / "_meta.yml"
        if meta.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(meta, target)
