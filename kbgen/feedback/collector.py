"""The collector's rules, independent of HTTP: which votes are accepted, how often, and what
is stored. :mod:`kbgen.feedback.app` maps these calls onto routes and pages.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import anyio

from kbgen.contact.settings import ContactSettings
from kbgen.feedback.errors import ApiError, RateLimited
from kbgen.feedback.event_store import EventSettings
from kbgen.feedback.keys import FormTokens, Keys
from kbgen.feedback.manifest import ArticleRef, Manifest, ManifestSource, origin_of
from kbgen.feedback.privacy import ClientHasher, redact_query
from kbgen.feedback.store import DEFAULT_DB_URL, NewVote, OverLimit, Store
from kbgen.feedback.writer import VoteWriter

log = logging.getLogger(__name__)

TEST_CLIENT_HEADER = "x-kbgen-test-client"
T = TypeVar("T")


@dataclass
class CollectorSettings:
    """What an operator can set (see docs/feedback.md, "Settings")."""

    db_url: str = DEFAULT_DB_URL
    site_dir: Path = Path("site")
    #: Extra browser origins allowed to POST (besides the manifest's ``site_url``).
    origins: tuple[str, ...] = ()
    #: Votes per article, language, client and UTC day (Kitsune allows 10 too).
    vote_limit: int = 10
    #: Zero-result queries per client and UTC day.
    zero_result_limit: int = 100
    #: Largest accepted request body in bytes.
    max_body: int = 8192
    #: How long after a "no" vote its follow-up is accepted.
    followup_window: dt.timedelta = field(default_factory=lambda: dt.timedelta(hours=24))
    #: Keys the client pseudonyms and signs the no-JS form (kbgen.feedback.keys); empty: a
    #: random key per process. Collector instances sharing a database need the same secret.
    secret: str = ""
    #: How long the no-JS confirm page's form stays valid.
    form_token_ttl: dt.timedelta = field(default_factory=lambda: dt.timedelta(hours=2))
    #: Contact requests (kbgen.contact): delivery channels, limits, retention.
    contact: ContactSettings = field(default_factory=ContactSettings)
    #: Test mode only: identify clients by the X-Kbgen-Test-Client header instead of their
    #: address, so a load test can simulate many clients. Never enable in production.
    test_client_header: bool = False
    #: Visit events for the self-service report (docs/analytics.md).
    events: EventSettings = field(default_factory=EventSettings)
    #: The search index ``kbgen build`` wrote. The answer routes read it (None: env
    #: ``KBGEN_SEARCH_INDEX``, else ``search_index``; kbgen/service) and contact requests get
    #: recommended articles from it (None: none).
    search_index: Path | None = None
    #: ``/api/search`` and ``/api/answer`` requests per client and minute (0: no limit);
    #: None: env ``KBGEN_ANSWER_RATE``, else 120.
    answer_rate: int | None = None


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def seconds_to_midnight(now: dt.datetime) -> int:
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time())
    return max(1, int((tomorrow - now).total_seconds()))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


@dataclass
class VoteResult:
    token: str
    article: ArticleRef
    helpful: bool


class Collector:
    def __init__(
        self,
        settings: CollectorSettings,
        store: Store,
        manifests: ManifestSource,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self.settings = settings
        self.store = store
        self.manifests = manifests
        self.clock = clock
        self.keys = Keys(settings.secret)
        self.form_tokens = FormTokens(self.keys, settings.form_token_ttl)
        self._hasher = ClientHasher(store, self.keys)
        self._writer = VoteWriter(store)
        # (day, pseudonym, scope) known to be over the limit: answered without a database
        # write, so a flood from one client costs little.
        self._blocked: set[tuple[dt.date, str, str]] = set()
        self._blocked_day: dt.date | None = None
        if settings.test_client_header:
            log.warning(
                "Test mode: clients are identified by the %s header. Never use this in "
                "production: anyone could bypass the rate limit.",
                TEST_CLIENT_HEADER,
            )

    async def run(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call a blocking store function from an endpoint without blocking the event loop.
        (Votes, the hot path, go through :class:`VoteWriter` instead.)"""
        return await anyio.to_thread.run_sync(functools.partial(func, *args, **kwargs))

    @property
    def manifest(self) -> Manifest:
        return self.manifests.get()

    def allowed_origins(self) -> set[str]:
        origins = {o for o in (origin_of(x) for x in self.settings.origins) if o}
        if self.manifest.origin:
            origins.add(self.manifest.origin)
        return origins

    def form_token(self, client: str, ref: ArticleRef, value: str) -> str:
        """The token the confirm page's form carries (see :class:`FormTokens`)."""
        return self.form_tokens.issue(self.clock(), client, ref.id, ref.lang, value)

    def check_form_token(
        self, token: str, client: str, article_id: str, lang: str, value: str
    ) -> None:
        problem = self.form_tokens.check(token, self.clock(), client, article_id, lang, value)
        if problem == "expired":
            raise ApiError(
                403, "form_expired", "The confirm page has expired; open the vote link again."
            )
        if problem:
            raise ApiError(
                403,
                "form_token_invalid",
                "This vote did not come from the collector's confirm page for this client.",
            )

    def article(self, article_id: str, lang: str) -> ArticleRef:
        ref = self.manifest.get(article_id, lang)
        if ref is None:
            raise ApiError(
                404,
                "unknown_article",
                f"No article with id {article_id!r} in language {lang!r} on this site.",
            )
        return ref

    def client_key(self, address: str | None, test_header: str | None) -> str:
        if self.settings.test_client_header and test_header:
            return "test:" + test_header
        return address or "unknown"

    def pseudonym(self, client: str, now: dt.datetime, scope: str) -> str:
        pseudonym = self._hasher.pseudonym(client, now.date())
        if self._blocked_day != now.date():
            self._blocked = set()
            self._blocked_day = now.date()
        if (now.date(), pseudonym, scope) in self._blocked:
            raise RateLimited(seconds_to_midnight(now))
        return pseudonym

    def over_limit(self, now: dt.datetime, pseudonym: str, scope: str) -> RateLimited:
        if len(self._blocked) < 100_000:  # bounded: a flood of fresh addresses cannot grow it
            self._blocked.add((now.date(), pseudonym, scope))
        return RateLimited(seconds_to_midnight(now))

    async def vote(
        self,
        *,
        article_id: str,
        lang: str,
        revision: str,
        value: str,
        channel: str,
        client: str,
        honeypot: str = "",
    ) -> VoteResult:
        """Record a vote; returns the token for a follow-up.

        A filled honeypot gets the same answer as a real vote (so a bot learns nothing) but
        nothing is stored.
        """
        ref = self.article(article_id, lang)
        helpful = value == "yes"
        token = secrets.token_urlsafe(18)
        if honeypot:
            log.debug("Honeypot filled on a vote for %s/%s: ignored", article_id, lang)
            return VoteResult(token=token, article=ref, helpful=helpful)
        now = self.clock()
        scope = f"vote:{article_id}:{lang}"
        pseudonym = self.pseudonym(client, now, scope)
        vote = NewVote(
            article_id=ref.id,
            lang=ref.lang,
            revision=revision,
            helpful=helpful,
            channel=channel,
            now=now,
            token_hash=_token_hash(token),
            client=pseudonym,
            limit=self.settings.vote_limit,
        )
        try:
            await self._writer.submit(vote)
        except OverLimit:
            raise self.over_limit(now, pseudonym, scope) from None
        return VoteResult(token=token, article=ref, helpful=helpful)

    def followup(self, *, token: str, reason: str, comment: str, honeypot: str = "") -> None:
        if honeypot:
            log.debug("Honeypot filled on a follow-up: ignored")
            return
        outcome = self.store.add_followup(
            token_hash=_token_hash(token),
            reason=reason,
            comment=comment,
            now=self.clock(),
            window=self.settings.followup_window,
        )
        errors = {
            "unknown": (404, "unknown_token", "No vote belongs to this token."),
            "not_allowed": (409, "followup_not_allowed", "Only a 'no' vote takes a follow-up."),
            "exists": (409, "followup_exists", "This vote already has a follow-up."),
            "expired": (410, "followup_expired", "The time for a follow-up to this vote is over."),
        }
        if outcome in errors:
            raise ApiError(*errors[outcome])

    def zero_result(self, *, query: str, lang: str, client: str, honeypot: str = "") -> None:
        if honeypot or not query:
            # An empty query (nothing left after removing control characters) is accepted,
            # as the API document says, but there is nothing to record.
            return
        if lang not in {ref.lang for ref in self.manifest.articles.values()}:
            raise ApiError(404, "unknown_language", f"This site has no language {lang!r}.")
        now = self.clock()
        scope = "zero-results"
        pseudonym = self.pseudonym(client, now, scope)
        try:
            self.store.add_zero_result(
                query=redact_query(query),
                lang=lang,
                now=now,
                client=pseudonym,
                limit=self.settings.zero_result_limit,
            )
        except OverLimit:
            raise self.over_limit(now, pseudonym, scope) from None
