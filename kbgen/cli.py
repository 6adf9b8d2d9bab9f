"""The `kbgen` command: thin click commands over the library (options → config → one call)."""

from __future__ import annotations

import importlib
import json
import logging
import sys
from pathlib import Path

import click

from kbgen import __version__
from kbgen.exceptions import BuildError, KbgenError
from kbgen.settings import ConfigReader, Settings

CONFIG_OPTION = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False),
    default="mkdocs.yml",
    show_default=True,
    help="The project's MkDocs configuration.",
)
ARTICLES_OPTION = click.option(
    "--articles",
    type=click.Path(file_okay=False),
    default=None,
    help="Build this folder of Markdown instead of the configured docs_dir.",
)


def _verbose_option(func):
    return click.option("-v", "--verbose", is_flag=True, help="Show details and tracebacks.")(func)


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    for name in ("mkdocs", "kbgen"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.DEBUG if verbose else logging.INFO)
        logger.propagate = False
    if not verbose:
        # MkDocs' own chatter (which file it is reading) is noise for writers.
        logging.getLogger("mkdocs.commands").setLevel(logging.WARNING)
        logging.getLogger("mkdocs.structure").setLevel(logging.WARNING)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kbgen")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """kbgen: Markdown FAQ articles → a fast, private, mobile-first help center."""
    ctx.obj = ConfigReader(_read_settings)


def _read_settings(config_file: Path) -> Settings:
    from kbgen.site import runner

    return runner.settings(runner.load_config(config_file))


@cli.command()
@CONFIG_OPTION
@ARTICLES_OPTION
@click.option(
    "--site-dir", type=click.Path(file_okay=False), default=None, help="Write the site here."
)
@click.option("--strict", is_flag=True, help="Fail on warnings too (for CI).")
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write a machine-readable build report (JSON) here, also when the build fails.",
)
@_verbose_option
def build(
    config_file: str,
    articles: str | None,
    site_dir: str | None,
    strict: bool,
    report_file: str | None,
    verbose: bool,
) -> None:
    """Check the articles and build the help center.

    Exit status: 0 built, 1 article errors (or warnings with --strict) or a failed build,
    2 usage or configuration errors. The previous site stays untouched when a build fails.
    """
    from kbgen.build import BuildRecord
    from kbgen.report import build_report
    from kbgen.site import runner

    _setup_logging(verbose)
    config = runner.load_config(config_file, articles=articles, site_dir=site_dir, strict=strict)
    record = BuildRecord(Path(config.site_dir))
    try:
        runner.build(config, record)
    except KbgenError as exc:
        if report_file:
            _write_json(report_file, build_report(record, exc.format_message()))
        raise
    if report_file:
        _write_json(report_file, build_report(record, None))
    assert record.catalog is not None and record.seconds is not None
    click.echo(
        f"kbgen: built {len(record.catalog.published)} articles into {record.site_dir} "
        f"in {record.seconds:.1f} s",
        err=True,
    )


def _write_json(path: str, data: dict) -> None:
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@cli.command()
@CONFIG_OPTION
@ARTICLES_OPTION
@click.option(
    "-a",
    "--dev-addr",
    default=None,
    metavar="IP:PORT",
    help="Address to serve on (default 127.0.0.1:8000).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the help center in a browser.")
@_verbose_option
def serve(
    config_file: str, articles: str | None, dev_addr: str | None, open_browser: bool, verbose: bool
) -> None:
    """Preview the help center on localhost, rebuilding when an article changes."""
    from kbgen.site import runner

    _setup_logging(verbose)
    runner.serve(config_file, articles=articles, dev_addr=dev_addr, open_browser=open_browser)


@cli.command()
@CONFIG_OPTION
@ARTICLES_OPTION
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as a JSON list.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object with the problems and the translation status (for CI).",
)
@_verbose_option
def check(
    config_file: str,
    articles: str | None,
    strict: bool,
    as_json: bool,
    output_format: str,
    verbose: bool,
) -> None:
    """Report every problem in the articles as path:line: message, and with several languages
    the missing and outdated translations.

    Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage or configuration errors.
    """
    from kbgen.articles import Severity
    from kbgen.report import problem_record
    from kbgen.site import runner
    from kbgen.translations import MISSING, summary

    _setup_logging(verbose)
    logging.getLogger("mkdocs").setLevel(logging.WARNING if not verbose else logging.DEBUG)
    catalog = runner.check(runner.load_config(config_file, articles=articles))
    shown = [p for p in sorted(catalog.problems) if verbose or p.severity is not Severity.INFO]
    if output_format == "json":
        data = {
            "problems": [problem_record(p) for p in shown],
            "translations": [t.record() for t in catalog.translations],
            "translation_counts": summary(catalog.translations),
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif as_json:
        click.echo(json.dumps([problem_record(p) for p in shown], ensure_ascii=False, indent=2))
    else:
        for problem in shown:
            click.echo(problem.format())
        for item in catalog.translations:
            if item.state == MISSING:
                click.echo(f"{item.source}: translation missing: {item.lang}")
    errors, warnings = len(catalog.problems.errors), len(catalog.problems.warnings)
    translated = ""
    if catalog.translations:
        counts = summary(catalog.translations)
        translated = (
            f"; translations: {counts['missing']} missing, {counts['outdated']} outdated, "
            f"{counts['current'] + counts['untracked']} up to date"
        )
    click.echo(
        f"kbgen: {len(catalog.articles)} articles checked: "
        f"{errors} error(s), {warnings} warning(s){translated}",
        err=True,
    )
    if errors or (strict and warnings):
        sys.exit(1)


@cli.command()
@click.argument("title", required=False)
@click.option("--category", help="Folder of the article, e.g. versand or articles/versand.")
@click.option(
    "--translate",
    "translate_id",
    metavar="ID",
    help="Start a translation of the article with this id (in --lang) instead.",
)
@click.option("--lang", help="With --translate: the language to translate into, e.g. en.")
@CONFIG_OPTION
@ARTICLES_OPTION
def new(
    title: str | None,
    category: str | None,
    translate_id: str | None,
    lang: str | None,
    config_file: str,
    articles: str | None,
) -> None:
    """Write a new article with complete front matter; prints its path.

    `kbgen new "Titel" --category versand` starts an article; `kbgen new --translate ID --lang
    en` starts its translation (same id, the source's text and revision)."""
    from kbgen.articles import LoadOptions, load
    from kbgen.articles.new import create
    from kbgen.exceptions import UsageError
    from kbgen.site import runner

    config = runner.load_config(config_file, articles=articles)
    settings = runner.settings(config)
    if translate_id:
        from kbgen.articles.translate import create_translation

        others = settings.languages[1:]
        if lang not in others:
            raise UsageError(
                f"--lang must be one of the site's other languages ({', '.join(others) or 'none'}"
                "; set 'languages' in mkdocs.yml)"
            )
        source = load(
            settings.docs_dir, LoadOptions(default_lang=settings.lang, exclude=tuple(others))
        )
        path = create_translation(source, translate_id, settings.docs_dir / lang, lang)
    else:
        if title is None:
            raise UsageError('Missing argument TITLE: kbgen new "Titel" --category versand')
        if category is None:
            raise UsageError(
                "Missing option '--category' (the article's folder, e.g. --category versand)"
            )
        catalog = load(settings.docs_dir, LoadOptions(default_lang=settings.lang))
        path = create(catalog, title, category, lang=settings.lang)
    try:
        shown = path.relative_to(Path.cwd())
    except ValueError:
        shown = path
    click.echo(str(shown))


OPTIONAL_COMMANDS = (
    ("search", "kbgen.search.command", "search_command"),
    ("answer", "kbgen.search.command", "answer_command"),
    ("feedback", "kbgen.feedback.commands", "feedback_group"),
    # The collector grew into the API service of every channel; the old name keeps working.
    ("serve-api", "kbgen.feedback.commands", "serve"),
)


def _register_optional_commands() -> None:
    """Search and feedback bring their own command modules (and dependencies). They are part
    of kbgen, so an ImportError means a broken install: the command stays listed and says
    what is missing instead of vanishing."""
    for name, module, attr in OPTIONAL_COMMANDS:
        try:
            command = getattr(importlib.import_module(module), attr)
        except ImportError as exc:
            command = _unavailable(name, exc)
        cli.add_command(command, name)


def _unavailable(name: str, exc: ImportError) -> click.Command:
    missing = exc.name or str(exc)

    @click.command(
        name,
        help=f"Unavailable: cannot import {missing} (broken installation).",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
    )
    def command() -> None:
        raise BuildError(
            f"`kbgen {name}` is unavailable: cannot import {missing!r} ({exc}). Hint: the "
            "installation is incomplete; reinstall kbgen with its dependencies "
            "(pip install --force-reinstall kbgen, or pip install -e . in a checkout)."
        )

    return command


def main() -> None:
    verbose = any(arg in ("-v", "--verbose") for arg in sys.argv[1:])
    try:
        _register_optional_commands()
        code = cli.main(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except KbgenError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        if verbose:
            raise
        click.echo(
            f"kbgen: internal error: {type(exc).__name__}: {exc} (run with -v for details)",
            err=True,
        )
        sys.exit(1)
