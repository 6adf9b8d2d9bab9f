"""The kbgen plugin's options in mkdocs.yml, typed and documented (MkDocs config options)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class ContactConfig(base.Config):
    """How customers reach support when an article does not help (shown on articles,
    category pages and searches that find nothing)."""

    email = c.Type(str, default="")
    """Support e-mail address; also the fallback for feedback links without a collector."""
    phone = c.Type(str, default="")
    """Phone number as shown, e.g. '040 1234567'."""
    hours = c.Type(str, default="")
    """Opening hours as shown, e.g. 'Mo–Fr 8–20 Uhr'."""
    chat_url = c.Type(str, default="")
    """Link to a chat."""
    form_url = c.Type(str, default="")
    """Link to a contact form."""
    opening_hours = c.ListOfItems(c.Type(str), default=[])
    """Opening hours as rules, e.g. ['Mo-Fr 08:00-20:00', 'Sa 09:00-16:00'] (contact page)."""
    timezone = c.Type(str, default="Europe/Berlin")
    """IANA time zone of the opening hours."""
    address = c.Type(str, default="")
    """Postal address shown on the contact page."""
    page = c.Type(bool, default=True)
    """Generate the contact page (/kontakt/)."""
    fields = c.ListOfItems(
        c.Choice(("topic", "subject", "message", "email", "name", "order")),
        default=["topic", "subject", "message", "email", "name", "order"],
    )
    """Fields of the contact form (message and email are always there)."""
    privacy = c.Type(str, default="")
    """Privacy note under the contact form; empty: the language's standard text."""


class SearchConfig(base.Config):
    """The Whoosh index and its static export."""

    enabled = c.Type(bool, default=True)
    """Build the index and the browser search."""
    index_dir = c.Type(str, default="search_index")
    """Where the Whoosh index lives, relative to mkdocs.yml."""
    weights = c.Type(dict, default={"title": 3.0, "keywords": 2.8, "section": 1.5, "body": 1.0})
    """BM25F field weights (like Zendesk's: title 3, labels 2.8, section 1.5, body 1)."""
    synonyms = c.ListOfItems(c.ListOfItems(c.Type(str)), default=[])
    """Groups of words that find each other, e.g. [[Retoure, Rücksendung, Rückgabe]]."""
    answer_threshold = c.Optional(c.Type((int, float, bool, dict)))
    """Confidence (0–1) an instant answer needs; false: none; or per language {de: 0.45}."""


class FeedbackConfig(base.Config):
    """The "Was this helpful?" block and where votes go."""

    enabled = c.Type(bool, default=True)
    """Show the block on every article."""
    collector_url = c.Type(str, default="")
    """Base URL of `kbgen feedback serve`; empty: links fall back to a mailto: to contact.email."""
    report_zero_results = c.Type(bool, default=False)
    """Let the search UI report searches that find nothing to the collector."""
    events = c.Type(bool, default=True)
    """Send anonymous visit events for the self-service report to the collector (no cookie,
    no user id; Global Privacy Control and Do Not Track are honoured). Needs collector_url."""
    events_local = c.Type(bool, default=False)
    """Send events from a local preview too (localhost, 127.0.0.1, file:); off by default."""


class KbgenConfig(base.Config):
    """Options of the `kbgen` plugin."""

    language = c.Optional(c.Type(str))
    """UI and default article language ('de' or 'en'); default: theme.language, else 'de'."""
    languages = c.ListOfItems(c.Type(str), default=[])
    """The languages of a multilingual help center, the default first, e.g. [de, en]: the
    default language's articles and pages stay at the root, every other one lives in its own
    folder (articles/en/ → /en/)."""
    contact = c.SubConfig(ContactConfig)
    search = c.SubConfig(SearchConfig)
    feedback = c.SubConfig(FeedbackConfig)
    cache_dir = c.Type(str, default=".kbgen-cache")
    """Build cache for incremental builds (parsed articles, page inputs), relative to mkdocs.yml."""
    exclude = c.ListOfItems(c.Type(str), default=[])
    """Glob patterns (relative to the articles folder) of files and folders to leave out."""
    extra_front_matter = c.ListOfItems(c.Type(str), default=[])
    """Front-matter keys articles may carry beyond kbgen's own (e.g. ms.author): not reported."""
    max_file_kb = c.Type(int, default=512)
    """Articles larger than this are errors (usually a pasted export, not an article)."""
    toc_min_headings = c.Type(int, default=3)
    """Show a table of contents when an article has at least this many headings."""
    raw_html = c.Choice(("safe", "allow"), default="safe")
    """'safe': raw HTML in articles passes an allowlist (no scripts, event handlers,
    javascript: links, iframes or styles). 'allow': trust writers' HTML as it is."""
    siblings_limit = c.Type(int, default=8)
    """How many other articles of the same section an article page lists."""
    related_limit = c.Type(int, default=5)
    """How many related articles an article page shows."""
    promoted_limit = c.Type(int, default=6)
    """How many promoted articles the home page shows."""
