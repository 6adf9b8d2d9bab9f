"""The build plan: every page of the help center with its URL and what it shows, typed.

Made once per build from the checked articles (:func:`make`); the renderer draws the pages
from it, the search index and the feedback manifest read their URLs from it, and each page's
cache key is the digest of its own view (:func:`page_key`). Engine-neutral: URLs come from a
:class:`Urls` policy the site layer provides.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urljoin

from kbgen.articles.loader import Catalog
from kbgen.articles.model import Article, Folder
from kbgen.articles.structure import Category, HelpCenter, Section
from kbgen.articles.structure import build as build_structure
from kbgen.articles.text import plain_text, summary
from kbgen.feedback import contract as feedback_contract
from kbgen.locale import format_date
from kbgen.settings import Contact, Settings

SEARCH_URI = "search/index.md"
CONTACT_PAGE = "index.md"  # under the language's folder name, e.g. kontakt/index.md
JSON_LD_ANSWER_CHARS = 1500

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


# -- what the templates show (``kb``) ------------------------------------------------------


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    id: str


@dataclass(frozen=True)
class Crumb:
    title: str
    url: str


@dataclass(frozen=True)
class Tile:
    """A category on the home page and in the menu."""

    slug: str
    title: str
    description: str
    icon: str
    url: str
    count: int


@dataclass(frozen=True)
class SectionListing:
    title: str
    url: str
    description: str
    articles: list[Link]


@dataclass(frozen=True)
class Listing:
    articles: list[Link]
    sections: list[SectionListing] = field(default_factory=list)


@dataclass(frozen=True)
class Siblings:
    title: str
    url: str
    articles: list[Link]
    more: bool


@dataclass(frozen=True)
class ArticleInfo:
    id: str
    lang: str
    revision: str
    title: str
    url: str
    updated: str  # formatted for the reader
    updated_iso: str
    tags: list[str]


@dataclass(frozen=True)
class FeedbackView:
    """The feedback widget's settings and its contract with the collector
    (``kbgen.feedback.contract.widget``)."""

    enabled: bool
    collector_url: str
    zero_results_url: str
    events_url: str
    events_local: bool
    reasons: tuple[str, ...]
    comment_max: int
    vote_page_url: str
    votes_path: str
    followups_path: str
    zero_results_path: str
    contact_token_path: str
    contact_path: str


@dataclass(frozen=True)
class SiteView:
    """What every page shows: the same for the whole build."""

    lang: str
    t: dict[str, str]
    contact: Contact
    feedback: FeedbackView
    categories: list[Tile]
    promoted: list[Link]
    site_title: str
    search_url: str  # the search page, where the search box sends its query
    contact_url: str = ""  # the contact page ("" without one)
    kind: str = "other"
    breadcrumbs: list[Crumb] = field(default_factory=list)


@dataclass(frozen=True)
class PageView:
    """What one page shows besides the site-wide parts."""

    kind: str
    title: str
    description: str
    breadcrumbs: list[Crumb]
    loose: list[Link] | None = None
    listing: Listing | None = None
    article: ArticleInfo | None = None
    siblings: Siblings | None = None
    related: list[Link] | None = None
    body: str = ""  # the article's Markdown (its answer in structured data)
    canonical_url: str = ""

    @property
    def json_ld(self) -> str:
        """schema.org FAQPage data of an article page, safe inside <script>."""
        assert self.article is not None
        return _json_ld(self.article, plain_text(self.body), self.canonical_url)


# -- pages ------------------------------------------------------------------------------


@dataclass
class Page:
    """One page of the site: an article, or a page kbgen generates (home, category, section,
    search). ``markdown`` is the article body or the folder's intro text."""

    kind: str  # home | category | section | article | search
    src_uri: str
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
class Plan:
    settings: Settings
    catalog: Catalog
    hc: HelpCenter
    urls: Urls
    strings: dict[str, str]
    site: SiteView
    pages: dict[str, Page]  # by source path: generated pages first, then articles
    newest: dt.date | None  # the newest content date: lastmod of pages without their own

    def url_of(self, article: Article) -> str:
        return self.pages[str(article.path)].url

    def folder_url(self, folder: Folder) -> str:
        return self.urls.page(f"{folder.slug}/index.md")

    def link(self, article: Article) -> Link:
        return Link(article.title, self.url_of(article), article.id)

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
            for a in sorted(self.hc.articles, key=lambda a: (a.lang, a.id))
        ]
        payload = {
            "version": 1,
            "site_url": self.settings.site_url,
            "lang": self.settings.lang,
            "articles": records,
        }
        return json.dumps(payload, ensure_ascii=False, indent=0, sort_keys=True)


def make(
    catalog: Catalog,
    settings: Settings,
    urls: Urls,
    strings: dict[str, str],
    newest: dt.date | None,
) -> Plan:
    """Arrange the checked articles into pages with URLs and the site-wide view."""
    hc = build_structure(catalog)
    pages: dict[str, Page] = {}
    for page in _generated_pages(hc, strings, urls):
        pages[page.src_uri] = page
    if has_contact_page(settings):
        src = contact_uri(strings)
        pages[src] = Page("contact", src, urls.page(src), strings["contactpage_title"])
    for article in hc.articles:
        src = str(article.path)
        pages[src] = Page("article", src, urls.page(src), article.title, article.body, article)
    plan = Plan(settings, catalog, hc, urls, strings, None, pages, newest)  # type: ignore[arg-type]
    plan.site = _site_view(plan)
    return plan


def has_contact_page(settings: Settings) -> bool:
    """A contact page is made when it is wanted and has something to offer: a channel, or a
    collector that takes the form."""
    c = settings.contact
    channels = c.email or c.phone or c.chat_url or c.address or settings.feedback.collector_url
    return c.page and bool(channels)


def contact_uri(strings: dict[str, str]) -> str:
    """``kontakt/index.md`` in German, ``contact/index.md`` in English."""
    return f"{strings['contactpage_path']}/{CONTACT_PAGE}"


def _generated_pages(hc: HelpCenter, strings: dict[str, str], urls: Urls) -> Iterator[Page]:
    intros = hc.catalog.intros
    home_title = hc.catalog.home_title or strings["home_title"]
    yield Page("home", "index.md", urls.page("index.md"), home_title, intros.get("", ""))
    for category in hc.categories:
        src = f"{category.folder.slug}/index.md"
        yield Page(
            "category",
            src,
            urls.page(src),
            category.folder.title,
            intros.get(category.folder.slug, ""),
            folder=category.folder,
            category=category,
        )
        for section in category.sections:
            src = f"{section.folder.slug}/index.md"
            yield Page(
                "section",
                src,
                urls.page(src),
                section.folder.title,
                intros.get(section.folder.slug, ""),
                folder=section.folder,
                category=category,
                section=section,
            )
    yield Page("search", SEARCH_URI, urls.page(SEARCH_URI), strings["searchpage_title"])


def _site_view(plan: Plan) -> SiteView:
    settings = plan.settings
    collector = settings.feedback.collector_url.rstrip("/")
    return SiteView(
        lang=settings.lang,
        t=plan.strings,
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
                plan.folder_url(c.folder),
                c.count,
            )
            for c in plan.hc.categories
        ],
        promoted=[plan.link(a) for a in plan.hc.promoted(settings.lang)[: settings.promoted_limit]],
        site_title=plan.hc.catalog.home_title or plan.strings["home_title"],
        search_url=plan.urls.page(SEARCH_URI),
        contact_url=plan.urls.page(contact_uri(plan.strings)) if has_contact_page(settings) else "",
    )


# -- one page's view ----------------------------------------------------------------------


def view(plan: Plan, page: Page, related: Callable[[], Related]) -> PageView:
    """What ``page`` shows. ``related`` is asked only for article pages (it may wait for the
    search index)."""
    crumbs: list[Crumb] = []
    if page.category is not None:
        crumbs.append(Crumb(page.category.folder.title, plan.folder_url(page.category.folder)))
    if page.article is not None:
        return _article_view(plan, page, page.article, related())
    description = page.description
    if page.kind == "home":
        return PageView(
            "home", page.title, description, crumbs, loose=[plan.link(a) for a in plan.hc.loose]
        )
    listing = None
    if page.kind == "category" and page.category is not None:
        listing = Listing(
            [plan.link(a) for a in page.category.articles],
            [
                SectionListing(
                    s.folder.title,
                    plan.folder_url(s.folder),
                    s.folder.description,
                    [plan.link(a) for a in s.articles],
                )
                for s in page.category.sections
            ],
        )
    elif page.kind == "section" and page.section is not None:
        listing = Listing([plan.link(a) for a in page.section.articles])
    return PageView(page.kind, page.title, description, crumbs, listing=listing)


def _article_view(plan: Plan, page: Page, article: Article, related: Related) -> PageView:
    folders = plan.hc.catalog.folders
    crumbs = [
        Crumb(folders[slug].title, plan.folder_url(folders[slug]))
        for slug in (article.category, article.section)
        if slug and slug in folders
    ]
    settings = plan.settings
    siblings = None
    container = plan.hc.container_of(article)
    if container in folders:
        siblings = Siblings(
            folders[container].title,
            plan.folder_url(folders[container]),
            [plan.link(a) for a in plan.hc.siblings(article, settings.siblings_limit)],
            len(plan.hc.containers.get(container, [])) > settings.siblings_limit + 1,
        )
    chosen = []
    for rid in article.related or related.get(article.key, []):
        target = plan.hc.by_key.get((article.lang, rid))
        if target is not None and target is not article:
            chosen.append(plan.link(target))
    canonical = ""
    if settings.site_url:
        base = settings.site_url if settings.site_url.endswith("/") else settings.site_url + "/"
        canonical = urljoin(base, page.url)
    return PageView(
        "article",
        page.title,
        page.description,
        crumbs,
        article=ArticleInfo(
            id=article.id,
            lang=article.lang,
            revision=article.revision,
            title=article.title,
            url=page.url,
            updated=format_date(article.updated, settings.lang) if article.updated else "",
            updated_iso=article.updated.isoformat() if article.updated else "",
            tags=list(article.tags),
        ),
        siblings=siblings,
        related=chosen[: settings.related_limit],
        body=article.body,
        canonical_url=canonical,
    )


def _json_ld(article: ArticleInfo, answer: str, canonical_url: str) -> str:
    if len(answer) > JSON_LD_ANSWER_CHARS:
        answer = answer[:JSON_LD_ANSWER_CHARS].rsplit(" ", 1)[0] + " …"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "inLanguage": article.lang,
        "mainEntity": [
            {
                "@type": "Question",
                "name": article.title,
                "acceptedAnswer": {"@type": "Answer", "text": answer},
            }
        ],
    }
    if article.updated_iso:
        data["dateModified"] = article.updated_iso
    if canonical_url:
        data["url"] = canonical_url
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # Inside <script>, "</script>" or "<!--" in an article would end or confuse the element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# -- cache keys ---------------------------------------------------------------------------


def page_key(plan: Plan, page: Page, view: PageView, site_key: str) -> list[Any]:
    """The inputs of a page: equal inputs give an equal page. ``view`` holds everything the
    page shows besides the site-wide parts (``site_key``); an article's view holds its body."""
    intro = page.markdown if page.generated else ""
    return [site_key, page.src_uri, page.url, intro, dataclasses.asdict(view)]


def site_inputs(plan: Plan) -> list[Any]:
    """What every page shows: the menu's categories, promoted articles, site title."""
    site = plan.site
    return [dataclasses.asdict(c) for c in site.categories] + [
        [dataclasses.asdict(p) for p in site.promoted],
        site.site_title,
    ]
