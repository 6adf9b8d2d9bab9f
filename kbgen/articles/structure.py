"""The help center's shape: categories, sections and ordered article lists (engine-neutral)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kbgen.articles.loader import Catalog
from kbgen.articles.model import Article, Folder


def article_order(article: Article) -> tuple[int, str, str]:
    return (article.order, article.title.casefold(), article.id)


def folder_order(folder: Folder) -> tuple[int, str, str]:
    return (folder.order, folder.title.casefold(), folder.slug)


@dataclass
class Section:
    folder: Folder
    articles: list[Article] = field(default_factory=list)  # ordered; deeper folders flattened in


@dataclass
class Category:
    folder: Folder
    articles: list[Article] = field(default_factory=list)  # directly in the category folder
    sections: list[Section] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.articles) + sum(len(s.articles) for s in self.sections)

    def all_articles(self) -> list[Article]:
        found = list(self.articles)
        for section in self.sections:
            found.extend(section.articles)
        return found


@dataclass
class HelpCenter:
    catalog: Catalog
    categories: list[Category]
    loose: list[Article]  # published articles outside any category folder
    by_key: dict[tuple[str, str], Article]
    by_path: dict[str, Article]
    containers: dict[str, list[Article]]  # category or section slug → its ordered list

    @property
    def articles(self) -> list[Article]:
        return self.catalog.published

    def promoted(self, lang: str | None = None) -> list[Article]:
        chosen = [
            a for a in self.catalog.published if a.promoted and (lang is None or a.lang == lang)
        ]
        return sorted(chosen, key=article_order)

    def container_of(self, article: Article) -> str:
        return article.section or article.category

    def siblings(self, article: Article, limit: int) -> list[Article]:
        """Other articles of the same section (or category): a bounded list, never all."""
        members = self.containers.get(self.container_of(article), [])
        if len(members) <= limit + 1:
            return [a for a in members if a is not article]
        # Show the neighbourhood in the list's order, so nearby topics come first.
        # By identity: list.index() would compare whole articles field by field.
        index = next(i for i, member in enumerate(members) if member is article)
        start = max(0, min(index - limit // 2, len(members) - limit - 1))
        window = members[start : start + limit + 1]
        return [a for a in window if a is not article][:limit]


def build(catalog: Catalog) -> HelpCenter:
    """Arrange the published articles of ``catalog`` into categories and sections."""
    published = catalog.published
    grouped: dict[str, list[Article]] = defaultdict(list)
    for article in published:
        grouped[article.section or article.category].append(article)

    categories = []
    for folder in sorted((f for f in catalog.folders.values() if f.depth == 1), key=folder_order):
        category = Category(folder, sorted(grouped.get(folder.slug, []), key=article_order))
        for sub in sorted(
            (f for f in catalog.folders.values() if f.depth == 2 and f.parent == folder.slug),
            key=folder_order,
        ):
            if grouped.get(sub.slug):
                category.sections.append(Section(sub, sorted(grouped[sub.slug], key=article_order)))
        if category.count:
            categories.append(category)

    containers: dict[str, list[Article]] = {}
    for category in categories:
        containers[category.folder.slug] = category.articles
        for section in category.sections:
            containers[section.folder.slug] = section.articles
    return HelpCenter(
        catalog=catalog,
        categories=categories,
        loose=sorted(grouped.get("", []), key=article_order),
        by_key={a.key: a for a in published},
        by_path={str(a.path): a for a in published},
        containers=containers,
    )
