"""Request and response bodies of the collector's JSON API (also its OpenAPI schema)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kbgen.feedback.privacy import clean_text

COMMENT_MAX = 600
QUERY_MAX = 200
REASONS = ("outdated", "confusing", "missing", "unsolved", "other")

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

Reason = Literal["outdated", "confusing", "missing", "unsolved", "other"]


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
    token: str = Field(description="Pass to /api/followups to say why (only after 'no').")
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


class ZeroResultIn(_Body):
    query: str = Field(min_length=1, max_length=QUERY_MAX * 2)
    lang: str = Lang
    website: str = Honeypot

    @field_validator("query")
    @classmethod
    def _clean_query(cls, value: str) -> str:
        value = clean_text(value, multiline=False)
        if not value:
            raise ValueError("empty after removing control characters")
        return value[:QUERY_MAX]


class Stored(BaseModel):
    status: Literal["stored"] = "stored"


class Health(BaseModel):
    status: Literal["ok"]
    backend: str
    schema_version: int
    articles: int
