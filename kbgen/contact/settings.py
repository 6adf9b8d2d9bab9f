"""What an operator sets for contact requests (``kbgen feedback serve --smtp-host …``; see
docs/contact.md, "Settings")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ContactSettings:
    #: SMTP delivery: server, port, ``none`` / ``starttls`` / ``ssl``, login (optional).
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_tls: str = "none"
    smtp_user: str = ""
    smtp_password: str = ""
    #: Sender and recipient of the delivered requests (Reply-To is the customer).
    mail_from: str = ""
    mail_to: str = ""
    #: Language of the delivered mail's labels (the support team's).
    mail_lang: str = "de"
    #: Webhook delivery: the URL JSON is POSTed to, and the key of its signature header.
    webhook_url: str = ""
    webhook_secret: str = ""
    #: Contact requests per client and UTC day.
    limit: int = 5
    #: Stored requests are deleted this many days after they were sent (0: keep).
    retention_days: int = 90
    #: Outbox: seconds between polls, first retry delay, longest delay, attempts before
    #: "failed", and how long a claimed delivery is reserved for the worker that took it.
    poll_seconds: float = 2.0
    retry_base_seconds: float = 30.0
    retry_cap_seconds: float = 3600.0
    max_attempts: int = 30
    lease_seconds: float = 120.0
    #: Network timeout of one delivery attempt.
    timeout_seconds: float = 20.0

    @property
    def channels(self) -> tuple[str, ...]:
        found = []
        if self.smtp_host and self.mail_to:
            found.append("smtp")
        if self.webhook_url:
            found.append("webhook")
        return tuple(found)
