"""One error hierarchy: every error a person can act on is a KbgenError, and a broken
installation says what is missing instead of hiding a command."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from kbgen import cli as cli_module
from kbgen.exceptions import KbgenError
from kbgen.search import SearchError


def test_search_errors_are_kbgen_errors() -> None:
    assert issubclass(SearchError, KbgenError)
    error = SearchError("no search index in search_index; run `kbgen build` first")
    assert error.exit_code == 1 and "kbgen build" in error.format_message()


@pytest.mark.parametrize(
    ("name", "module"),
    [("feedback", "kbgen.feedback.commands"), ("search", "kbgen.search.command")],
)
def test_a_broken_install_says_what_is_missing(monkeypatch, name: str, module: str) -> None:
    # As if a dependency of the command's module could not be imported.
    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.delitem(cli_module.cli.commands, name, raising=False)
    monkeypatch.setattr(cli_module.cli, "commands", dict(cli_module.cli.commands))
    cli_module._register_optional_commands()
    listing = CliRunner().invoke(cli_module.cli, ["--help"])
    assert name in listing.output and "Unavailable" in listing.output
    result = CliRunner().invoke(cli_module.cli, [name, "serve", "--port", "1"])
    assert result.exit_code == 1
    assert f"`kbgen {name}` is unavailable: cannot import '{module}'" in result.output
    assert "reinstall" in result.output and "Traceback" not in result.output
