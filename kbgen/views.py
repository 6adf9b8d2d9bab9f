"""What the templates show of a page (``kb``): typed, frozen views made by :mod:`kbgen.plan`.

Every value is text or data, never markup; the templates escape what they render.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kbgen.articles.text import plain_text
from kbgen.settings import Contact

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
    languages: list[Alternate] = field(default_factory=list)  # every language's home; []: one
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
