"""The URL policy: where a page is written and the URL that links it, decided once for every
listing, search record, sitemap entry and the feedback manifest.

It follows MkDocs' own rules for ``use_directory_urls`` (``faq/a.md`` → ``faq/a/`` written as
``faq/a/index.html``, or ``faq/a.html``), so the links kbgen writes and the files MkDocs writes
agree. ``prefix`` puts a site's pages below a folder (a language, ``en/``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from urllib.parse import quote


@dataclass(frozen=True)
class UrlPolicy:
    directory_urls: bool = True
    prefix: str = ""  # '' or a folder with a trailing slash, e.g. 'en/'

    def file(self, src_uri: str) -> str:
        """The site-relative file a page source is written to."""
        stem, _ = posixpath.splitext(src_uri)
        folder, name = posixpath.split(stem)
        if name in ("index", "README"):
            dest = posixpath.join(folder, "index.html")
        elif self.directory_urls:
            dest = posixpath.join(stem, "index.html")
        else:
            dest = stem + ".html"
        return self.prefix + dest

    def within(self, prefix: str) -> UrlPolicy:
        """The policy for the pages below ``prefix`` (a language's folder, 'en/')."""
        return replace(self, prefix=self.prefix + prefix)

    def page(self, src_uri: str) -> str:
        """The site-relative URL of a page: '' for the home page with directory URLs. Percent-
        encoded like MkDocs' ``File.url`` (a space in a file name is ``%20``), so the sitemap
        and hreflang hold valid URLs."""
        dest = self.file(src_uri)
        if self.directory_urls and posixpath.basename(dest) == "index.html":
            folder = posixpath.dirname(dest)
            return quote(f"{folder}/") if folder else ""
        return quote(dest)
