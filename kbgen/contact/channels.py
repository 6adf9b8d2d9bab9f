"""Delivering a stored request: an e-mail over SMTP, or JSON POSTed to a webhook.

Each function raises :class:`DeliveryError` when the channel did not accept the request, so the
outbox retries it later; nothing here stores state.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate
from typing import Any

from kbgen.contact import render
from kbgen.contact.outbox import StoredRequest
from kbgen.contact.settings import ContactSettings
from kbgen.locale import strings

PAYLOAD_TYPE = "kbgen.contact"
PAYLOAD_VERSION = 1
SIGNATURE_HEADER = "X-Kbgen-Signature"


class DeliveryError(Exception):
    """The channel did not take the request (the message says why, for the outbox's log)."""


def message_for(request: StoredRequest, settings: ContactSettings) -> EmailMessage:
    """The mail to the support address: Reply-To is the customer, text and HTML parts.

    Header values come from validated single-line fields, and the SMTP policy refuses any
    line break in a header, so a customer cannot add headers or recipients."""
    t = strings(settings.mail_lang)
    mail = EmailMessage(policy=SMTP)
    mail["Subject"] = render.subject_line(request, t)
    mail["From"] = settings.mail_from or settings.mail_to
    mail["To"] = settings.mail_to
    mail["Reply-To"] = formataddr((request.name, request.email)) if request.name else request.email
    mail["Date"] = formatdate(usegmt=True)
    # Stable per request: a mail system can drop the copy of a retried delivery.
    mail["Message-ID"] = f"<{request.reference}.{request.id}@kbgen.invalid>"
    mail["X-Kbgen-Reference"] = request.reference
    mail.set_content(render.as_text(request, settings.mail_lang))
    mail.add_alternative(render.as_html(request, settings.mail_lang), subtype="html")
    return mail


def send_mail(request: StoredRequest, settings: ContactSettings) -> None:
    mail = message_for(request, settings)
    try:
        if settings.smtp_tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host,
                settings.smtp_port,
                timeout=settings.timeout_seconds,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(
                settings.smtp_host, settings.smtp_port, timeout=settings.timeout_seconds
            )
        with client:
            if settings.smtp_tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password)
            refused = client.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP {settings.smtp_host}:{settings.smtp_port}: {exc}") from exc
    if refused:
        raise DeliveryError(f"SMTP refused recipients: {sorted(refused)}")


def payload(request: StoredRequest, settings: ContactSettings) -> dict[str, Any]:
    """The webhook's JSON (documented in docs/contact.md, "Webhook")."""
    return {
        "type": PAYLOAD_TYPE,
        "version": PAYLOAD_VERSION,
        "reference": request.reference,
        "created_at": request.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lang": request.lang,
        "customer": {"email": request.email, "name": request.name},
        "topic": request.topic,
        "subject": request.subject,
        "order": request.order_no,
        "message": request.message,
        "context": request.context,
        "recommended": request.recommended,
        "title": render.subject_line(request, strings(settings.mail_lang)),
        "text": render.as_text(request, settings.mail_lang),
        "html": render.as_html(request, settings.mail_lang),
    }


def post_webhook(request: StoredRequest, settings: ContactSettings) -> None:
    body = json.dumps(payload(request, settings), ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "kbgen-contact/1",
        # The same on every retry: a receiver can ignore a request it already has.
        "Idempotency-Key": request.reference,
    }
    if settings.webhook_secret:
        digest = hmac.new(settings.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        headers[SIGNATURE_HEADER] = f"sha256={digest}"
    http = urllib.request.Request(settings.webhook_url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(http, timeout=settings.timeout_seconds) as answer:  # noqa: S310
            status = answer.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"webhook answered {exc.code}") from exc
    except (OSError, ValueError) as exc:
        raise DeliveryError(f"webhook {settings.webhook_url}: {exc}") from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"webhook answered {status}")


SENDERS = {"smtp": send_mail, "webhook": post_webhook}
