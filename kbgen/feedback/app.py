"""The collector's HTTP interface (FastAPI): a JSON API for the widget and the search UI, and
HTML pages for visitors without JavaScript. Rules live in :mod:`kbgen.feedback.collector`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import FastAPI, Form, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kbgen.contact import api as contact_api
from kbgen.contact.api import ContactService
from kbgen.feedback import contract, models, pages
from kbgen.feedback.collector import TEST_CLIENT_HEADER, Collector, CollectorSettings
from kbgen.feedback.errors import ApiError, code_for_status, error_payload, error_responses
from kbgen.feedback.events import mount_events
from kbgen.feedback.guard import Guard
from kbgen.feedback.keys import SECRET_ENV
from kbgen.feedback.manifest import ManifestSource
from kbgen.feedback.store import Store
from kbgen.service.answers import mount_answers

log = logging.getLogger(__name__)

PAGE_PATHS = {contract.VOTE_PAGE_PATH, contract.FOLLOWUP_PAGE_PATH}

# Form fields mirror the JSON models' constraints (FastAPI validates them the same way).
FArticle = Annotated[str, Form(min_length=1, max_length=100, pattern=models.ARTICLE_PATTERN)]
FLang = Annotated[str, Form(min_length=2, max_length=16, pattern=models.LANG_PATTERN)]
FRev = Annotated[str, Form(max_length=64, pattern=models.REVISION_PATTERN)]
FReturn = Annotated[str, Form(max_length=500)]
FHoneypot = Annotated[str, Form(max_length=200)]


def _client(collector: Collector, request: Request) -> str:
    address = request.client.host if request.client else None
    return collector.client_key(address, request.headers.get(TEST_CLIENT_HEADER))


def _wants_html(request: Request) -> bool:
    return request.scope["path"] in PAGE_PATHS and "text/html" in request.headers.get("accept", "")


def _error(
    request: Request, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    if _wants_html(request):
        lang = getattr(request.state, "page_lang", None) or pages.page_lang(
            request.query_params.get("lang"), request.headers.get("accept-language", "")
        )
        return HTMLResponse(
            pages.error_page(lang, code, status),
            status,
            headers={**pages.PAGE_HEADERS, **(headers or {})},
        )
    return JSONResponse(error_payload(status, code, message), status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts)


def _allowed_methods(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in request.app.routes:
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(request.scope["path"]):
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return _error(request, exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, 422, "invalid_request", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette lists only the first matching route's methods; GET and POST /vote
            # are two routes.
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return _error(request, exc.status_code, code_for_status(exc.status_code), message, headers)

    @app.exception_handler(DBAPIError)
    async def db_error(request: Request, exc: DBAPIError) -> Response:
        log.error("Database error: %s", exc)
        return _error(
            request,
            503,
            "unavailable",
            "The feedback database is unavailable.",
            {"Retry-After": "30"},
        )

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("Unhandled error on %s %s", request.method, request.url.path)
        return _error(request, 500, "internal_error", "Internal error.")


def _log_start(collector: Collector) -> None:
    """Say at start which browser origins may post, so a missing site_url is seen at once
    rather than as votes that all fall back to the confirm page."""
    origins = sorted(collector.allowed_origins())
    if origins:
        log.info("Accepting votes from browser origins: %s", ", ".join(origins))
    else:
        log.warning(
            "No browser origin is allowed to post votes: the site's manifest has no site_url "
            "and no --origin was given, so the widget's in-place votes are blocked by the "
            "browser and every vote goes through the confirm page. Hint: set site_url in "
            "mkdocs.yml and rebuild, or pass --origin."
        )
    if not collector.keys.shared:
        log.info(
            "No %s set: pseudonym and form keys are random for this process (fine for one "
            "instance; instances sharing a database need the same secret).",
            SECRET_ENV,
        )


def create_app(
    settings: CollectorSettings | None = None,
    *,
    store: Store | None = None,
    manifests: ManifestSource | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> FastAPI:
    """Build the collector. Opens (and migrates) the database and reads the site manifest
    now, so a misconfiguration fails at start-up rather than on the first vote."""
    settings = settings or CollectorSettings()
    store = store or Store(settings.db_url)
    manifests = manifests or ManifestSource(settings.site_dir)
    collector = Collector(settings, store, manifests, **({"clock": clock} if clock else {}))

    contact = ContactService(collector, settings.contact)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        contact.worker.start()  # delivers contact requests stored before a restart, too
        try:
            yield
        finally:
            await collector.run(contact.close)

    app = FastAPI(
        lifespan=lifespan,
        title="kbgen feedback collector",
        version="1",
        description="Collects 'Was this article helpful?' votes, follow-ups and searches "
        "that found nothing, and contact requests for the support team. Every error has the shape "
        '{"error": {"code": ..., "message": ..., "status": ...}}.',
        docs_url=None,
        redoc_url=None,
    )
    app.state.collector = collector
    app.state.contact = contact
    _log_start(collector)
    _install_error_handlers(app)
    app.add_middleware(
        Guard,
        allowed_origins=collector.allowed_origins,
        max_body=settings.max_body,
        path_limits={contact_api.CONTACT_PATH: contact_api.MAX_BODY},
    )
    contact_api.install(app, contact)

    common_errors = (400, 403, 404, 413, 422, 429, 503)
    followup_errors = (400, 403, 404, 409, 410, 413, 422, 503)

    @app.get(
        "/healthz",
        response_model=models.Health,
        responses=error_responses(503),
        tags=["operations"],
    )
    async def healthz() -> models.Health:
        return models.Health(
            status="ok",
            backend=store.backend,
            schema_version=await collector.run(store.schema_version),
            articles=len(collector.manifest.articles),
        )

    @app.post(
        contract.VOTES_PATH,
        status_code=201,
        response_model=models.VoteOut,
        responses=error_responses(*common_errors),
        tags=["api"],
    )
    async def post_vote(body: models.VoteIn, request: Request) -> models.VoteOut:
        """Record a vote from the widget. Answers with a token for the follow-up."""
        result = await collector.vote(
            article_id=body.article,
            lang=body.lang,
            revision=body.rev,
            value=body.value,
            channel="js" if body.via == "article" else body.via,
            client=_client(collector, request),
            honeypot=body.website,
        )
        return models.VoteOut(token=result.token, followup=not result.helpful)

    @app.post(
        contract.FOLLOWUPS_PATH,
        status_code=201,
        response_model=models.Stored,
        responses=error_responses(*followup_errors),
        tags=["api"],
    )
    async def post_followup(body: models.FollowupIn) -> models.Stored:
        """Say why a "no" vote was cast: a reason and an optional comment."""
        await collector.run(
            collector.followup,
            token=body.token,
            reason=body.reason,
            comment=body.comment,
            honeypot=body.website,
        )
        return models.Stored()

    @app.post(
        contract.ZERO_RESULTS_PATH,
        status_code=201,
        response_model=models.Stored,
        responses=error_responses(*common_errors),
        tags=["api"],
    )
    async def post_zero_result(body: models.ZeroResultIn, request: Request) -> models.Stored:
        """Record a search that found nothing (a content gap)."""
        await collector.run(
            collector.zero_result,
            query=body.query,
            lang=body.lang,
            client=_client(collector, request),
            honeypot=body.website,
        )
        return models.Stored()

    @app.get(
        contract.VOTE_PAGE_PATH,
        response_class=HTMLResponse,
        responses=error_responses(404, 422, html=True),
        tags=["pages"],
    )
    async def confirm_vote(
        request: Request,
        article: Annotated[
            str, Query(min_length=1, max_length=100, pattern=models.ARTICLE_PATTERN)
        ],
        lang: Annotated[str, Query(min_length=2, max_length=16, pattern=models.LANG_PATTERN)],
        value: Annotated[str, Query(pattern="^(yes|no)$")],
        rev: Annotated[str, Query(max_length=64, pattern=models.REVISION_PATTERN)] = "",
    ) -> HTMLResponse:
        """The page behind the widget's links: asks for one confirming click (a GET never
        stores a vote, so crawlers following links cast none)."""
        request.state.page_lang = pages.page_lang(lang)
        ref = collector.article(article, lang)
        return_to = request.headers.get("referer", "")[:500]
        back = pages.back_url(collector.manifest, ref, return_to, collector.allowed_origins())
        token = collector.form_token(_client(collector, request), ref, value)
        html = pages.confirm_page(request.state.page_lang, ref, value, rev, return_to, back, token)
        return HTMLResponse(html, headers=pages.PAGE_HEADERS)

    @app.post(
        contract.VOTE_PAGE_PATH,
        response_class=HTMLResponse,
        responses=error_responses(*common_errors, html=True),
        tags=["pages"],
    )
    async def submit_vote(
        request: Request,
        article: FArticle,
        lang: FLang,
        value: Annotated[str, Form(pattern="^(yes|no)$")],
        form_token: Annotated[
            str,
            Form(
                max_length=64,
                description="The token of the confirm page (GET /vote) this form came from: "
                "signed, bound to the client's address, valid for a limited time.",
            ),
        ],
        rev: FRev = "",
        return_to: FReturn = "",
        website: FHoneypot = "",
    ) -> HTMLResponse:
        """The confirm page's form: stores the vote, then thanks (and asks why after "no").
        Refused with 403 without a valid token from the confirm page (any origin, even
        ``Origin: null``, could post a form otherwise)."""
        request.state.page_lang = pages.page_lang(lang)
        client = _client(collector, request)
        collector.check_form_token(form_token, client, article, lang, value)
        result = await collector.vote(
            article_id=article,
            lang=lang,
            revision=rev,
            value=value,
            channel="form",
            client=client,
            honeypot=website,
        )
        back = pages.back_url(
            collector.manifest, result.article, return_to, collector.allowed_origins()
        )
        html = pages.thanks_page(
            request.state.page_lang, result.article, result.helpful, result.token, return_to, back
        )
        return HTMLResponse(html, headers=pages.PAGE_HEADERS)

    @app.post(
        contract.FOLLOWUP_PAGE_PATH,
        response_class=HTMLResponse,
        responses=error_responses(*followup_errors, html=True),
        tags=["pages"],
    )
    async def submit_followup(
        request: Request,
        token: Annotated[str, Form(min_length=16, max_length=64, pattern=models.TOKEN_PATTERN)],
        reason: Annotated[models.Reason, Form()],
        lang: FLang,
        article: Annotated[str, Form(max_length=100)] = "",
        comment: Annotated[
            str,
            Form(
                max_length=models.COMMENT_MAX * 2,
                description=f"Up to {models.COMMENT_MAX} characters as a textarea counts them: "
                "browsers count a line break as one character but send it as CRLF, so up to "
                f"{models.COMMENT_MAX * 2} are accepted as sent. Stored with LF line breaks.",
            ),
        ] = "",
        return_to: FReturn = "",
        website: FHoneypot = "",
    ) -> HTMLResponse:
        request.state.page_lang = pages.page_lang(lang)
        try:
            # Browsers count a line break as one character against maxlength but submit it
            # as CRLF.
            body = models.FormFollowupIn(
                token=token, reason=reason, comment=comment, website=website
            )
        except ValueError as exc:  # pydantic's ValidationError: same answer as the JSON API
            raise RequestValidationError(getattr(exc, "errors", list)()) from None
        await collector.run(
            collector.followup,
            token=body.token,
            reason=body.reason,
            comment=body.comment,
            honeypot=body.website,
        )
        ref = collector.manifest.get(article, lang)
        back = ""
        if ref is not None:
            back = pages.back_url(collector.manifest, ref, return_to, collector.allowed_origins())
        return HTMLResponse(
            pages.followup_thanks_page(request.state.page_lang, back), headers=pages.PAGE_HEADERS
        )

    mount_events(app, collector)
    mount_answers(app, collector)  # GET /api/search and /api/answer (kbgen/service)
    return app
