"""The allowlist raw HTML in articles passes by default (like Zendesk Guide's)."""

from __future__ import annotations

import nh3

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
    "label",
    "input",
    "section",
    "aside",
}
COMMON = {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-hidden"}
ATTRIBUTES = {
    "*": COMMON,
    "a": {"href", "hreflang", "target"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    # Markdown tables align columns with style="text-align: …"; only that property survives.
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "col": {"span"},
    "colgroup": {"span"},
    # Task lists (pymdownx.tasklist) and tabbed content render disabled inputs and labels.
    "input": {"type", "checked", "disabled", "name"},
    "label": {"for"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean(html: str) -> str:
    """Remove scripts, styles, event handlers, iframes and javascript: URLs; keep the rest."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        filter_style_properties={"text-align"},
    )
