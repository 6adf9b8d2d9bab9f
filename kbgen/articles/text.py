"""Reading Markdown as a writer means it: headings with their anchors, links, plain text."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from markdown.extensions.toc import unique

Slugify = Callable[[str, str], str]

HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
ATTR_ID = re.compile(r"\{[^}]*#([A-Za-z0-9_:.-]+)[^}]*\}\s*$")
ATTR_LIST = re.compile(r"\s*\{[^}]*\}\s*$")
INLINE_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<target><[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\)")
HTML_LINK = re.compile(r"""<a\s[^>]*?href\s*=\s*(["'])(?P<target>[^"']*)\1""", re.IGNORECASE)
HTML_ID = re.compile(r"""\sid\s*=\s*(["'])(?P<id>[^"']+)\1""", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")
MARKUP = re.compile(
    r"[*_`~]+|^\s{0,3}(?:>+|[-+*]|\d+\.)\s+|^!!!?\s*\w+.*$|^\?\?\?\+?\s*\w+.*$", re.M
)
SPACE = re.compile(r"\s+")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
CELL_BORDER = re.compile(r"(?<!\\)\|")
THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")  # also a setext underline


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str
    line: int  # 0-based within the body


@dataclass(frozen=True)
class Link:
    target: str
    line: int  # 0-based within the body


def _code_free_lines(body: str) -> Iterator[tuple[int, str]]:
    fence = ""
    for number, line in enumerate(body.split("\n")):
        stripped = line.lstrip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        yield number, line


def headings(body: str, slugify: Slugify) -> list[Heading]:
    """ATX headings with the anchor Python-Markdown's toc extension gives them."""
    found: list[Heading] = []
    used: set[str] = set()
    for number, line in _code_free_lines(body):
        match = HEADING.match(line)
        if not match:
            continue
        raw = match.group(2)
        explicit = ATTR_ID.search(raw)
        text = ATTR_LIST.sub("", raw).strip()
        if explicit:
            anchor = explicit.group(1)
        else:
            anchor = unique(slugify(_inline_text(text), "-"), used)
        used.add(anchor)
        found.append(Heading(len(match.group(1)), _inline_text(text), anchor, number))
    return found


def anchors(body: str, slugify: Slugify) -> set[str]:
    """Every fragment a link may point at: heading anchors and explicit HTML ids."""
    found = {h.anchor for h in headings(body, slugify)}
    found.update(m.group("id") for m in HTML_ID.finditer(body))
    found.update(m.group(1) for m in re.finditer(r"\{[^}]*#([A-Za-z0-9_:.-]+)[^}]*\}", body))
    return found


def links(body: str) -> list[Link]:
    """Link targets in Markdown and HTML links, outside code."""
    found = []
    for number, line in _code_free_lines(body):
        code_free = re.sub(r"`[^`]*`", "", line)
        for match in INLINE_LINK.finditer(code_free):
            found.append(Link(match.group("target").strip("<>"), number))
        for match in HTML_LINK.finditer(code_free):
            found.append(Link(html.unescape(match.group("target")), number))
    return found


def _inline_text(text: str) -> str:
    """Heading text as Python-Markdown's toc sees it: emphasis markers and code ticks go,
    underscores inside words (max_file_kb) stay."""
    text = INLINE_LINK.sub(lambda m: m.group("text"), text)
    text = TAG.sub("", text)
    text = re.sub(r"`+", "", text)
    text = re.sub(r"\*+", "", text)
    text = re.sub(r"(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])", "", text)
    return html.unescape(text).strip()


def _table_free(lines: list[str]) -> list[str]:
    """Tables as their cells' text, "Österreich · 6,95 € · 3–5 Werktage": no pipes and no
    delimiter rows in search snippets. A table is a row with pipes above a delimiter row, and
    the rows with pipes below it. Thematic breaks (and setext underlines) go too."""
    out: list[str] = []
    in_table = False
    for number, line in enumerate(lines):
        below = lines[number + 1] if number + 1 < len(lines) else ""
        starts = "|" in line and "|" in below and "-" in below and TABLE_RULE.match(below)
        if starts or (in_table and "|" in line):
            in_table = True
            if TABLE_RULE.match(line):
                continue
            cells = [c.strip() for c in CELL_BORDER.split(line.strip().strip("|"))]
            out.append(" · ".join(c.replace("\\|", "|") for c in cells if c))
            continue
        in_table = False
        if not THEMATIC_BREAK.match(line):
            out.append(line)
    return out


def plain_text(body: str) -> str:
    """The words a reader sees, for search and descriptions: no markup, no code fences' fences,
    tables as their cells' text."""
    lines = []
    for _, line in _code_free_lines(body):
        line = HEADING.sub(lambda m: ATTR_LIST.sub("", m.group(2)), line)
        lines.append(line)
    text = "\n".join(_table_free(lines))
    text = INLINE_LINK.sub(lambda m: "" if m.group(0).startswith("!") else m.group("text"), text)
    text = re.sub(r"\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION|INCLUDE[^\]]*)\]", "", text)
    text = TAG.sub(" ", text)
    text = MARKUP.sub(" ", text)
    text = ATTR_LIST.sub("", text)
    return SPACE.sub(" ", html.unescape(text)).strip()


def summary(body: str, limit: int = 160) -> str:
    """The first paragraph as plain text, cut at a word boundary: a default meta description."""
    for block in re.split(r"\n\s*\n", body):
        stripped = block.strip()
        if not stripped or stripped.startswith(("#", "!!!", "???", "|", "```", "<", "{", "---")):
            continue
        text = plain_text(stripped)
        if len(text) < 20:
            continue
        if len(text) <= limit:
            return text
        cut = text[: limit - 1].rsplit(" ", 1)[0]
        return cut.rstrip(",;:.") + "…"
    return ""
