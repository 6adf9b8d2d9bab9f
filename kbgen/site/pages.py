"""The pages kbgen adds to the articles: home, category and section landing pages, search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from kbgen.articles.model import Article, Folder
from kbgen.articles.structure import Category, HelpCenter, Section

SEARCH_URI = "search/index.md"


@dataclass
class PageModel:
    kind: str  # home | category | section | article | search
    src_uri: str
    title: str
    markdown: str = ""
    article: Article | None = None
    folder: Folder | None = None
    category: Category | None = None
    section: Section | None = None

    def changed_on(self) -> dt.date | None:
        """The newest `updated` date of the page's article or listed articles."""
        if self.article is not None:
            return self.article.updated
        members = (
            self.section.articles
            if self.section
            else self.category.all_articles()
            if self.category
            else []
        )
        dates = [a.updated for a in members if a.updated]
        return max(dates) if dates else None

    @classmethod
    def for_article(cls, article: Article) -> PageModel:
        return cls("article", str(article.path), article.title, article=article)


def generated_pages(hc: HelpCenter, strings: dict[str, str]) -> Iterator[PageModel]:
    intros = hc.catalog.intros
    home_title = hc.catalog.home_title or strings["home_title"]
    yield PageModel("home", "index.md", home_title, intros.get("", ""))
    for category in hc.categories:
        slug = category.folder.slug
        yield PageModel(
            "category",
            f"{slug}/index.md",
            category.folder.title,
            intros.get(slug, ""),
            folder=category.folder,
            category=category,
        )
        for section in category.sections:
            sub = section.folder.slug
            yield PageModel(
                "section",
                f"{sub}/index.md",
                section.folder.title,
                intros.get(sub, ""),
                folder=section.folder,
                category=category,
                section=section,
            )
    yield PageModel("search", SEARCH_URI, strings["searchpage_title"])
