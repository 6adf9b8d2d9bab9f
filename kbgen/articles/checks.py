"""Checks across articles: ids, related ids, links and anchors, reviews due."""

from __future__ import annotations

import datetime as dt
import posixpath
from urllib.parse import unquote, urlsplit

from kbgen.articles.loader import INTRO_NAMES, Catalog
from kbgen.articles.model import Article, default_id
from kbgen.articles.text import Slugify, anchors, links


def default_slugify(value: str, separator: str) -> str:
    from markdown.extensions.toc import slugify

    return slugify(value, separator)


def check(
    catalog: Catalog, *, slugify: Slugify = default_slugify, today: dt.date | None = None
) -> None:
    """Add every cross-article problem to ``catalog.problems``."""
    _duplicate_ids(catalog)
    _related(catalog)
    _links(catalog, slugify)
    _reviews(catalog, today or dt.date.today())


def _duplicate_ids(catalog: Catalog) -> None:
    seen: dict[tuple[str, str], Article] = {}
    for article in catalog.articles:
        first = seen.setdefault(article.key, article)
        if first is article:
            continue
        # Publishing both under one id would mix their feedback; the later one gets its path id.
        replacement, n = default_id(article.path), 1
        while (article.lang, replacement) in seen:
            n += 1
            replacement = f"{default_id(article.path)}-{n}"
        catalog.problems.warning(
            catalog.where(article.path),
            article.meta_lines.get("id", 1),
            f"duplicate id '{article.id}' (language '{article.lang}'), also used by "
            f"{catalog.where(first.path)}; this article is published as '{replacement}'",
            "give one of them another 'id:'; keep the old one where feedback already refers to it",
        )
        article.id = replacement
        seen[article.key] = article


def _related(catalog: Catalog) -> None:
    ids = {a.id: a for a in catalog.articles}
    for article in catalog.articles:
        line = article.meta_lines.get("related", 1)
        for rid in article.related:
            target = ids.get(rid)
            if target is None:
                catalog.problems.warning(
                    catalog.where(article.path),
                    line,
                    f"related id '{rid}' matches no article",
                    "write the 'id' of an existing article",
                )
            elif target.draft and not article.draft:
                catalog.problems.warning(
                    catalog.where(article.path), line, f"related article '{rid}' is a draft"
                )


def _links(catalog: Catalog, slugify: Slugify) -> None:
    by_path = {str(a.path): a for a in catalog.articles}
    anchor_cache: dict[str, set[str]] = {}
    for article in catalog.articles:
        for link in links(article.body):
            message = _check_link(catalog, article, link.target, by_path, anchor_cache, slugify)
            if message:
                catalog.problems.warning(
                    catalog.where(article.path), article.body_line + link.line, *message
                )


def _check_link(
    catalog: Catalog,
    article: Article,
    target: str,
    by_path: dict[str, Article],
    anchor_cache: dict[str, set[str]],
    slugify: Slugify,
) -> tuple[str, str] | None:
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith(("/", "mailto:", "tel:")):
        return None
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    if not path:
        target_article = article
    else:
        resolved = posixpath.normpath(posixpath.join(str(article.path.parent), path))
        if resolved.startswith(".."):
            return (
                f"link '{target}' points outside the articles folder",
                "link to an article's .md file",
            )
        target_article = by_path.get(resolved)
        if target_article is None:
            name = posixpath.basename(resolved)
            folder = posixpath.dirname(resolved)
            if resolved.endswith(".md") and (catalog.root / resolved).exists():
                if name in INTRO_NAMES and (folder in catalog.folders or folder == ""):
                    return None  # the intro of a category, section or the home page
                return (
                    f"link '{target}' points at a file that is not published",
                    "it is excluded or ignored (names starting with '_' or '.'); link an article",
                )
            if (catalog.root / resolved).exists() or resolved.rstrip("/") in catalog.folders:
                return None  # an image, a download or a category landing page
            if not resolved.endswith(".md") and by_path.get(resolved.rstrip("/") + ".md"):
                return (
                    f"link '{target}' should point at the .md file",
                    "write the article's file name, e.g. 'lieferzeit.md'",
                )
            if resolved.endswith(".md"):
                return (
                    f"broken link '{target}': no such article",
                    "check the path relative to this file",
                )
            return (
                f"broken link '{target}': no such file",
                "add the file next to the article or fix the path",
            )
        if target_article.draft and not article.draft:
            return (f"link '{target}' points at a draft", "publish the target or remove the link")
    if fragment:
        key = str(target_article.path)
        if key not in anchor_cache:
            anchor_cache[key] = anchors(target_article.body, slugify)
        if fragment not in anchor_cache[key]:
            known = ", ".join(sorted(anchor_cache[key])[:8]) or "none"
            return (f"broken anchor '#{fragment}' in link '{target}'", f"headings there: {known}")
    return None


def _reviews(catalog: Catalog, today: dt.date) -> None:
    for article in catalog.articles:
        if article.review_by and article.review_by < today and not article.draft:
            catalog.problems.info(
                catalog.where(article.path),
                article.meta_lines.get("review_by", 1),
                f"review was due on {article.review_by.isoformat()}",
                "check the article and set a new 'review_by' date",
            )
