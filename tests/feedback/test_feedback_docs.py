"""docs/feedback.md is the operator's reference: a command option or an error code that is
not documented there fails this test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kbgen.feedback.commands import feedback_group
from kbgen.feedback.errors import STATUS_CODES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "feedback.md").read_text(encoding="utf-8")
SOURCES = Path(__file__).resolve().parents[2] / "kbgen" / "feedback"


@pytest.mark.parametrize("command", ["serve", "report"])
def test_every_option_is_documented(command: str) -> None:
    for param in feedback_group.commands[command].params:
        for opt in param.opts:
            assert f"`{opt}`" in DOC, f"{command} {opt} is not documented in docs/feedback.md"


def test_every_error_code_is_documented() -> None:
    raised = set()
    for path in SOURCES.glob("*.py"):
        raised |= set(re.findall(r'ApiError\(\s*\d{3},\s*"([a-z_]+)"', path.read_text()))
        raised |= set(re.findall(r'\(\d{3}, "([a-z_]+)", "', path.read_text()))
    codes = raised | {"rate_limited", "payload_too_large", "origin_not_allowed"}
    codes |= {STATUS_CODES[s] for s in (400, 404, 405, 422, 500, 503)}
    assert "unknown_article" in codes and "followup_expired" in codes
    for code in codes:
        assert f"`{code}`" in DOC, f"error code {code} is not documented in docs/feedback.md"
