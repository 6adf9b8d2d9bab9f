"""The front-matter schema, declared once: validation, `kbgen new` and the docs all read it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
LANG_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class FieldError(ValueError):
    """A front-matter value does not fit its field; the message says what was expected."""


def _text(value: Any) -> str:
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise FieldError(f"expected text, got {_kind(value)}")
    return value.strip()


def _text_list(value: Any) -> list[str]:
    if isinstance(value, str):
        # Writers often type `keywords: a, b, c`; accept it like Zendesk's label field does.
        return [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        raise FieldError(f"expected a list of text, got {_kind(value)}")
    items = []
    for item in value:
        if isinstance(item, (dict, list)) or item is None:
            raise FieldError(f"expected a list of text, got an item of type {_kind(item)}")
        items.append(str(item).strip())
    return [item for item in items if item]


def _question_list(value: Any) -> list[str]:
    # Questions contain commas, so a single string is one question, not a comma list.
    return _text_list([value] if isinstance(value, str) else value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"expected true or false, got {value!r}")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(f"expected a whole number, got {value!r}")
    return value


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FieldError(f"expected a date as YYYY-MM-DD, got {value!r}")


def _id(value: Any) -> str:
    text = _text(value)
    if not text:
        raise FieldError("expected an id, got nothing")
    return text


def id_problem(text: str) -> str | None:
    """Why an id is unfit for URLs and feedback keys, or None when it is fine."""
    if ID_PATTERN.match(text):
        return None
    return f"id {text!r} should contain only letters, digits, '.', '_' or '-'"


def normalize_id(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", text.strip()).strip("-._")
    return cleaned or "article"


def _lang(value: Any) -> str:
    text = _text(value).lower()
    if not LANG_PATTERN.match(text):
        raise FieldError(f"expected a language code such as 'de' or 'en', got {text!r}")
    return text


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", type(None): "nothing"}.get(
        type(value), type(value).__name__
    )


@dataclass(frozen=True)
class Field:
    name: str
    parse: Callable[[Any], Any]
    doc: str
    example: str


ARTICLE_FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        _text,
        "Required. The question or topic; the first `# H1` may supply it.",
        '"Wo ist mein Paket?"',
    ),
    Field(
        "id",
        _id,
        "Stable unique id; feedback and search key on it. Default: from the path.",
        "paket-verfolgen",
    ),
    Field(
        "description",
        _text,
        "One sentence for lists, search results and search engines.",
        '"So verfolgen Sie Ihre Sendung."',
    ),
    Field(
        "keywords",
        _text_list,
        "Search aliases: words customers type that the text lacks.",
        "[Sendungsverfolgung, Tracking]",
    ),
    Field(
        "questions",
        _question_list,
        "Questions customers ask that the article answers, in their words; searched as its own "
        "field and checked by `kbgen check` (each must find the article in the top 3).",
        '["Wann kommt mein Paket?"]',
    ),
    Field("tags", _text_list, "Labels for grouping and reporting.", "[versand]"),
    Field("promoted", _bool, "Shown on the home page and for searches that find nothing.", "false"),
    Field("order", _int, "Position in its category or section list (then by title).", "10"),
    Field(
        "related",
        _text_list,
        "Ids of related articles; replaces the computed list.",
        "[lieferzeit]",
    ),
    Field("draft", _bool, "Drafts are checked but not published or indexed.", "false"),
    Field("updated", _date, "Date of the last real change (YYYY-MM-DD).", "2026-11-25"),
    Field("review_by", _date, "Date by which the article must be reviewed.", "2027-05-25"),
    Field("lang", _lang, "Language code; default: the site language.", "de"),
    Field(
        "source_revision",
        _text,
        "In a translation: the `revision` of the source article it was translated from "
        "(`kbgen new --translate` writes it); a newer source marks the translation outdated.",
        "3f2a9c1b7d04",
    ),
)

FOLDER_FIELDS: tuple[Field, ...] = (
    Field("title", _text, "Category or section name. Default: the folder name.", '"Versand"'),
    Field("description", _text, "One sentence shown on the tile and the landing page.", '""'),
    Field("icon", _text, "Material icon, e.g. `material/truck-delivery`.", "material/truck"),
    Field("order", _int, "Position among its siblings (then by title).", "2"),
)

ARTICLE_FIELD_NAMES = frozenset(f.name for f in ARTICLE_FIELDS)
FOLDER_META_FILE = "_meta.yml"
