"""Test documents: the text of article files to write, and built HTML to read (stdlib only).

Importable by any test module (``from documents import Document, article``); conftest.py modules
are not, since several of them share the module name ``conftest``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any


def article(
    title: str | None = "Wo ist mein Paket?", body: str = "Die Antwort steht hier.", **meta: Any
) -> str:
    """The text of an article file with front matter (values are written as YAML flow text)."""
    import yaml

    fields = {"title": title, **meta} if title is not None else dict(meta)
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, default_flow_style=None)
    return f"---\n{front}---\n\n{body}\n"


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    @property
    def raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw_text for c in self.children)

    def iter(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(
        self, tag: str | None = None, cls: str | None = None, **attrs: str
    ) -> list[Element]:
        found = []
        for el in self.iter():
            if tag and el.tag != tag:
                continue
            if cls and cls not in el.classes:
                continue
            if any(el.attrs.get(k.rstrip("_").replace("_", "-")) != v for k, v in attrs.items()):
                continue
            found.append(el)
        return found

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element | None:
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def one(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, cls, **attrs)
        assert len(found) == 1, f"expected one <{tag} class={cls} {attrs}>, found {len(found)}"
        return found[0]

    def links(self) -> list[tuple[str, str]]:
        """(text, href) of every <a href> inside."""
        return [(a.text, a.attrs["href"] or "") for a in self.find_all("a") if a.attrs.get("href")]


class Document(Element):
    @classmethod
    def parse(cls, html: str) -> Document:
        doc = cls("#document", {})
        builder = _TreeBuilder(doc)
        builder.feed(html)
        builder.close()
        doc.source = html  # type: ignore[attr-defined]
        return doc


class _TreeBuilder(HTMLParser):
    def __init__(self, root: Element) -> None:
        super().__init__(convert_charrefs=True)
        self.stack = [root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, dict(attrs), self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def sitemap_alternates(sitemap: str) -> dict[str, dict[str, str]]:
    """``<loc>`` → {hreflang: href} of every ``<url>`` of a sitemap.xml with alternates."""
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    out: dict[str, dict[str, str]] = {}
    for url in ET.fromstring(sitemap).findall("s:url", ns):
        loc = url.findtext("s:loc", "", ns).strip()
        out[loc] = {
            link.attrib["hreflang"]: link.attrib["href"]
            for link in url.findall("x:link", ns)
            if link.attrib.get("rel") == "alternate"
        }
    return out
