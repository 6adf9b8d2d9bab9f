"""Command-line options of the contact service (on ``kbgen feedback serve``) and
``kbgen feedback contacts``: list pending and failed deliveries, retry them, purge old requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import click

from kbgen.contact.settings import ContactSettings

_OPTIONS = [
    click.option("--smtp-host", default="", help="SMTP server for contact requests."),
    click.option("--smtp-port", default=25, show_default=True, type=click.IntRange(1, 65535)),
    click.option(
        "--smtp-tls",
        default="none",
        show_default=True,
        type=click.Choice(["none", "starttls", "ssl"]),
        help="Encryption to the SMTP server.",
    ),
    click.option("--smtp-user", default="", help="SMTP login (optional)."),
    click.option(
        "--smtp-password",
        default="",
        envvar="KBGEN_SMTP_PASSWORD",
        help="SMTP password (env KBGEN_SMTP_PASSWORD).",
    ),
    click.option("--mail-from", default="", help="Sender of delivered requests."),
    click.option("--mail-to", default="", help="Support address that receives the requests."),
    click.option(
        "--mail-lang", default="de", show_default=True, help="Language of the mail's labels."
    ),
    click.option("--webhook-url", default="", help="Also POST each request as JSON here."),
    click.option(
        "--webhook-secret",
        default="",
        envvar="KBGEN_WEBHOOK_SECRET",
        help="Key of the X-Kbgen-Signature header (env KBGEN_WEBHOOK_SECRET).",
    ),
    click.option(
        "--contact-limit",
        default=5,
        show_default=True,
        type=click.IntRange(1),
        help="Contact requests per client and UTC day.",
    ),
    click.option(
        "--contact-retention-days",
        default=90,
        show_default=True,
        type=click.IntRange(0),
        help="Delete delivered requests after this many days (0: keep).",
    ),
    click.option(
        "--outbox-retry",
        default=30.0,
        show_default=True,
        type=click.FloatRange(0.01),
        help="Seconds before the first retry of a failed delivery (doubling, at most 1 h).",
    ),
    click.option(
        "--outbox-lease",
        default=120.0,
        show_default=True,
        type=click.FloatRange(0.1),
        help="Seconds a delivery in progress is reserved; after a crash it is retried then.",
    ),
]


def contact_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def settings_from(options: dict[str, Any]) -> ContactSettings:
    """Take the contact options out of a command's keyword arguments."""
    retry = options.pop("outbox_retry")
    return ContactSettings(
        smtp_host=options.pop("smtp_host"),
        smtp_port=options.pop("smtp_port"),
        smtp_tls=options.pop("smtp_tls"),
        smtp_user=options.pop("smtp_user"),
        smtp_password=options.pop("smtp_password"),
        mail_from=options.pop("mail_from"),
        mail_to=options.pop("mail_to"),
        mail_lang=options.pop("mail_lang"),
        webhook_url=options.pop("webhook_url"),
        webhook_secret=options.pop("webhook_secret"),
        limit=options.pop("contact_limit"),
        retention_days=options.pop("contact_retention_days"),
        retry_base_seconds=retry,
        retry_cap_seconds=max(retry, 3600.0),
        lease_seconds=options.pop("outbox_lease"),
        poll_seconds=min(2.0, retry),
    )


def contacts(db_url: str, retry: tuple[str, ...], retry_all: bool, purge_days: int | None) -> None:
    """List the deliveries that are not done; retry or purge on request."""
    from kbgen.contact.outbox import Outbox
    from kbgen.feedback.store import Store

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    store = Store(db_url)
    try:
        outbox = Outbox(store)
        if retry or retry_all:
            count = outbox.retry(now, retry)
            click.echo(f"{count} deliveries due again; a running collector sends them now.")
        if purge_days is not None:
            removed = outbox.purge(now.date() - dt.timedelta(days=purge_days))
            click.echo(f"Deleted {removed} contact requests older than {purge_days} days.")
        rows = outbox.deliveries()
        counts = outbox.counts()
    finally:
        store.close()
    click.echo(
        f"Deliveries: {counts.get('pending', 0)} pending, {counts.get('failed', 0)} failed, "
        f"{counts.get('sent', 0)} sent."
    )
    for d in rows:
        due = d.next_attempt_at.strftime("%Y-%m-%d %H:%M:%S")
        error = f"  {d.last_error}" if d.last_error else ""
        click.echo(
            f"{d.reference}  {d.channel:<7}  {d.state:<7}  attempts {d.attempts}  due {due}{error}"
        )
