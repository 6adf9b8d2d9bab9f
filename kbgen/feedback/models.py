"""Request and response bodies of the collector's JSON API (also its OpenAPI schema)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kbgen.feedback import contract
from kbgen.feedback.privacy import clean_text

COMMENT_MAX = contract.COMMENT_MAX
QUERY_MAX = contract.QUERY_MAX
REASONS = contract.REASONS

ARTICLE_PATTERN = r"^[\w][\w.\-/]*$"
LANG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
REVISION_PATTERN = r"^[A-Za-z0-9._-]*$"
TOKEN_PATTERN = r"^[A-Za-z0-9_-]+$"

ArticleId = Field(min_length=1, max_length=100, pattern=ARTICLE_PATTERN)
Lang = Field(min_length=2, max_length=16, pattern=LANG_PATTERN)
Revision = Field(default="", max_length=64, pattern=REVISION_PATTERN)
# Honeypot: a field people never see or fill in. See docs/feedback.md.
Honeypot = Field(default="", max_length=200, description="Leave empty (spam trap).")
Token = Field(min_length=16, max_length=64, pattern=TOKEN_PATTERN)

# A Literal type built from the contract, so the OpenAPI document lists the same reasons.
Reason = Literal[contract.REASONS]  # type: ignore[valid-type]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class VoteIn(_Body):
    article: str = ArticleId
    lang: str = Lang
    rev: str = Revision
    value: Literal["yes", "no"]
    website: str = Honeypot
    via: Literal["article", "answer", "assist"] = Field(
        "article",
        description="Where the vote was cast: the article page, an instant answer in search, "
        "or the answer assistant (stored as the vote's channel).",
    )


class VoteOut(BaseModel):
    token: str = Field(
        description=f"Pass to {contract.FOLLOWUPS_PATH} to say why (only after 'no')."
    )
    followup: bool = Field(description="Whether a follow-up is accepted for this vote.")


class FollowupIn(_Body):
    token: str = Token
    reason: Reason
    comment: str = Field(default="", max_length=COMMENT_MAX, description="Optional.")
    website: str = Honeypot

    @field_validator("comment")
    @classmethod
    def _clean_comment(cls, value: str) -> str:
        return clean_text(value, multiline=True)


class FormFollowupIn(FollowupIn):
    """The no-JS page's follow-up: the same, with the comment limit as sent by a browser
    (see the ``comment`` field of ``POST /followup``)."""

    comment: str = Field(default="", max_length=COMMENT_MAX * 2)


class ZeroResultIn(_Body):
    # Not stripped before the length check: a query of only spaces or control characters fits
    # the document (minLength 1), so it is accepted (and ignored) rather than refused.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    query: str = Field(min_length=1, max_length=QUERY_MAX * 2)
    lang: str = Lang
    website: str = Honeypot

    @field_validator("query")
    @classmethod
    def _clean_query(cls, value: str) -> str:
        return clean_text(value, multiline=False)[:QUERY_MAX]


class Stored(BaseModel):
    status: Literal["stored"] = "stored"


class Health(BaseModel):
    status: Literal["ok"]
    backend: str
    schema_version: int
    articles: int
