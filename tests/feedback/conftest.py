"""Fixtures for the feedback loop: a small built site (only its manifest), stores on SQLite
and, when KBGEN_TEST_POSTGRES_URL is set, PostgreSQL, and a collector app with a clock the
tests can move."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kbgen.feedback import contract, schema
from kbgen.feedback.app import create_app
from kbgen.feedback.collector import CollectorSettings
from kbgen.feedback.store import Store

PG_ENV = "KBGEN_TEST_POSTGRES_URL"
SITE_URL = "https://help.example/"
ARTICLES = [
    {
        "id": "paket-verfolgen",
        "lang": "de",
        "title": "Wo ist mein Paket?",
        "url": "versand/paket-verfolgen/",
        "revision": "3f2a9c1b0d4e",
    },
    {
        "id": "paket-verfolgen",
        "lang": "en",
        "title": "Where is my parcel?",
        "url": "en/versand/paket-verfolgen/",
        "revision": "3f2a9c1b0d4e",
    },
    {
        "id": "ruecksendung",
        "lang": "de",
        "title": "Ware zurücksenden",
        "url": "ruecksendung/ruecksendung/",
        "revision": "a1b2c3d4e5f6",
    },
    {
        "id": "rechnung",
        "lang": "de",
        "title": "Rechnung & Zahlung <Teil 1>",
        "url": "zahlung/rechnung/",
        "revision": "0011aabbccdd",
    },
]


def write_manifest(
    site_dir: Path, site_url: str = SITE_URL, articles: list[dict[str, str]] | None = None
) -> Path:
    path = site_dir / "assets" / "kbgen" / "articles.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    manifest = {
        "version": 1,
        "site_url": site_url,
        "lang": "de",
        "articles": ARTICLES if articles is None else articles,
    }
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return path


class Clock:
    """A settable UTC clock (naive, like the store's timestamps)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    write_manifest(site)
    return site


def _postgres_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}=postgresql+psycopg://USER:PW@HOST/DB")
    return url


def _reset_postgres(url: str) -> None:
    store = Store(url, auto_migrate=False)
    with store.engine.begin() as conn:
        schema.metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS kbgen_salts")  # schema version 1
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each back-end in turn; PostgreSQL tables are dropped before and after each test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
        return
    url = _postgres_url()
    _reset_postgres(url)
    yield url
    _reset_postgres(url)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 3, 10, 12, 0, 0))


@pytest.fixture
def make_client(store: Store, site_dir: Path, clock: Clock) -> Iterator[Any]:
    """``make_client(**settings)`` → a TestClient for a collector on the test store."""
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        settings = CollectorSettings(db_url=store.url, site_dir=site_dir, **overrides)
        client = TestClient(create_app(settings, store=store, clock=clock))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Any) -> TestClient:
    return make_client()


def vote(
    client: TestClient,
    value: str = "no",
    article: str = "paket-verfolgen",
    lang: str = "de",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Any:
    body = {"article": article, "lang": lang, "rev": "3f2a9c1b0d4e", "value": value, **extra}
    return client.post("/api/votes", json=body, headers=headers)


def confirm_form(
    client: TestClient,
    value: str = "yes",
    article: str = "paket-verfolgen",
    lang: str = "de",
    headers: dict[str, str] | None = None,
) -> dict[str, str]:
    """The hidden fields of the no-JS confirm page's form, as a browser would post them."""
    page = client.get(
        "/vote", params={"article": article, "lang": lang, "value": value}, headers=headers
    )
    assert page.status_code == 200, page.text
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.text))


@pytest.fixture
def cast() -> Any:
    return vote


THEME_DIR = Path(__file__).resolve().parents[2] / "theme"


def render_partial(
    *,
    lang: str = "de",
    collector: str = "https://feedback.example",
    email: str = "hilfe@shop.example",
    article: dict[str, str] | None = None,
    enabled: bool = True,
    contact: dict[str, str] | None = None,
) -> str:
    """The partial as the lead's site layer renders it: MkDocs' theme environment does not
    autoescape, and ``kb`` carries the merged strings of the language."""
    from jinja2 import Environment, FileSystemLoader

    from kbgen.locale import strings

    env = Environment(loader=FileSystemLoader(str(THEME_DIR)))
    kb = {
        "lang": lang,
        "t": strings(lang),
        "article": article
        if article is not None
        else {
            "id": "paket-verfolgen",
            "lang": lang,
            "revision": "3f2a9c1b0d4e",
            "title": "Wo ist mein Paket?",
            "url": "versand/paket-verfolgen/",
        },
        "feedback": {
            "enabled": enabled,
            "collector_url": collector,
            "zero_results_url": "",
            **contract.widget(collector),
        },
        "contact": {
            "email": email,
            "phone": "",
            "hours": "",
            "chat_url": "",
            "form_url": "",
            **(contact or {}),
        },
    }
    return env.get_template("partials/kbgen-feedback.html").render(kb=kb, base_url=".")
