"""What material and kbgen's theme see of a page: ``kb`` (the plan's views) and ``page.meta``."""

from __future__ import annotations

from typing import Any

from markupsafe import escape

from kbgen.plan import Page
from kbgen.views import PageView, SiteView

TEMPLATES = {
    "home": "kbgen-home.html",
    "category": "kbgen-category.html",
    "section": "kbgen-category.html",
    "article": "kbgen-article.html",
    "search": "kbgen-search.html",
    "contact": "kbgen-contactpage.html",
}


class Kb:
    """``kb`` in the templates: the page's view over the site's (``kb.title``, ``kb.categories``).

    ``show_toc`` is known only once the renderer has read the page's headings."""

    def __init__(self, site: SiteView, page: PageView | None = None, show_toc: bool = False):
        self._site = site
        self._page = page
        self.show_toc = show_toc

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._page is not None and hasattr(self._page, name):
            return getattr(self._page, name)
        return getattr(self._site, name)


def meta_for(page: Page) -> dict[str, Any]:
    """page.meta for MkDocs and material. Material renders meta values unescaped, so front-matter
    text is escaped here: a title is text, never markup."""
    meta: dict[str, Any] = {"template": TEMPLATES[page.kind], "title": str(escape(page.title))}
    description = page.description
    if description:
        meta["description"] = str(escape(description))
    if page.kind != "article":
        meta["hide"] = ["toc"]
    if page.kind == "search":
        meta["robots"] = "noindex"
    return meta


def count_headings(toc: Any) -> int:
    total = 0
    for item in toc or []:
        total += 1 + count_headings(item.children)
    return total


def redirect_page(lang: str, strings: dict[str, str]) -> str:
    """A static page sending visitors of ``/<default language>/`` to the site's root, where the
    default language lives (no script: a refresh, a canonical link and a plain link)."""
    text = escape(strings["redirect_text"])
    title = escape(strings["home_title"])
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        '<meta http-equiv="refresh" content="0; url=../">\n'
        '<link rel="canonical" href="../">\n<meta name="robots" content="noindex">\n'
        f'</head>\n<body>\n<p>{text} <a href="../">{title}</a></p>\n</body>\n</html>\n'
    )
