"""Errors of the feedback loop and the one JSON shape every HTTP error of the collector has:

    {"error": {"code": "unknown_article", "message": "...", "status": 404}}

Clients (the widget, the search UI, dashboards) branch on ``code``; ``message`` is for people.
"""

from __future__ import annotations

from pydantic import BaseModel

from kbgen.exceptions import KbgenError


class FeedbackError(KbgenError):
    """A problem the operator can fix (bad database URL, missing manifest, ...); the CLI
    shows it as a message without a traceback."""


class ApiError(Exception):
    """An error answered to an HTTP client in the pinned shape."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class RateLimited(ApiError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            429,
            "rate_limited",
            "Too many submissions from this client today; try again tomorrow.",
            {"Retry-After": str(retry_after)},
        )


# Codes of errors the framework raises, by status, so they share the pinned shape.
STATUS_CODES: dict[int, str] = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


def code_for_status(status: int) -> str:
    return STATUS_CODES.get(status, "error" if status < 500 else "internal_error")


def error_payload(status: int, code: str, message: str) -> dict[str, dict[str, object]]:
    return {"error": {"code": code, "message": message, "status": status}}


class ErrorDetail(BaseModel):
    code: str
    message: str
    status: int


class ErrorBody(BaseModel):
    """The shape of every error response."""

    error: ErrorDetail


def error_responses(*statuses: int, html: bool = False) -> dict[int | str, dict[str, object]]:
    """OpenAPI ``responses=`` entries so the documented errors match what is sent.

    Pages (``html=True``) answer browsers asking for HTML with an HTML page, anyone else with
    the JSON shape.
    """
    if not html:
        return {
            status: {"model": ErrorBody, "description": code_for_status(status)}
            for status in statuses
        }
    content = {
        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}},
        "text/html": {"schema": {"type": "string"}},
    }
    return {
        status: {"description": code_for_status(status), "content": content} for status in statuses
    }
