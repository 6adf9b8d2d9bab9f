"""A stored request as the support team reads it: plain text and HTML (autoescaped: whatever
the customer typed is text, never markup), in the team's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kbgen.contact.outbox import StoredRequest
from kbgen.locale import strings

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)

_HTML = _env.get_template("mail.html")


def _facts(r: StoredRequest, t: dict[str, str]) -> list[tuple[str, str]]:
    facts = [
        (t["mail_received"], r.created_at.strftime("%Y-%m-%d %H:%M UTC")),
        (t["mail_email"], r.email),
        (t["mail_name"], r.name),
        (t["mail_order"], r.order_no),
        (t["mail_topic"], r.topic),
        (t["mail_subject_label"], r.subject),
    ]
    return [(label, value) for label, value in facts if value]


def context_blocks(context: dict[str, Any], t: dict[str, str]) -> list[tuple[str, list[str]]]:
    """The visit's context as titled lists of readable lines (empty sections left out)."""
    blocks: list[tuple[str, list[str]]] = []
    searches = [
        f"„{s['q']}“ ({s.get('results', 0)} {t['mail_results']})"
        for s in context.get("searches", [])
    ]
    articles = [
        " – ".join(x for x in (a.get("title") or a["id"], a.get("url", "")) if x)
        for a in context.get("articles", [])
    ]
    votes = [
        f"{v['id']}: {t['contact_vote_yes'] if v['value'] == 'yes' else t['contact_vote_no']}"
        for v in context.get("votes", [])
    ]
    turns = [f"{t['mail_role_' + x['role']]}: {x['text']}" for x in context.get("assistant", [])]
    for title, lines in (
        (t["mail_searches"], searches),
        (t["mail_articles"], articles),
        (t["mail_votes"], votes),
        (t["mail_assistant"], turns),
        (t["mail_referrer"], [context["referrer"]] if context.get("referrer") else []),
    ):
        if lines:
            blocks.append((title, lines))
    return blocks


def subject_line(r: StoredRequest, t: dict[str, str]) -> str:
    about = r.subject or r.topic or " ".join(r.message.split())[:60]
    return f"[{r.reference}] {about}" if about else t["mail_subject"].format(reference=r.reference)


def as_text(r: StoredRequest, lang: str) -> str:
    t = strings(lang)
    lines = [t["mail_heading"].format(reference=r.reference), ""]
    lines += [f"{label}: {value}" for label, value in _facts(r, t)]
    lines += ["", f"{t['mail_message']}:", r.message, ""]
    if r.recommended:
        lines.append(f"{t['mail_recommended']}:")
        lines += [f"- {a['title']} {a.get('url', '')}".rstrip() for a in r.recommended]
        lines.append("")
    lines.append(f"{t['mail_context']}:")
    blocks = context_blocks(r.context, t)
    if not blocks:
        lines.append(t["mail_context_none"])
    for title, items in blocks:
        lines.append(f"{title}:")
        lines += [f"- {item}" for item in items]
    return "\n".join(lines) + "\n"


def as_html(r: StoredRequest, lang: str) -> str:
    t = strings(lang)
    return _HTML.render(
        lang=lang,
        t=t,
        r=r,
        heading=t["mail_heading"].format(reference=r.reference),
        facts=_facts(r, t),
        context_blocks=context_blocks(r.context, t),
    )
