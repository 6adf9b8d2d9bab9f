"""Nothing a writer or operator can set or run goes undocumented: the README names every
front-matter field, every plugin option and every command (like datasette's docs tests)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from mkdocs.config import base
from mkdocs.config import config_options as c

from kbgen.articles.schema import ARTICLE_FIELDS, FOLDER_FIELDS
from kbgen.site.config import KbgenConfig

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="module")
def readme() -> str:
    assert README.is_file(), "README.md is missing"
    return README.read_text(encoding="utf-8")


def plugin_options(config: type[base.Config], prefix: str = "") -> Iterator[str]:
    """Dotted names of every option, through sub-configurations: ``contact.email``."""
    for name, option in config._schema:
        while isinstance(option, c.Optional):
            option = option.option
        if isinstance(option, c.SubConfig):
            yield from plugin_options(option.config_class, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}"


def commands(group: click.Group, prefix: str = "kbgen") -> Iterator[str]:
    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        yield f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix} {name}")


def all_commands() -> list[str]:
    from kbgen import cli

    cli._register_optional_commands()
    return list(commands(cli.cli))


@pytest.mark.parametrize("name", [f.name for f in ARTICLE_FIELDS])
def test_every_article_field_is_documented(readme: str, name: str) -> None:
    assert f"`{name}`" in readme, f"front-matter field '{name}' is not in README.md"


@pytest.mark.parametrize("name", [f.name for f in FOLDER_FIELDS])
def test_every_folder_field_is_documented(readme: str, name: str) -> None:
    section = readme.split("_meta.yml", 1)[-1]
    assert f"`{name}`" in section, f"_meta.yml field '{name}' is not in README.md"


@pytest.mark.parametrize("name", list(plugin_options(KbgenConfig)))
def test_every_plugin_option_is_documented(readme: str, name: str) -> None:
    assert f"`{name}`" in readme, f"plugin option '{name}' is not in README.md"


def test_plugin_options_are_found() -> None:
    # Guards the walk above: it must see nested options, or the test above proves nothing.
    names = set(plugin_options(KbgenConfig))
    assert {"language", "contact.email", "search.synonyms", "feedback.collector_url"} <= names


def test_every_listed_command_is_documented(readme: str, kbgen) -> None:
    listing = kbgen("--help").stdout.split("Commands:", 1)[1]
    listed = re.findall(r"^  (\S+)", listing, re.M)
    assert {"build", "check", "new", "serve"} <= set(listed)
    missing = [name for name in listed if f"kbgen {name}" not in readme]
    assert missing == [], f"commands missing from README.md: {missing}"


@pytest.mark.parametrize("command", all_commands())
def test_every_command_and_subcommand_is_documented(readme: str, command: str) -> None:
    assert command in readme, f"'{command}' is not in README.md"
