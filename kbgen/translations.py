"""Translation status: which articles of the default language lack a translation, and which
translations were made from an older revision of their source (engine-neutral)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from kbgen.articles import Catalog

MISSING, OUTDATED, CURRENT, UNTRACKED = "missing", "outdated", "current", "untracked"


@dataclass(frozen=True, order=True)
class Translation:
    """One source article in one other language."""

    id: str
    lang: str
    state: str  # missing | outdated | current | untracked (no source_revision recorded)
    source: str  # the source article's file, as problems name it
    path: str  # the translation's file; '' when missing
    source_revision: str  # the source's revision now
    translated_from: str  # the translation's source_revision

    def record(self) -> dict[str, Any]:
        return asdict(self)


def status(catalogs: dict[str, Catalog]) -> list[Translation]:
    """Every published article of the default (first) language in every other language.
    Outdated translations are also reported as warnings on the translation's file."""
    if len(catalogs) < 2:
        return []
    (default, source_catalog), *others = catalogs.items()
    found: list[Translation] = []
    for lang, catalog in others:
        translations = {a.id: a for a in catalog.articles}
        for source in source_catalog.published:
            where = source_catalog.where(source.path)
            article = translations.get(source.id)
            if article is None or article.draft:
                state = MISSING
            elif not article.source_revision:
                state = UNTRACKED
            elif article.source_revision != source.revision:
                state = OUTDATED
            else:
                state = CURRENT
            path = catalog.where(article.path) if article is not None and not article.draft else ""
            found.append(
                Translation(
                    source.id,
                    lang,
                    state,
                    where,
                    path,
                    source.revision,
                    article.source_revision if article is not None else "",
                )
            )
            if state == OUTDATED and article is not None:
                catalog.problems.warning(
                    path,
                    article.meta_lines.get("source_revision", 1),
                    f"translation may be out of date: its source {where} changed since "
                    f"revision {article.source_revision}",
                    f"update the translation and set 'source_revision: {source.revision}'",
                )
    return sorted(found)


def summary(translations: list[Translation]) -> dict[str, int]:
    counts = {MISSING: 0, OUTDATED: 0, CURRENT: 0, UNTRACKED: 0}
    for item in translations:
        counts[item.state] += 1
    return counts
