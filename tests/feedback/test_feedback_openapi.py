"""Schemathesis drives the collector from its own OpenAPI document: whatever it sends, the
collector never answers with a server error and its answers match what the document says."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from conftest import write_manifest
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from kbgen.feedback.app import create_app
from kbgen.feedback.collector import CollectorSettings

# Built at import: schemathesis parametrizes from a schema object, and its fixture-based
# loader does not work with this pytest version.
_work = Path(tempfile.mkdtemp(prefix="kbgen-openapi-"))
write_manifest(_work / "site")
_app = create_app(
    CollectorSettings(db_url=f"sqlite:///{_work / 'feedback.sqlite3'}", site_dir=_work / "site")
)
schema = schemathesis.openapi.from_asgi("/openapi.json", _app)
# A body over the size limit is refused with 413 before it is even parsed.
_rejection = schema.config.checks.negative_data_rejection
_rejection.expected_statuses = [*_rejection.expected_statuses, "413"]
# ... also when it is schema-valid: a batch of events may be valid item by item and too large.
_acceptance = schema.config.checks.positive_data_acceptance
_acceptance.expected_statuses = [*_acceptance.expected_statuses, "413"]


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_openapi_contract(case: Any) -> None:
    excluded = []
    if case.operation.method.upper() == "POST" and case.operation.path == "/followup":
        # The page's form accepts up to 1,200 characters because browsers submit a line
        # break as CRLF but count it as one against maxlength=600; the 600-character limit
        # applies after CRLF -> LF, which OpenAPI cannot express.
        excluded.append(positive_data_acceptance)
    case.call_and_validate(excluded_checks=excluded)
