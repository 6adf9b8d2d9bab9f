"""A build's settings, engine-neutral: what the pipeline needs from the project's
configuration, read once by the site layer (``kbgen.site.settings``) from ``mkdocs.yml``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kbgen.articles.text import Slugify


@dataclass(frozen=True)
class Contact:
    """How customers reach support (the `contact` options)."""

    email: str = ""
    phone: str = ""
    hours: str = ""
    chat_url: str = ""
    form_url: str = ""
    #: The contact page (docs/contact.md): machine-readable hours for "jetzt erreichbar", their
    #: time zone, a postal address, the form's fields and privacy note; ``page`` off: no page.
    opening_hours: tuple[str, ...] = ()
    timezone: str = "Europe/Berlin"
    address: str = ""
    page: bool = True
    fields: tuple[str, ...] = ("topic", "subject", "message", "email", "name", "order")
    privacy: str = ""


@dataclass(frozen=True)
class SearchOptions:
    enabled: bool = True
    index_dir: Path = Path("search_index")  # absolute once read from a project
    weights: dict[str, float] = field(default_factory=dict)
    synonyms: list[list[str]] = field(default_factory=list)
    answer_threshold: float | bool | dict[str, float | bool] | None = None  # None: search's default


@dataclass(frozen=True)
class FeedbackOptions:
    enabled: bool = True
    collector_url: str = ""
    report_zero_results: bool = False
    events: bool = True
    events_local: bool = False


@dataclass(frozen=True)
class Settings:
    """Everything a build reads from the configuration; see the README for each option."""

    root: Path  # the project folder (where mkdocs.yml is)
    docs_dir: Path
    site_dir: Path
    cache_dir: Path
    site_url: str
    site_name: str
    lang: str  # the site's (default) base language ('de'): UI strings, default article language
    slugify: Slugify  # heading anchors, as the renderer makes them
    fingerprint: str  # digest of what every page depends on (configuration, theme, code)
    strict: bool = False
    contact: Contact = field(default_factory=Contact)
    search: SearchOptions = field(default_factory=SearchOptions)
    feedback: FeedbackOptions = field(default_factory=FeedbackOptions)
    exclude: tuple[str, ...] = ()
    extra_front_matter: tuple[str, ...] = ()
    max_file_kb: int = 512
    toc_min_headings: int = 3
    raw_html: str = "safe"
    siblings_limit: int = 8
    related_limit: int = 5
    promoted_limit: int = 6
    languages: tuple[str, ...] = ()  # all languages, the default first; () for one language

    @property
    def all_languages(self) -> tuple[str, ...]:
        return self.languages or (self.lang,)


@dataclass(frozen=True)
class ConfigReader:
    """Reads a project's settings from its configuration file. The `kbgen` command provides one
    (the site layer's) in click's context, so commands of lower packages (`kbgen search`,
    `kbgen feedback serve`) read `mkdocs.yml` like `kbgen build` without importing the engine."""

    read: Callable[[Path], Settings]


def project_settings(config_file: Path) -> Settings | None:
    """The settings of the project configured in ``config_file``; None when the file does not
    exist or the command runs outside `kbgen` (e.g. ``python -m kbgen.feedback``)."""
    import click

    context = click.get_current_context(silent=True)
    reader = context.find_object(ConfigReader) if context is not None else None
    if reader is None or not config_file.is_file():
        return None
    return reader.read(config_file)
