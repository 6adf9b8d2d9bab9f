"""The body of ``POST /api/contact`` (also its OpenAPI schema), validated and cleaned.

Single-line fields lose control characters and line breaks (no header injection can come from
them); the e-mail address must be one plain address. The visit context is what the contact
page shows as "Wird mitgesendet" (kbgen/assets/visit.js keeps it in sessionStorage); unknown
keys inside it are dropped, so the browser side may grow without breaking old collectors.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from kbgen.feedback.models import LANG_PATTERN, TOKEN_PATTERN
from kbgen.feedback.privacy import clean_text

MESSAGE_MAX = 5000
#: One plain ASCII address (RFC 5321 atext and dots before the @): no display name, no space,
#: no separator a mail header would read as two addresses. Spelled out rather than with \s,
#: whose meaning differs between regex engines (the schema's readers and the validator).
EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&*+/=?^_`{|}~-]{1,64}"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
ORDER_PATTERN = r"^[\w .#/-]*$"
ITEMS_MAX = 20
# At least one character that survives cleaning (not a space, control or bidi character), so a
# message the schema allows is never empty once cleaned.
VISIBLE = "[^\\s\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"


def Line(limit: int) -> Any:  # noqa: N802 - reads as a type in the models below
    """Single-line text of at most ``limit`` characters as sent; cleaned afterwards (control
    characters and line breaks removed), so what the document refuses is refused."""
    return Annotated[
        str,
        Field(max_length=limit),
        AfterValidator(lambda v: clean_text(v, multiline=False)[:limit]),
    ]


def Text(limit: int, **constraints: Any) -> Any:  # noqa: N802
    """Multi-line text of at most ``limit`` characters as sent; cleaned afterwards."""
    return Annotated[
        str,
        Field(max_length=limit, **constraints),
        AfterValidator(lambda v: clean_text(v, multiline=True)[:limit]),
    ]


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Search(_Item):
    q: Line(200)
    results: int = Field(default=0, ge=0, le=10_000)


class ArticleSeen(_Item):
    id: Line(100)
    lang: Line(16) = ""
    title: Line(300) = ""
    url: Line(500) = ""


class Vote(_Item):
    id: Line(100)
    lang: Line(16) = ""
    value: Literal["yes", "no"]


class Turn(_Item):
    role: Literal["user", "assistant"]
    text: Text(2000)


class Context(_Item):
    """The part of the visit the customer left in "Wird mitgesendet"."""

    lang: Line(16) = ""
    referrer: Line(500) = ""
    searches: list[Search] = Field(default_factory=list, max_length=ITEMS_MAX)
    articles: list[ArticleSeen] = Field(default_factory=list, max_length=ITEMS_MAX)
    votes: list[Vote] = Field(default_factory=list, max_length=ITEMS_MAX)
    assistant: list[Turn] = Field(default_factory=list, max_length=ITEMS_MAX)


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lang: str = Field(min_length=2, max_length=16, pattern=LANG_PATTERN)
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN, description="For the reply.")
    message: Text(MESSAGE_MAX, min_length=1, pattern=VISIBLE)
    subject: Line(200) = ""
    topic: Line(200) = Field(default="", description="A category or an article.")
    name: Line(100) = ""
    order: Line(64) = Field(default="", pattern=ORDER_PATTERN)
    context: Context = Field(default_factory=Context)
    form_token: str = Field(
        min_length=16,
        max_length=64,
        pattern=r"^[0-9]+\.[A-Za-z0-9_=-]+$",
        description="From GET /api/contact/token (the site's origin only; expires).",
    )
    website: str = Field(default="", max_length=200, description="Leave empty (spam trap).")

    @field_validator("message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the message is empty")
        return value


class ContactOut(BaseModel):
    reference: str = Field(description="What the customer quotes, e.g. K-2026-000123.")
    status: Literal["stored"] = "stored"


class ContactToken(BaseModel):
    token: str
    expires_in: int = Field(description="Seconds the token stays valid.")


__all__ = ["TOKEN_PATTERN", "ContactIn", "ContactOut", "ContactToken", "Context"]
