"""``kbgen search QUERY``: ask the on-disk index from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kbgen.search.engine import Engine
from kbgen.search.indexer import saved_settings
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
@click.option("--exact", is_flag=True, help="Search the words as typed, without correcting typos.")
def search_command(
    query: str,
    as_json: bool,
    limit: int,
    config_file: Path,
    index_dir: Path | None,
    lang: str | None,
    exact: bool,
) -> None:
    """Search the help center's index the way the site's search box does.

    A word the help center does not know is corrected to the closest known word, as on the
    site; the output then says which words were searched (on stderr with --json)."""
    if index_dir is None:
        settings = project_settings(config_file)
        index_dir = settings.search.index_dir if settings else Path(DEFAULT_INDEX)
    try:
        with Engine(index_dir, saved_settings(index_dir)) as engine:
            result = engine.query(query, limit=limit, lang=lang, exact=exact)
    except SearchError as exc:
        raise click.ClickException(str(exc)) from exc
    hits = result.hits
    if result.corrected:
        click.echo(
            f"Results for {result.corrected!r} (search {query!r} instead: --exact)",
            err=as_json,
        )
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


@click.command("answer")
@click.argument("question")
@click.option("--lang", default=None, help="Language of the question (default: the only one).")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option(
    "-f",
    "--config-file",
    default="mkdocs.yml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The project's configuration: its search.index_dir and site_url are used.",
)
@click.option(
    "--index",
    "index_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Answer from this index folder instead of the configured one "
    "(default without a configuration: search_index).",
)
@click.option("--base-url", default=None, help="Site URL for absolute links (default: site_url).")
def answer_command(
    question: str,
    lang: str | None,
    as_json: bool,
    config_file: Path,
    index_dir: Path | None,
    base_url: str | None,
) -> None:
    """Answer a question with the best passage of the help center, as the site's instant
    answer would (confidence, and whether the site shows it)."""
    from kbgen.search.answers import Answerer

    settings = project_settings(config_file)
    if index_dir is None:
        index_dir = settings.search.index_dir if settings else Path(DEFAULT_INDEX)
    if base_url is None:
        base_url = settings.site_url if settings else ""

    try:
        with Answerer(index_dir) as answerer:
            langs = sorted(answerer.engine.langs)
            code = lang or (langs[0] if len(langs) == 1 else None)
            if code is None:
                raise click.UsageError(f"give --lang, one of {', '.join(langs)}")
            found = answerer.answer(question, code)
    except SearchError as exc:
        raise click.ClickException(
            f"{exc} (answers need the passage index; run `kbgen build` with this kbgen)"
        ) from exc
    base = base_url.rstrip("/") + "/" if base_url else ""
    if as_json:
        click.echo(
            json.dumps(
                {
                    "query": question,
                    "lang": code,
                    "confidence": found.confidence,
                    "shown": found.shown,
                    "answer": found.best.as_json(base) if found.best else None,
                    "alternatives": [p.as_json(base) for p in found.alternatives],
                    "corrected": found.corrected,
                },
                ensure_ascii=False,
            )
        )
        return
    if found.best is None:
        click.echo(f"No answer for {question!r}.")
        return
    verdict = "shown" if found.shown else "not sure enough to show"
    click.echo(f"{found.best.heading}  ({found.best.article_title})")
    click.echo(found.best.text)
    click.echo(f"→ {base}{found.best.url}")
    click.echo(f"confidence {found.confidence:.2f} ({verdict})")
    for alt in found.alternatives:
        click.echo(f"  also: {alt.heading} → {base}{alt.url}")
