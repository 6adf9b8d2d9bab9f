"""`kbgen search`: readable output, JSON for scripts, actionable errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from test_parity import demo_docs

from kbgen.search import SearchSettings, update_index
from kbgen.search.command import search_command


def test_text_and_json_output(tmp_path: Path) -> None:
    update_index(demo_docs(), SearchSettings(index_dir=tmp_path / "index"))
    runner = CliRunner()
    result = runner.invoke(search_command, ["Paket", "--index", str(tmp_path / "index")])
    assert result.exit_code == 0 and "Wo ist mein Paket?" in result.output
    result = runner.invoke(
        search_command,
        ["Paket", "--json", "--limit", "1", "--lang", "de", "--index", str(tmp_path / "index")],
    )
    data = json.loads(result.output)
    assert [d["id"] for d in data] == ["paket-verfolgen"]
    result = runner.invoke(search_command, ["xyzzy", "--index", str(tmp_path / "index")])
    assert result.exit_code == 0 and "No results" in result.output


def test_missing_index_is_an_actionable_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(search_command, ["Paket", "--index", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "run `kbgen build` first" in result.output
    assert "Traceback" not in result.output
