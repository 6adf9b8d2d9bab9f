"""The collector's own HTML pages, for visitors without JavaScript: confirm a vote (a GET
never stores anything), thanks (with the follow-up form after "no"), and errors.

Rendered with autoescaping; strings come from ``kbgen/locale/<lang>/feedback.yml``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kbgen.feedback.contract import COMMENT_MAX, REASONS
from kbgen.feedback.manifest import ArticleRef, Manifest, origin_of
from kbgen.locale import available, strings

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

# Inline styles only; no script, no other origin, forms post back to this collector.
PAGE_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-robots-tag": "noindex, nofollow",
}


def page_lang(lang: str | None, accept_language: str = "") -> str:
    """A language we have strings for, from untrusted input (never used as a path as is)."""
    for candidate in (lang or "", *re.findall(r"[a-zA-Z]{2,3}", accept_language)[:3]):
        candidate = candidate.lower()
        if re.fullmatch(r"[a-z]{2,3}", candidate) and available(candidate):
            return candidate
    return "en"


def back_url(manifest: Manifest, ref: ArticleRef, return_to: str, allowed: set[str]) -> str:
    """Where "Back to the article" leads: the site's URL of the article when the manifest
    knows the site's address, else the page the visitor came from if it plausibly is that
    article, else nothing (the page then tells them to use the back button)."""
    url = manifest.article_url(ref)
    if url:
        return url
    if not return_to or len(return_to) > 500:
        return ""
    parts = urlsplit(return_to)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    if origin_of(return_to) in allowed or (ref.url and parts.path.endswith("/" + ref.url)):
        return return_to
    return ""


def _render(name: str, lang: str, **context: Any) -> str:
    return _env.get_template(name).render(
        lang=lang, t=strings(lang), reasons=REASONS, comment_max=COMMENT_MAX, **context
    )


def confirm_page(
    lang: str,
    ref: ArticleRef,
    value: str,
    revision: str,
    return_to: str,
    back: str,
    form_token: str,
) -> str:
    return _render(
        "confirm.html",
        lang,
        form_token=form_token,
        article=ref,
        value=value,
        revision=revision,
        return_to=return_to,
        back=back,
    )


def thanks_page(
    lang: str, ref: ArticleRef, helpful: bool, token: str, return_to: str, back: str
) -> str:
    return _render(
        "thanks.html",
        lang,
        article=ref,
        helpful=helpful,
        token=token,
        return_to=return_to,
        back=back,
        followup_done=False,
    )


def followup_thanks_page(lang: str, back: str) -> str:
    return _render(
        "thanks.html",
        lang,
        article=None,
        helpful=False,
        token="",
        return_to="",
        back=back,
        followup_done=True,
    )


def error_page(lang: str, code: str, status: int) -> str:
    t = strings(lang)
    key = {
        "unknown_article": "feedback_error_unknown_article",
        "rate_limited": "feedback_rate_limited",
        "invalid_request": "feedback_error_invalid",
        "unknown_token": "feedback_error_followup",
        "followup_exists": "feedback_error_followup",
        "followup_expired": "feedback_error_followup",
        "followup_not_allowed": "feedback_error_followup",
        "form_expired": "feedback_error_form_expired",
        "form_token_invalid": "feedback_error_form_expired",
    }.get(code, "feedback_error")
    return _render("error.html", lang, message=t[key], status=status)
