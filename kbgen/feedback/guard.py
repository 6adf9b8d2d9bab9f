"""ASGI middleware in front of the collector: body size limit, CORS for the site's origin
only, and headers every response carries.

Written as plain ASGI (not Starlette's CORSMiddleware or BaseHTTPMiddleware) so that its own
refusals use the pinned error shape and it adds no per-request task overhead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from kbgen.feedback.errors import error_payload

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]
ASGIApp = Callable[[Scope, Receive, Send], Any]

_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-store"),
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on the
    # confirm page's own form POST.
    (b"referrer-policy", b"same-origin"),
]


async def send_error(
    send: Send,
    status: int,
    code: str,
    message: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = json.dumps(error_payload(status, code, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *_COMMON_HEADERS,
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Guard:
    """``allowed_origins`` is called per request: the manifest (and its site_url) may be
    reloaded while the collector runs."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_origins: Callable[[], set[str]],
        max_body: int,
        path_limits: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.allowed_origins = allowed_origins
        self.max_body = max_body
        #: Larger limits for some paths (a contact request carries a message and context).
        self.path_limits = path_limits or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        cors_headers: list[tuple[bytes, bytes]] = [(b"vary", b"Origin")]
        if origin == "null" and not scope["path"].startswith("/api/"):
            # Privacy settings and some browsers hide the origin of form posts; the no-JS
            # pages accept that (the rate limit still applies), the JSON API does not.
            origin = None
        if origin is not None:
            if self._same_origin(origin, headers.get("host", ""), scope):
                pass
            elif origin.lower() in self.allowed_origins():
                cors_headers.append((b"access-control-allow-origin", origin.encode("latin-1")))
            elif scope["method"] != "GET":
                # A browser on another site: refuse before anything is stored. (GETs get no
                # CORS header, so the browser hides the answer.)
                await send_error(
                    send,
                    403,
                    "origin_not_allowed",
                    f"Requests from {origin!r} are not accepted by this collector.",
                    cors_headers,
                )
                return

        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [
                        *cors_headers,
                        (b"access-control-allow-methods", b"POST, GET"),
                        (b"access-control-allow-headers", b"content-type"),
                        (b"access-control-max-age", b"86400"),
                        *_COMMON_HEADERS,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        if scope["method"] in _BODY_METHODS:
            limit = self.path_limits.get(scope["path"], self.max_body)
            declared = headers.get("content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > limit):
                await send_error(send, 413, "payload_too_large", _too_large(limit), cors_headers)
                return
            body = await self._read_body(receive, limit)
            if body is None:
                await send_error(send, 413, "payload_too_large", _too_large(limit), cors_headers)
                return
            receive = _replay(body, receive)
            if scope["path"].startswith("/api/"):
                scope = _json_for_text_plain(scope, headers)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", []),
                        *cors_headers,
                        *_COMMON_HEADERS,
                    ],
                }
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _same_origin(origin: str, host: str, scope: Scope) -> bool:
        # The no-JS confirm page is served by the collector and posts back to it.
        scheme = scope.get("scheme", "http")
        return bool(host) and origin.lower() == f"{scheme}://{host}".lower()

    async def _read_body(self, receive: Receive, limit: int) -> bytes | None:
        """The whole body (at most ``max_body`` bytes), or None when it is larger; a chunked
        upload without Content-Length is cut off as soon as it passes the limit."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _too_large(limit: int) -> str:
    return f"The request body exceeds {limit} bytes."


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _json_for_text_plain(scope: Scope, headers: dict[str, str]) -> Scope:
    """Treat ``text/plain`` bodies of the JSON API as JSON: ``navigator.sendBeacon`` and
    preflight-free ``fetch`` can only send that type. Cross-site abuse is stopped by the
    Origin check above, not by the content type."""
    if headers.get("content-type", "").split(";")[0].strip().lower() != "text/plain":
        return scope
    new_headers = [
        (k, b"application/json") if k.lower() == b"content-type" else (k, v)
        for k, v in scope["headers"]
    ]
    return {**scope, "headers": new_headers}
