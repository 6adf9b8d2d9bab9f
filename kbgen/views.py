"""What the templates show of a page (``kb``): typed, frozen views of the plan's pages.

:func:`view` makes one page's view; a page's cache key is the digest of it (:func:`page_key`).
Every value is text or data, never markup; the templates escape what they render.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from kbgen import paths
from kbgen.articles.model import Article
from kbgen.articles.text import plain_text
from kbgen.locale import format_date
from kbgen.settings import Contact

if TYPE_CHECKING:  # the plan builds these views; views only read it
    from kbgen.plan import Language, Page, Plan, Related

JSON_LD_ANSWER_CHARS = 1500


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
class Alternate:
    """The page in one language of the site (the language switcher, hreflang, the sitemap).
    A missing translation links that language's home page, which says why."""

    lang: str
    name: str  # the language's own name: "English", "Deutsch"
    url: str  # site-relative; that language's home page when the translation is missing
    exists: bool
    current: bool
    canonical: str = ""  # absolute URL (with site_url), for hreflang and the sitemap


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
    site_name: str  # the header's brand and the window title's suffix
    search_url: str  # the search page, where the search box sends its query
    home_url: str  # '' (the site's root) for the default language, 'en/' for English
    contact_url: str = ""  # the contact page ("" without one)
    languages: list[Alternate] = field(default_factory=list)  # every language's home; []: one
    searches: list[Alternate] = field(default_factory=list)  # every language's search page
    kind: str = "other"
    breadcrumbs: list[Crumb] = field(default_factory=list)
    # The static search export, relative to the site's root: the browser code reads it from the
    # pages' data-index attribute, so the folder is named once (kbgen/paths.py).
    search_export: str = paths.SEARCH_EXPORT


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
    alternates: list[Alternate] = field(default_factory=list)  # one per language; [] for one
    outdated_source: Link | None = None  # an outdated translation's source article

    @property
    def json_ld(self) -> str:
        """schema.org FAQPage data of an article page, safe inside <script>."""
        assert self.article is not None
        return _json_ld(self.article, plain_text(self.body), self.canonical_url)


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


# -- one page's view ----------------------------------------------------------------------


def view(plan: Plan, page: Page, related: Callable[[], Related]) -> PageView:
    """What ``page`` shows. ``related`` is asked only for article pages (it may wait for the
    search index)."""
    language = plan.languages[page.lang]
    crumbs: list[Crumb] = []
    if page.category is not None:
        crumbs.append(Crumb(page.category.folder.title, language.folder_url(page.category.folder)))
    if page.article is not None:
        return _article_view(plan, language, page, page.article, related())
    alternates = plan.alternates(page)
    if page.kind == "home":
        return PageView(
            "home",
            page.title,
            page.description,
            crumbs,
            loose=[language.link(a) for a in language.hc.loose],
            alternates=alternates,
        )
    listing = None
    if page.kind == "category" and page.category is not None:
        listing = Listing(
            [language.link(a) for a in page.category.articles],
            [
                SectionListing(
                    s.folder.title,
                    language.folder_url(s.folder),
                    s.folder.description,
                    [language.link(a) for a in s.articles],
                )
                for s in page.category.sections
            ],
        )
    elif page.kind == "section" and page.section is not None:
        listing = Listing([language.link(a) for a in page.section.articles])
    return PageView(
        page.kind, page.title, page.description, crumbs, listing=listing, alternates=alternates
    )


def _article_view(
    plan: Plan, language: Language, page: Page, article: Article, related: Related
) -> PageView:
    hc = language.hc
    folders = hc.catalog.folders
    crumbs = [
        Crumb(folders[slug].title, language.folder_url(folders[slug]))
        for slug in (article.category, article.section)
        if slug and slug in folders
    ]
    settings = plan.settings
    siblings = None
    container = hc.container_of(article)
    if container in folders:
        siblings = Siblings(
            folders[container].title,
            language.folder_url(folders[container]),
            [language.link(a) for a in hc.siblings(article, settings.siblings_limit)],
            len(hc.containers.get(container, [])) > settings.siblings_limit + 1,
        )
    chosen = []
    for rid in article.related or related.get(article.key, []):
        target = hc.by_key.get((article.lang, rid))
        if target is not None and target is not article:
            chosen.append(language.link(target))
    return PageView(
        "article",
        page.title,
        article.description,  # the page's summary comes from the body, also in the view
        crumbs,
        article=ArticleInfo(
            id=article.id,
            lang=article.lang,
            revision=article.revision,
            title=article.title,
            url=page.url,
            updated=format_date(article.updated, language.lang) if article.updated else "",
            updated_iso=article.updated.isoformat() if article.updated else "",
            tags=list(article.tags),
        ),
        siblings=siblings,
        related=chosen[: settings.related_limit],
        body=article.body,
        canonical_url=plan.canonical(page.url),
        alternates=plan.alternates(page),
        outdated_source=_outdated_source(plan, article),
    )


def _outdated_source(plan: Plan, article: Article) -> Link | None:
    if article.key not in plan.outdated:
        return None
    source = plan.default.hc.by_key.get((plan.default.lang, article.id))
    return plan.default.link(source) if source is not None else None


# -- cache keys ---------------------------------------------------------------------------


def page_key(plan: Plan, page: Page, view: PageView, site_key: str) -> list[Any]:
    """The inputs of a page: equal inputs give an equal page. ``view`` holds everything the
    page shows besides the site-wide parts (``site_key``); an article's view holds its body."""
    intro = page.markdown if page.generated else ""
    # The body is in the view for the page's structured data; its revision (a digest of title
    # and body, in view.article) stands for it here, so keys do not re-serialize every body.
    return [site_key, page.src_uri, page.url, intro, dataclasses.asdict(replace(view, body=""))]


def site_inputs(plan: Plan, lang: str) -> list[Any]:
    """What every page of a language shows: the menu's categories, promoted articles, site
    title, the languages' home pages."""
    site = plan.languages[lang].site
    assert site is not None
    return [dataclasses.asdict(c) for c in site.categories] + [
        [dataclasses.asdict(p) for p in site.promoted],
        site.site_title,
        [dataclasses.asdict(h) for h in site.languages],
        [dataclasses.asdict(h) for h in site.searches],
    ]
