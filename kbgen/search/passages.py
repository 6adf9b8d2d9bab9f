"""Answer passages: the parts of an article that answer one question each.

An article yields its *lead answer* (the text before the first heading) and every section whose
``##``/``###`` heading reads like a question ("Wie lange dauert …?", "Can I …") or a task
("Rücksendung anmelden", "How to return an item"). A passage runs from its heading to the next
heading of any level, so each one answers one thing. Passages are indexed like articles (same
analysis, same ranking, their own Whoosh index beside the articles' one) and exported with the
static search, so the browser finds the same passage with the same score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kbgen.articles.text import HEADING, Slugify, headings

QUESTION_WORDS = {
    "de": set(
        """wie was wann wo woher wohin warum weshalb wieso welche welcher welches welchen wer
        wem wen kann kannst können konnen darf dürfen durfen muss müssen mussen gibt ist sind
        bekomme bekommt habe hat soll sollte werde wird""".split()
    ),
    "en": set(
        """how what when where why which who whom can could do does did is are should will
        would may must""".split()
    ),
}
_DETERMINERS = {"a", "an", "the", "your", "my", "our", "their", "this", "that", "these"}
_INFINITIVE = re.compile(r"^[a-zäöüß]{3,}(en|ern|eln)$")


def is_answer_heading(text: str, lang: str) -> bool:
    """A heading that asks a question or names a task (see the module docstring)."""
    words = re.findall(r"[^\W_]+", text)
    if not words:
        return False
    if text.rstrip().endswith("?"):
        return True
    first, last = words[0].lower(), words[-1]
    if first in QUESTION_WORDS.get(lang, QUESTION_WORDS["en"]):
        return True
    if lang == "de":
        return first == "so" or bool(_INFINITIVE.match(last))
    # "Tracking your parcel" is a task, "Shipping costs" a topic
    gerund = first.endswith("ing") and len(words) > 1 and words[1].lower() in _DETERMINERS
    return text.lower().startswith(("how to ", "to ")) or gerund


@dataclass(frozen=True)
class Section:
    """One passage in Markdown: ``anchor`` is "" for the lead answer."""

    anchor: str
    heading: str
    markdown: str


def sections(body: str, title: str, lang: str, slugify: Slugify) -> list[Section]:
    """The lead answer and the question- or task-like sections of a Markdown body."""
    lines = body.split("\n")
    found = [h for h in headings(body, slugify) if h.level >= 2]
    top = [h for h in headings(body, slugify) if h.level == 1]
    out: list[Section] = []
    first = found[0].line if found else len(lines)
    lead_lines = [line for n, line in enumerate(lines[:first]) if not (top and n == top[0].line)]
    lead = "\n".join(lead_lines).strip()
    if lead:
        out.append(Section("", title, lead))
    for index, heading in enumerate(found):
        if not is_answer_heading(heading.text, lang):
            continue
        end = found[index + 1].line if index + 1 < len(found) else len(lines)
        text = "\n".join(
            line for line in lines[heading.line + 1 : end] if not HEADING.match(line)
        ).strip()
        if text:
            out.append(Section(heading.anchor, heading.text, text))
    return out


_HREF = re.compile(r'href="([^"]*)"')
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^/")


def site_links(html: str, source: str, url: str) -> str:
    """Make the links of a passage's HTML work wherever the passage is shown: ``#x`` points into
    the article (``url#x``); a relative link to another article's Markdown file becomes that
    article's site-relative URL (``versand/lieferzeit.md`` → ``versand/lieferzeit/``); site
    pages and other origins are kept. ``source`` is the article's path below the articles
    folder, ``url`` its site-relative URL. The UI and the API put the site's base in front."""

    def fix(match: re.Match[str]) -> str:
        href = match.group(1)
        if not href or _SCHEME.match(href):
            return match.group(0)
        if href.startswith("#"):
            return f'href="{url}{href}"'
        target, _, fragment = href.partition("#")
        folder = source.rsplit("/", 1)[0] if "/" in source else ""
        parts: list[str] = []
        for piece in (folder + "/" + target).split("/"):
            if piece in ("", "."):
                continue
            if piece == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(piece)
        path = "/".join(parts)
        if path.endswith(".md"):
            path = path[: -len(".md")]
            path = path[: -len("index")] if path.endswith("index") else path + "/"
        return f'href="{path}{"#" + fragment if fragment else ""}"'

    return _HREF.sub(fix, html)
