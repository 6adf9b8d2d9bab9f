"""``kbgen serve-api`` (also ``kbgen feedback serve``) and ``kbgen feedback report``: options
in, one library call out."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Any

import click

from kbgen.contact.commands import contact_options, contacts, settings_from
from kbgen.feedback.analytics_render import CSV_TABLES
from kbgen.feedback.collector import CollectorSettings
from kbgen.feedback.errors import FeedbackError
from kbgen.feedback.event_store import EventSettings
from kbgen.feedback.manifest import load_manifest
from kbgen.feedback.report_render import FORMATS
from kbgen.feedback.store import DEFAULT_DB_URL
from kbgen.settings import project_settings

log = logging.getLogger(__name__)

db_option = click.option(
    "--db",
    "db_url",
    default=DEFAULT_DB_URL,
    show_default=True,
    envvar="KBGEN_FEEDBACK_DB",
    help="Database URL: sqlite:///FILE or postgresql+psycopg://USER:PASSWORD@HOST/DB "
    "(env KBGEN_FEEDBACK_DB).",
)


retention_option = click.option(
    "--retention-days",
    default=90,
    show_default=True,
    envvar="KBGEN_EVENTS_RETENTION_DAYS",
    type=click.IntRange(1),
    help="Keep visit events this many days (env KBGEN_EVENTS_RETENTION_DAYS).",
)


@click.group("feedback")
def feedback_group() -> None:
    """Collect "Was this helpful?" votes and report on them."""


@feedback_group.command("serve")
@db_option
@click.option(
    "-f",
    "--config-file",
    default="mkdocs.yml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The project's configuration: the collector serves the site it builds (site_dir).",
)
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The built site (its assets/kbgen/articles.json lists the articles votes are "
    "accepted for); default: the configured site_dir, else 'site'.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8750, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--origin",
    "origins",
    multiple=True,
    metavar="URL",
    help="A browser origin allowed to post (repeatable); the manifest's site_url "
    "is always allowed.",
)
@click.option(
    "--vote-limit",
    default=10,
    show_default=True,
    type=click.IntRange(1),
    help="Votes per article, language, client and UTC day.",
)
@click.option(
    "--secret",
    envvar="KBGEN_FEEDBACK_SECRET",
    default="",
    show_default=False,
    help="Secret (16+ characters) keying the daily client pseudonyms and the no-JS form "
    "tokens; kept outside the database. Needed by every instance when several share one "
    "database (env KBGEN_FEEDBACK_SECRET; default: random per process).",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    help="Proxies whose X-Forwarded-For/-Proto headers are trusted (comma-separated, "
    "'*' for any): the client address is taken from them.",
)
@click.option(
    "--test-client-header",
    is_flag=True,
    help="Load tests only, never in production: identify clients by the X-Kbgen-Test-Client "
    "header instead of their address (anyone could then dodge the rate limit).",
)
@click.option(
    "--event-limit",
    default=10_000,
    show_default=True,
    type=click.IntRange(1),
    help="Visit events per client and UTC day (POST /api/events).",
)
@retention_option
@click.option(
    "--search-index",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="KBGEN_SEARCH_INDEX",
    help="The search index `kbgen build` wrote: /api/search and /api/answer answer from "
    "it, and it recommends articles to the agent (env KBGEN_SEARCH_INDEX; default "
    "without --site-dir: the configured search.index_dir, else search_index).",
)
@click.option(
    "--answer-rate",
    default=120,
    show_default=True,
    envvar="KBGEN_ANSWER_RATE",
    type=click.IntRange(0),
    help="/api/search and /api/answer requests per client and minute; 0: no limit "
    "(env KBGEN_ANSWER_RATE).",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
@contact_options
def serve(
    db_url: str,
    config_file: Path,
    site_dir: Path | None,
    host: str,
    port: int,
    origins: tuple[str, ...],
    vote_limit: int,
    secret: str,
    forwarded_allow_ips: str,
    test_client_header: bool,
    event_limit: int,
    retention_days: int,
    search_index: Path | None,
    answer_rate: int,
    log_level: str,
    **contact: Any,
) -> None:
    """Run kbgen's API service (HTTP): "Was this helpful?" votes, visit events, contact
    requests, and search and answers for other channels (chat bots, e-mail auto-replies).
    `kbgen serve-api` and `kbgen feedback serve` are the same command."""
    import uvicorn

    from kbgen.feedback.app import create_app

    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    if site_dir is None:  # the site and its index as mkdocs.yml configures them
        project = project_settings(config_file)
        site_dir = project.site_dir if project else Path("site")
        if search_index is None and project is not None and project.search.enabled:
            search_index = project.search.index_dir
    settings = CollectorSettings(
        db_url=db_url,
        site_dir=site_dir,
        origins=origins,
        vote_limit=vote_limit,
        secret=secret,
        test_client_header=test_client_header,
        contact=settings_from(contact),
        events=EventSettings(limit=event_limit, retention_days=retention_days),
        search_index=search_index,
        answer_rate=answer_rate,
    )
    app = create_app(settings)
    log.info(
        "kbgen API service on http://%s:%d, database %s, search index %s",
        host,
        port,
        app.state.collector.store.safe_url,
        search_index or "search_index",
    )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        # Access logs would record every visitor's IP address in clear.
        access_log=False,
        server_header=False,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
    )


@feedback_group.command("contacts")
@db_option
@click.option("--retry", multiple=True, metavar="REFERENCE", help="Deliver this request again.")
@click.option("--retry-all", is_flag=True, help="Deliver every pending and failed request now.")
@click.option(
    "--purge",
    "purge_days",
    type=click.IntRange(0),
    metavar="DAYS",
    help="Delete delivered requests older than DAYS days.",
)
def contacts_command(
    db_url: str, retry: tuple[str, ...], retry_all: bool, purge_days: int | None
) -> None:
    """Contact requests not yet delivered: list them, deliver again, purge old ones."""
    contacts(db_url, retry, retry_all, purge_days)


@feedback_group.command("report")
@db_option
@click.option(
    "--since",
    default="30d",
    show_default=True,
    help="Window: 30d, 8w, a date (2025-01-31) or 'all'.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The built site, for article titles and URLs.",
)
@click.option(
    "--search-index",
    type=click.Path(file_okay=False, path_type=Path),
    help="The built search index, for the article closest to each content gap "
    "(default: ./search_index when it exists).",
)
@click.option(
    "--table",
    type=click.Choice(CSV_TABLES),
    default="articles",
    show_default=True,
    help="Which table --format csv writes.",
)
def report(
    db_url: str,
    since: str,
    fmt: str,
    output: Path | None,
    site_dir: Path | None,
    search_index: Path | None,
    table: str,
) -> None:
    """Write the feedback and self-service report (HTML, CSV or JSON)."""
    from kbgen.feedback.report import build_report, parse_since
    from kbgen.feedback.report_render import render
    from kbgen.feedback.self_service import build_self_service
    from kbgen.feedback.store import Store

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    first_day = parse_since(since, now.date())
    manifest = load_manifest(site_dir) if site_dir else None
    if search_index is None and Path("search_index").is_dir():
        search_index = Path("search_index")
    store = Store(db_url)
    try:
        built = build_report(store, manifest, since=first_day, now=now)
        built.self_service = build_self_service(
            store, manifest, today=now.date(), since=first_day, index_dir=search_index
        )
        text = render(built, fmt, table)
    finally:
        store.close()
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FeedbackError(f"Cannot write the report to {output}: {exc}") from exc
    click.echo(f"Wrote {output}", err=True)


@feedback_group.command("purge")
@db_option
@retention_option
def purge(db_url: str, retention_days: int) -> None:
    """Delete visit events older than the retention period (the collector also does it daily)."""
    from kbgen.feedback.event_store import EventStore, retention_cutoff
    from kbgen.feedback.store import Store

    store = Store(db_url)
    try:
        first_kept = retention_cutoff(dt.datetime.now(dt.UTC).date(), retention_days)
        deleted = EventStore(store).purge(first_kept)
    finally:
        store.close()
    click.echo(f"Deleted {deleted} events from before {first_kept.isoformat()}", err=True)
