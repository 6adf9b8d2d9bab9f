"""``kbgen search QUERY``: ask the on-disk index from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kbgen.search.engine import search
from kbgen.search.model import SearchError
from kbgen.settings import project_settings

DEFAULT_INDEX = "search_index"


@click.command("search")
@click.argument("query")
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON list of {id, title, url, score}."
)
@click.option(
    "--limit",
    default=10,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Number of results.",
)
@click.option(
    "-f",
    "--config-file",
    default="mkdocs.yml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The project's configuration: its search.index_dir is searched.",
)
@click.option(
    "--index",
    "index_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Search this index folder instead of the configured one "
    "(default without a configuration: search_index).",
)
@click.option("--lang", default=None, help="Only articles in this language (e.g. de).")
def search_command(
    query: str,
    as_json: bool,
    limit: int,
    config_file: Path,
    index_dir: Path | None,
    lang: str | None,
) -> None:
    """Search the help center's index the way the site's search box does."""
    if index_dir is None:
        settings = project_settings(config_file)
        index_dir = settings.search.index_dir if settings else Path(DEFAULT_INDEX)
    try:
        hits = search(index_dir, query, limit=limit, lang=lang)
    except SearchError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(
            json.dumps(
                [{"id": h.id, "title": h.title, "url": h.url, "score": h.score} for h in hits],
                ensure_ascii=False,
            )
        )
        return
    if not hits:
        click.echo(f"No results for {query!r}.")
        return
    for rank, hit in enumerate(hits, 1):
        click.echo(f"{rank:>2}. {hit.title}  [{hit.lang}] {hit.url}  ({hit.score:.3f})")
