"""Schemathesis drives the collector from its own OpenAPI document, with every check: whatever
it sends, the collector never answers with a server error, accepts what the document allows,
refuses what it does not, and its answers match what the document says.

Reproducible by default (derandomized: the same examples on every run). For a long randomized
search set ``KBGEN_LONG_PROPERTY_TESTS=1`` (optionally ``KBGEN_PROPERTY_EXAMPLES=N``; see
README, "Tests")."""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from conftest import ARTICLES, write_manifest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from kbgen.contact.settings import ContactSettings
from kbgen.feedback.app import create_app
from kbgen.feedback.collector import CollectorSettings
from kbgen.service.testing import build_answer_index

LONG = os.environ.get("KBGEN_LONG_PROPERTY_TESTS") == "1"
EXAMPLES = int(os.environ.get("KBGEN_PROPERTY_EXAMPLES", "1000" if LONG else "60"))
CLIENT = {"x-kbgen-test-client": "schemathesis"}

# Built at import: schemathesis parametrizes from a schema object, and its fixture-based
# loader does not work with this pytest version.
_work = Path(tempfile.mkdtemp(prefix="kbgen-openapi-"))
write_manifest(_work / "site")
# The answer routes (kbgen/service/answers.py) answer from a search index: give them one.
os.environ["KBGEN_SEARCH_INDEX"] = str(build_answer_index(_work / "search_index"))
os.environ["KBGEN_ANSWER_RATE"] = "0"
_app = create_app(
    CollectorSettings(
        db_url=f"sqlite:///{_work / 'feedback.sqlite3'}",
        site_dir=_work / "site",
        # Limits would turn the success paths into 429 after a few examples.
        vote_limit=1_000_000,
        zero_result_limit=1_000_000,
        test_client_header=True,
        # A channel, so contact requests are accepted. Nothing listens there: the outbox
        # worker's attempts fail and wait (30 s, doubling) without touching the answers.
        contact=ContactSettings(webhook_url="http://127.0.0.1:9/hook", limit=1_000_000),
    )
)
_client = TestClient(_app)
schema = schemathesis.openapi.from_asgi("/openapi.json", _app)
# A body over the size limit is refused with 413 before it is even parsed.
_rejection = schema.config.checks.negative_data_rejection
_rejection.expected_statuses = [*_rejection.expected_statuses, "413"]
# ... also when it is schema-valid: a batch of events may be valid item by item and too large.
_acceptance = schema.config.checks.positive_data_acceptance
_acceptance.expected_statuses = [*_acceptance.expected_statuses, "413"]

#: Statuses seen per operation, for the test that the success paths were reached.
SEEN: dict[str, set[int]] = defaultdict(set)


def _fresh_vote_token() -> str:
    response = _client.post(
        "/api/votes", json={"article": "paket-verfolgen", "lang": "de", "value": "no"}
    )
    return response.json()["token"]


def _use_real_ids(case: Any) -> None:
    """Schema-valid cases get ids the site has and tokens the collector issued, so they reach
    the success paths instead of ending as 404 (random ids match no article)."""
    meta = getattr(case, "_meta", None)
    if meta is None or meta.generation.mode.name != "POSITIVE":
        return
    article = ARTICLES[len(str(case.body or case.query)) % len(ARTICLES)]
    for fields in (case.body, case.query):
        if not isinstance(fields, dict):
            continue
        if "article" in fields:
            fields["article"], fields["lang"] = article["id"], article["lang"]
        elif "lang" in fields:
            fields["lang"] = article["lang"]
        if "token" in fields:
            fields["token"] = _fresh_vote_token()
        if "form_token" in fields and "article" not in fields:  # the contact form
            collector = _app.state.collector
            fields["form_token"] = collector.form_tokens.issue(
                collector.clock(), "test:schemathesis", "contact"
            )
        elif "form_token" in fields:
            collector = _app.state.collector
            ref = collector.article(fields["article"], fields["lang"])
            fields["form_token"] = collector.form_token(
                "test:schemathesis", ref, str(fields.get("value"))
            )


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=not LONG,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_openapi_contract(case: Any) -> None:
    _use_real_ids(case)
    case.headers = {**(case.headers or {}), **CLIENT}
    response = case.call_and_validate()
    SEEN[f"{case.operation.method.upper()} {case.operation.path}"].add(response.status_code)


def test_the_contract_run_reached_every_success_path() -> None:
    if not SEEN:
        pytest.skip("run together with test_openapi_contract (same module)")
    missing = [op for op, statuses in SEEN.items() if not any(200 <= s < 300 for s in statuses)]
    assert not missing, f"never answered 2xx: {missing} (seen: {dict(SEEN)})"
    documented = {
        f"{method.upper()} {path}"
        for path, item in _app.openapi()["paths"].items()
        for method in item
    }
    assert set(SEEN) == documented, dict(SEEN)
