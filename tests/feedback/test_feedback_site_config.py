"""The site's configuration as the collector needs it: `kbgen build` says when votes would
silently fall back to the confirm page."""

from __future__ import annotations

from click.testing import CliRunner

from kbgen.cli import cli

ARTICLE = {"a.md": "---\ntitle: Wo ist mein Paket?\n---\n\nIn der Versandbestätigung.\n"}
WARNING = "feedback.collector_url is set but site_url is not"


def test_collector_without_site_url_is_a_warning(make_project) -> None:
    project = make_project(ARTICLE, feedback={"collector_url": "https://feedback.example"})
    result = CliRunner().invoke(cli, ["build", "--strict", "-f", str(project.config)])
    assert result.exit_code == 1
    assert f"mkdocs.yml: {WARNING}" in result.output


def test_collector_with_site_url_builds_cleanly(make_project) -> None:
    project = make_project(
        ARTICLE,
        feedback={"collector_url": "https://feedback.example"},
        site_url="https://help.example/",
    )
    result = CliRunner().invoke(cli, ["build", "--strict", "-f", str(project.config)])
    assert result.exit_code == 0, result.output
    assert WARNING not in result.output
