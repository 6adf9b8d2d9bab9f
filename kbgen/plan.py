"""The build plan: every page of the help center, in every language, with its URL and what it
shows (typed views, :mod:`kbgen.views`).

Made once per build from the checked articles (:func:`make`); the renderer draws the pages
from it, the search index and the feedback manifest read their URLs from it, and each page's
cache key is the digest of its own view (:func:`page_key`). Engine-neutral: URLs come from a
:class:`Urls` policy the site layer provides.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urljoin

from kbgen.articles.loader import Catalog
from kbgen.articles.model import Article, Folder
from kbgen.articles.structure import Category, HelpCenter, Section
from kbgen.articles.structure import build as build_structure
from kbgen.articles.text import summary
from kbgen.feedback import contract as feedback_contract
from kbgen.locale import strings as ui_strings
from kbgen.settings import Settings
from kbgen.translations import Translation
from kbgen.views import (
    Alternate,
    FeedbackView,
    Link,
    SiteView,
    Tile,
)

SEARCH_URI = "search/index.md"
CONTACT_PAGE = "index.md"  # under the language's folder name, e.g. kontakt/index.md

Related = dict[tuple[str, str], list[str]]
"""Related article ids per (lang, id), from the search index."""


class Urls(Protocol):
    """The URL policy: site-relative URLs of pages from their source paths."""

    def page(self, src_uri: str) -> str:
        """The page's URL, e.g. ``versand/paket/`` or ``versand/paket.html``."""
        ...

    def file(self, src_uri: str) -> str:
        """The file the page is written to, e.g. ``versand/paket/index.html``."""
        ...

    def within(self, prefix: str) -> Urls:
        """The same policy for the pages below ``prefix`` (a language folder, 'en/')."""
        ...


# -- pages ------------------------------------------------------------------------------


@dataclass
class Page:
    """One page of the site: an article, or a page kbgen generates (home, category, section,
    search). ``markdown`` is the article body or the folder's intro text."""

    kind: str  # home | category | section | article | search | contact
    lang: str
    src_uri: str  # as the renderer sees it: 'versand/paket.md', 'en/versand/paket.md'
    url: str
    title: str
    markdown: str = ""
    article: Article | None = None
    folder: Folder | None = None
    category: Category | None = None
    section: Section | None = None

    @property
    def generated(self) -> bool:
        return self.article is None

    @property
    def description(self) -> str:
        """The page's summary (meta description, lead): front matter or the first paragraph."""
        if self.article is not None:
            return self.article.description or summary(self.article.body)
        return self.folder.description if self.folder is not None else ""

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


@dataclass
class Language:
    """One language of the help center: its articles, their structure, URLs and UI strings.

    ``folder`` is where its sources are and its pages go: '' for the default language, 'en/'
    for English beside it."""

    lang: str
    folder: str
    catalog: Catalog
    hc: HelpCenter
    urls: Urls
    strings: dict[str, str]
    site: SiteView | None = None

    def url_of(self, article: Article) -> str:
        return self.urls.page(str(article.path))

    def folder_url(self, folder: Folder) -> str:
        return self.urls.page(f"{folder.slug}/index.md")

    def link(self, article: Article) -> Link:
        return Link(article.title, self.url_of(article), article.id)

    def src_of(self, article: Article) -> str:
        return self.folder + str(article.path)


@dataclass
class Plan:
    settings: Settings
    urls: Urls  # the site's URL policy: full source paths ('en/versand/paket.md') to URLs
    languages: dict[str, Language]  # the default language first
    pages: dict[str, Page]  # by source path: per language generated pages, then articles
    newest: dt.date | None  # the newest content date: lastmod of pages without their own
    translations: list[Translation] = field(default_factory=list)
    outdated: set[tuple[str, str]] = field(default_factory=set)  # (lang, id) of translations

    @property
    def default(self) -> Language:
        return next(iter(self.languages.values()))

    @property
    def articles(self) -> list[Article]:
        return [a for language in self.languages.values() for a in language.hc.articles]

    def url_of(self, article: Article) -> str:
        # One language with articles in several (`lang:`): all live in the site's language.
        return self.languages.get(article.lang, self.default).url_of(article)

    def manifest(self) -> str:
        """The article manifest the feedback collector and report read (``paths.MANIFEST``)."""
        records = [
            {
                "id": a.id,
                "lang": a.lang,
                "title": a.title,
                "url": self.url_of(a),
                "revision": a.revision,
            }
            for a in sorted(self.articles, key=lambda a: (a.lang, a.id))
        ]
        payload = {
            "version": 1,
            "site_url": self.settings.site_url,
            "lang": self.settings.lang,
            "articles": records,
        }
        return json.dumps(payload, ensure_ascii=False, indent=0, sort_keys=True)

    def alternates(self, page: Page) -> list[Alternate]:
        """The page in every language of the site (none for a one-language site)."""
        if len(self.languages) < 2:
            return []
        found = []
        for language in self.languages.values():
            url = _counterpart(language, page)
            target = url if url is not None else language.urls.page("index.md")
            found.append(
                Alternate(
                    lang=language.lang,
                    name=language.strings["language_name"],
                    url=target,
                    exists=url is not None,
                    current=language.lang == page.lang,
                    canonical=self.canonical(target),
                )
            )
        return found

    def canonical(self, url: str) -> str:
        """The absolute URL of a site-relative one ('' without site_url)."""
        site_url = self.settings.site_url
        if not site_url:
            return ""
        return urljoin(site_url if site_url.endswith("/") else site_url + "/", url)


def _counterpart(language: Language, page: Page) -> str | None:
    """The URL of ``page``'s counterpart in ``language``, or None when it has none."""
    if page.article is not None:
        target = language.hc.by_key.get((language.lang, page.article.id))
        return language.url_of(target) if target is not None else None
    if page.folder is not None:
        folder = language.catalog.folders.get(page.folder.slug)
        if folder is None or page.folder.slug not in language.hc.containers:
            return None
        return language.folder_url(folder)
    if page.kind == "contact":
        return language.urls.page(contact_rel(language.strings))
    return language.urls.page(SEARCH_URI if page.kind == "search" else "index.md")


def make(
    catalogs: dict[str, Catalog],
    settings: Settings,
    urls: Urls,
    newest: dt.date | None,
    translations: list[Translation] | None = None,
) -> Plan:
    """Arrange the checked articles of every language into pages with URLs and views."""
    languages: dict[str, Language] = {}
    for index, (lang, catalog) in enumerate(catalogs.items()):
        folder = "" if index == 0 else f"{lang}/"
        languages[lang] = Language(
            lang, folder, catalog, build_structure(catalog), urls.within(folder), ui_strings(lang)
        )
    translations = list(translations or [])
    outdated = {(t.lang, t.id) for t in translations if t.state == "outdated"}
    plan = Plan(settings, urls, languages, {}, newest, translations, outdated)
    for language in languages.values():
        for page in _generated_pages(language):
            plan.pages[page.src_uri] = page
        if has_contact_page(settings):
            rel = contact_rel(language.strings)
            src = language.folder + rel
            title = language.strings["contactpage_title"]
            plan.pages[src] = Page("contact", language.lang, src, language.urls.page(rel), title)
        for article in language.hc.articles:
            src = language.src_of(article)
            plan.pages[src] = Page(
                "article",
                language.lang,
                src,
                language.url_of(article),
                article.title,
                article.body,
                article,
            )
    homes = [
        Alternate(
            language.lang,
            language.strings["language_name"],
            language.urls.page("index.md"),
            True,
            False,
            plan.canonical(language.urls.page("index.md")),
        )
        for language in languages.values()
    ]
    searches = [
        dataclasses.replace(h, url=language.urls.page(SEARCH_URI), canonical="")
        for h, language in zip(homes, languages.values(), strict=True)
    ]
    several = len(languages) > 1
    for language in languages.values():
        language.site = _site_view(
            plan, language, homes if several else [], searches if several else []
        )
    return plan


def has_contact_page(settings: Settings) -> bool:
    """A contact page is made when it is wanted and has something to offer: a channel, or a
    collector that takes the form."""
    c = settings.contact
    channels = c.email or c.phone or c.chat_url or c.address or settings.feedback.collector_url
    return c.page and bool(channels)


def contact_rel(strings: dict[str, str]) -> str:
    """``kontakt/index.md`` in German, ``contact/index.md`` in English (within the language)."""
    return f"{strings['contactpage_path']}/{CONTACT_PAGE}"


def _generated_pages(language: Language) -> Iterator[Page]:
    hc, urls, folder, lang = language.hc, language.urls, language.folder, language.lang
    intros = hc.catalog.intros
    home_title = hc.catalog.home_title or language.strings["home_title"]
    yield Page(
        "home", lang, folder + "index.md", urls.page("index.md"), home_title, intros.get("", "")
    )
    for category in hc.categories:
        rel = f"{category.folder.slug}/index.md"
        yield Page(
            "category",
            lang,
            folder + rel,
            urls.page(rel),
            category.folder.title,
            intros.get(category.folder.slug, ""),
            folder=category.folder,
            category=category,
        )
        for section in category.sections:
            rel = f"{section.folder.slug}/index.md"
            yield Page(
                "section",
                lang,
                folder + rel,
                urls.page(rel),
                section.folder.title,
                intros.get(section.folder.slug, ""),
                folder=section.folder,
                category=category,
                section=section,
            )
    yield Page(
        "search",
        lang,
        folder + SEARCH_URI,
        urls.page(SEARCH_URI),
        language.strings["searchpage_title"],
    )


def _site_view(
    plan: Plan, language: Language, homes: list[Alternate], searches: list[Alternate]
) -> SiteView:
    settings = plan.settings
    collector = settings.feedback.collector_url.rstrip("/")
    return SiteView(
        lang=language.lang,
        t=language.strings,
        contact=settings.contact,
        feedback=FeedbackView(
            enabled=settings.feedback.enabled,
            collector_url=collector,
            zero_results_url=f"{collector}{feedback_contract.ZERO_RESULTS_PATH}"
            if collector and settings.feedback.report_zero_results
            else "",
            events_url=f"{collector}{feedback_contract.EVENTS_PATH}"
            if collector and settings.feedback.events
            else "",
            events_local=settings.feedback.events_local,
            **feedback_contract.widget(collector),
        ),
        categories=[
            Tile(
                c.folder.slug,
                c.folder.title,
                c.folder.description,
                c.folder.icon,
                language.folder_url(c.folder),
                c.count,
            )
            for c in language.hc.categories
        ],
        promoted=[
            language.link(a) for a in language.hc.promoted(language.lang)[: settings.promoted_limit]
        ],
        site_title=language.hc.catalog.home_title or language.strings["home_title"],
        site_name=settings.site_name
        if language is plan.default
        else language.hc.catalog.home_title or settings.site_name,
        search_url=language.urls.page(SEARCH_URI),
        contact_url=language.urls.page(contact_rel(language.strings))
        if has_contact_page(settings)
        else "",
        home_url=language.urls.page("index.md"),
        languages=[dataclasses.replace(h, current=h.lang == language.lang) for h in homes],
        searches=[dataclasses.replace(s, current=s.lang == language.lang) for s in searches],
    )
