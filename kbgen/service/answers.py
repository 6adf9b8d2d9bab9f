"""One answer service for every channel: ``GET /api/search`` and ``GET /api/answer``.

The routes answer from the Whoosh index ``kbgen build`` wrote (``search_index/`` and its
``passages/``), with the site's ranking, confidence and threshold, so a chatbot, an e-mail
auto-reply or a phone menu gives the same answer as the help center. They live in the
collector's process (``app.include_router``) and share its CORS rules (the collector's
``origins`` plus the site's own) and error shape; requests are rate-limited per client.

Settings (``CollectorSettings.search_index`` / ``answer_rate``, set by ``kbgen serve-api
--search-index DIR --answer-rate N``; unset, the environment of the service process):

* ``KBGEN_SEARCH_INDEX`` — the index folder (default ``search_index``);
* ``KBGEN_ANSWER_RATE`` — requests per client and minute (default 120; 0 = unlimited).
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kbgen.feedback.errors import ApiError, error_responses
from kbgen.search import Engine, SearchError
from kbgen.search.answers import PASSAGES_DIR, Answerer, PassageHit
from kbgen.search.engine import Results

DEFAULT_RATE = 120
Q = Annotated[str, Query(min_length=1, max_length=500, description="The customer's words.")]
LANG = Annotated[str, Query(min_length=2, max_length=16, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")]


class SearchResult(BaseModel):
    id: str
    title: str
    url: str = Field(description="Absolute when the site's URL is known, else site-relative.")
    score: float


class SearchOut(BaseModel):
    query: str
    lang: str
    corrected: str | None = Field(None, description="The query as searched after typo fixes.")
    results: list[SearchResult]


class PassageOut(BaseModel):
    article: str = Field(description="The article's id.")
    anchor: str = Field(description='The section anchor; "" for the lead answer.')
    question: str = Field(description="The section's heading (the title for the lead).")
    title: str = Field(description="The article's title.")
    text: str = Field(description="The passage as plain text.")
    html: str = Field(description="The passage as safe HTML (lists, emphasis, links).")
    url: str = Field(description="The article's URL with the section's anchor.")
    score: float


class AnswerOut(BaseModel):
    query: str
    lang: str
    confidence: float = Field(description="coverage × margin to the next passage, 0–1.")
    shown: bool = Field(description="The confidence reaches the site's threshold.")
    answer: PassageOut | None
    alternatives: list[PassageOut]
    corrected: str | None = None


class RateLimit:
    """At most ``per_minute`` requests per client in any 60 seconds (in this process)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.seen: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def check(self, client: str) -> None:
        if self.per_minute <= 0:
            return
        now = self.clock()
        with self.lock:
            if len(self.seen) > 100_000:  # forget idle clients rather than grow without end
                self.seen = {k: v for k, v in self.seen.items() if v and v[-1] > now - 60}
            times = self.seen.setdefault(client, deque())
            while times and times[0] <= now - 60:
                times.popleft()
            if len(times) >= self.per_minute:
                retry = max(1, int(60 - (now - times[0])) + 1)
                raise ApiError(
                    429,
                    "rate_limited",
                    "Too many questions from this client; try again in a minute.",
                    {"Retry-After": str(retry)},
                )
            times.append(now)


class Answers:
    """The open indexes (reopened when a build replaced them) behind the routes."""

    def __init__(self, index_dir: Path, site_url: Callable[[], str]) -> None:
        self.index_dir = Path(index_dir)
        self.site_url = site_url
        self.lock = threading.Lock()  # Whoosh searchers are not shared across threads
        self._opened: tuple[float, Engine, Answerer | None] | None = None
        self._checked = 0.0

    def _stamp(self) -> float:
        stamps = [p.stat().st_mtime for p in self.index_dir.glob("*/kbgen.json")]
        stamps += [p.stat().st_mtime for p in self.index_dir.glob(f"{PASSAGES_DIR}/*/kbgen.json")]
        return max(stamps, default=0.0)

    def _indexes(self) -> tuple[Engine, Answerer | None]:
        now = time.monotonic()
        if self._opened is not None and now - self._checked < 1.0:
            return self._opened[1], self._opened[2]  # a new build is noticed within a second
        self._checked = now
        stamp = self._stamp()
        if self._opened is None or self._opened[0] != stamp:
            self._close_opened()
            try:
                engine = Engine(self.index_dir)
            except SearchError as exc:
                raise ApiError(503, "unavailable", f"No search index: {exc}") from exc
            answerer = None
            if (self.index_dir / PASSAGES_DIR).is_dir():
                try:
                    answerer = Answerer(self.index_dir, engine.settings)
                except SearchError:
                    answerer = None
            self._opened = (stamp, engine, answerer)
        return self._opened[1], self._opened[2]

    def absolute(self, url: str) -> str:
        base = self.site_url().rstrip("/")
        return f"{base}/{url.lstrip('/')}" if base else url

    def passage(self, hit: PassageHit) -> dict[str, object]:
        data = hit.as_json()
        data["url"] = self.absolute(hit.url)
        return data

    def query(self, q: str, lang: str, limit: int) -> Results:
        """Ranked articles from the current index (``ApiError`` 503 without one)."""
        with self.lock:
            engine, _ = self._indexes()
            return engine.query(q, lang=lang, limit=limit)

    def close(self) -> None:
        with self.lock:
            self._close_opened()

    def _close_opened(self) -> None:
        if self._opened is not None:
            self._opened[1].close()
            if self._opened[2] is not None:
                self._opened[2].close()
            self._opened = None

    def search(self, q: str, lang: str, limit: int) -> dict[str, object]:
        result = self.query(q, lang, limit)
        return {
            "query": q,
            "lang": lang,
            "corrected": result.corrected,
            "results": [
                {"id": h.id, "title": h.title, "url": self.absolute(h.url), "score": h.score}
                for h in result.hits
            ],
        }

    def answer(self, q: str, lang: str) -> dict[str, object]:
        with self.lock:
            _, answerer = self._indexes()
            if answerer is None or lang not in answerer.engine.langs:
                found = None
            else:
                found = answerer.answer(q, lang)
        if found is None:
            return {
                "query": q,
                "lang": lang,
                "confidence": 0.0,
                "shown": False,
                "answer": None,
                "alternatives": [],
                "corrected": None,
            }
        return {
            "query": q,
            "lang": lang,
            "confidence": found.confidence,
            "shown": found.shown,
            "answer": self.passage(found.best) if found.best else None,
            "alternatives": [self.passage(p) for p in found.alternatives],
            "corrected": found.corrected,
        }


def answers_router(
    index_dir: Path | str | None = None,
    *,
    site_url: Callable[[], str] = lambda: "",
    rate_per_minute: int | None = None,
    client_key: Callable[[Request], str] | None = None,
) -> APIRouter:
    """The two routes; defaults come from the environment (see the module docstring)."""
    folder = Path(index_dir or os.environ.get("KBGEN_SEARCH_INDEX", "search_index"))
    rate = RateLimit(
        rate_per_minute
        if rate_per_minute is not None
        else int(os.environ.get("KBGEN_ANSWER_RATE", DEFAULT_RATE))
    )
    answers = Answers(folder, site_url)
    key = client_key or (lambda request: request.client.host if request.client else "-")
    router = APIRouter(tags=["answers"])
    # The routes are coroutines: an answer takes well under a millisecond of CPU, less than
    # handing it to a worker thread and back would cost. They return the JSON directly (the
    # models above document it; the contract test checks the answers against them).

    @router.get("/api/search", response_model=SearchOut, responses=error_responses(422, 429, 503))
    async def api_search(
        request: Request,
        q: Q,
        lang: LANG,
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
    ) -> JSONResponse:
        """Articles for the customer's words, ranked exactly like the help center's search."""
        rate.check(key(request))
        return JSONResponse(answers.search(q, lang, limit))

    @router.get("/api/answer", response_model=AnswerOut, responses=error_responses(422, 429, 503))
    async def api_answer(request: Request, q: Q, lang: LANG) -> JSONResponse:
        """The best answer passage, its confidence, whether the site would show it, and up to
        two alternatives."""
        rate.check(key(request))
        return JSONResponse(answers.answer(q, lang))

    return router


def mount_answers(app: FastAPI, collector: object) -> None:
    """Add the answer routes to the collector's app (its CORS, errors and site URL)."""
    manifest = getattr(collector, "manifest", None)

    def site_url() -> str:
        current = getattr(collector, "manifest", manifest)
        return getattr(current, "site_url", "") or ""

    def client(request: Request) -> str:
        address = request.client.host if request.client else None
        keyed = getattr(collector, "client_key", None)
        if keyed is None:
            return address or "-"
        return str(keyed(address, request.headers.get("x-kbgen-test-client")))

    settings = getattr(collector, "settings", None)
    app.include_router(
        answers_router(
            getattr(settings, "search_index", None),
            site_url=site_url,
            rate_per_minute=getattr(settings, "answer_rate", None),
            client_key=client,
        )
    )


def answers_app(index_dir: Path | str, *, rate_per_minute: int = DEFAULT_RATE) -> FastAPI:
    """The routes alone (benchmarks and tests of the answer logic)."""
    from kbgen.feedback.errors import error_payload

    app = FastAPI(title="kbgen answers")

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            error_payload(exc.status, exc.code, exc.message), exc.status, headers=exc.headers
        )

    app.include_router(answers_router(index_dir, rate_per_minute=rate_per_minute))
    return app
