"""The `kbgen` command as writers and CI run it: exit codes, messages, never a traceback."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbgen.articles.frontmatter import split
from kbgen.articles.schema import ARTICLE_FIELDS
from kbgen.cli import cli

REPO = Path(__file__).resolve().parents[1]
GOOD = "---\ntitle: Wo ist mein Paket?\nid: paket\n---\n\nDie Sendungsnummer steht in der Mail.\n"
WARNING = "---\ntitle: Lieferzeit\n---\n\nSiehe [Kosten](kosten.md).\n"
ERROR = "---\ntitle: [kaputt\n---\n\nText.\n"


class Ran:
    """The outcome of a command run in-process, shaped like subprocess.CompletedProcess."""

    def __init__(self, result) -> None:
        # An exception escaping the command would reach the writer as a traceback.
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        self.returncode = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr


@pytest.fixture
def run(monkeypatch):
    """``run("check", cwd=project)``: the command in-process (fast); `kbgen` runs it for real."""

    def invoke(*args: str, cwd: Path) -> Ran:
        monkeypatch.chdir(cwd)
        return Ran(CliRunner().invoke(cli, list(args)))

    return invoke


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    assert "internal error" not in result.stderr, result.stderr


def log_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if re.match(r"^(WARNING|ERROR)\s+-  ", line)]


# -- help and version ---------------------------------------------------------------------------


def test_help_lists_the_commands(kbgen) -> None:
    result = kbgen("--help")
    assert result.returncode == 0
    commands = re.findall(r"^  (\w+)\s", result.stdout.split("Commands:")[1], re.M)
    assert {"build", "check", "new", "serve"} <= set(commands)
    assert kbgen("-h").stdout == result.stdout


def test_version(kbgen) -> None:
    result = kbgen("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"kbgen, version \d+\.\d+\.\d+\S*\n", result.stdout)


# -- kbgen check --------------------------------------------------------------------------------


def test_check_clean_exits_0(make_project, run) -> None:
    project = make_project({"versand/paket.md": GOOD})
    result = run("check", cwd=project.root)
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == "kbgen: 1 articles checked: 0 error(s), 0 warning(s)\n"


def test_check_warnings_exit_0_or_1_with_strict(make_project, run) -> None:
    project = make_project({"versand/lieferzeit.md": WARNING})
    line = "articles/versand/lieferzeit.md:5: warning: broken link 'kosten.md': no such article"
    result = run("check", cwd=project.root)
    assert result.returncode == 0
    assert result.stdout.startswith(line)
    strict = run("check", "--strict", cwd=project.root)
    assert strict.returncode == 1
    assert strict.stdout == result.stdout
    no_traceback(strict)


def test_check_errors_exit_1(make_project, kbgen) -> None:
    project = make_project({"versand/kaputt.md": ERROR, "versand/paket.md": GOOD})
    result = kbgen("check", cwd=project.root)
    assert result.returncode == 1
    assert result.stdout.startswith(
        "articles/versand/kaputt.md:2: error: malformed YAML front matter"
    )
    assert len(result.stdout.splitlines()) == 1
    no_traceback(result)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "-f", "gibt-es-nicht.yml"], "no configuration file 'gibt-es-nicht.yml'"),
        (["check", "--articles", "gibt-es-nicht"], "--articles 'gibt-es-nicht' is not a folder"),
        (["check", "--unbekannt"], "No such option '--unbekannt'"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["new", "Titel"], "Missing option '--category'"),
    ],
)
def test_usage_and_configuration_errors_exit_2(make_project, run, args, message) -> None:
    project = make_project({"versand/paket.md": GOOD})
    result = run(*args, cwd=project.root)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    no_traceback(result)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "site_name: x\ndocs_dir: articles\ntheme: {name: material}\nplugins: [search]\n",
            "the 'kbgen' plugin is not enabled",
        ),
        ("site_name: [x\n", "error parsing the configuration file"),
        (
            "site_name: x\ndocs_dir: articles\ntheme: {name: material}\nplugins:\n  - kbgen:\n"
            "      toc_min_headings: drei\n",
            "toc_min_headings",
        ),
        ("site_name: x\ndocs_dir: fehlt\ntheme: {name: material}\nplugins: [kbgen]\n", "fehlt"),
        (
            "site_name: x\ndocs_dir: articles\ntheme: {name: mkdocs}\nplugins: [kbgen]\n",
            "kbgen needs theme 'material'",
        ),
    ],
)
def test_broken_configuration_exits_2_with_the_reason(make_project, run, config, message) -> None:
    project = make_project({"versand/paket.md": GOOD})
    project.config.write_text(config, encoding="utf-8")
    result = run("check", cwd=project.root)
    assert result.returncode == 2
    assert message in result.stderr
    no_traceback(result)


def test_build_with_a_configuration_error_exits_2(make_project, run) -> None:
    project = make_project({"versand/paket.md": GOOD})
    project.config.write_text(
        "site_name: x\ndocs_dir: articles\ntheme: {name: mkdocs}\nplugins: [kbgen]\n",
        encoding="utf-8",
    )
    result = run("build", cwd=project.root)
    assert result.returncode == 2
    assert "kbgen needs theme 'material'" in result.stderr.splitlines()[-1]


def test_check_json_is_machine_readable(make_project) -> None:
    project = make_project({"versand/lieferzeit.md": WARNING, "versand/kaputt.md": ERROR})
    result = CliRunner().invoke(cli, ["check", "--json", "-f", str(project.config)])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert [(p["path"], p["line"], p["severity"]) for p in problems] == [
        ("articles/versand/kaputt.md", 2, "error"),
        ("articles/versand/lieferzeit.md", 5, "warning"),
    ]
    assert all(p["message"] and p["hint"] for p in problems)


def test_check_verbose_lists_info(make_project) -> None:
    project = make_project(
        {"a.md": "---\ntitle: a\nautor: Maria\nreview_by: 2020-01-01\n---\nText.\n"},
        extra_front_matter=["autor"],
    )
    quiet = CliRunner().invoke(cli, ["check", "-f", str(project.config)])
    assert quiet.exit_code == 0 and quiet.stdout == ""
    verbose = CliRunner().invoke(cli, ["check", "-v", "-f", str(project.config)])
    assert verbose.exit_code == 0
    assert verbose.stdout.splitlines() == [
        "articles/a.md:4: info: review was due on 2020-01-01 (check the article and set a new "
        "'review_by' date)",
    ]


# -- kbgen build --------------------------------------------------------------------------------


def test_build_writes_the_site_and_says_where(make_project, run) -> None:
    project = make_project({"versand/paket.md": GOOD})
    result = run("build", cwd=project.root)
    assert result.returncode == 0, result.stderr
    assert re.search(
        rf"kbgen: built 1 articles into {re.escape(str(project.site))} in [\d.]+ s", result.stderr
    )
    assert (project.site / "versand" / "paket" / "index.html").is_file()
    assert log_lines(result.stderr) == []


def test_build_other_articles_into_another_folder(make_project, run, tmp_path) -> None:
    project = make_project({"versand/paket.md": GOOD})
    other = tmp_path / "anderswo"
    (other / "garantie").mkdir(parents=True)
    (other / "garantie" / "defekt.md").write_text(GOOD.replace("paket", "defekt"), encoding="utf-8")
    out = tmp_path / "ausgabe"
    result = run("build", "--articles", str(other), "--site-dir", str(out), cwd=project.root)
    assert result.returncode == 0, result.stderr
    assert (out / "garantie" / "defekt" / "index.html").is_file()
    assert not (out / "versand").exists() and not project.site.exists()


def test_build_with_article_errors_exits_1_and_lists_them(make_project, kbgen) -> None:
    project = make_project({"versand/kaputt.md": ERROR, "versand/paket.md": GOOD})
    result = kbgen("build", cwd=project.root)
    assert result.returncode == 1
    no_traceback(result)
    assert log_lines(result.stderr)[0].startswith(
        "ERROR   -  articles/versand/kaputt.md:2: malformed YAML front matter"
    )
    assert not project.site.exists()


def test_failed_build_ends_with_what_failed(make_project, run) -> None:
    project = make_project({"versand/kaputt.md": ERROR})
    result = run("build", cwd=project.root)
    last = result.stderr.strip().splitlines()[-1]
    assert "1 article error" in last, last


def test_build_strict_fails_on_warnings(make_project, run) -> None:
    project = make_project({"versand/lieferzeit.md": WARNING})
    assert run("build", cwd=project.root).returncode == 0
    shutil.rmtree(project.site)
    strict = run("build", "--strict", cwd=project.root)
    assert strict.returncode == 1
    no_traceback(strict)
    assert not project.site.exists()


def test_rebuilding_is_quiet_and_strict_clean(make_project, run) -> None:
    project = make_project({"versand/paket.md": GOOD})
    assert run("build", "--strict", cwd=project.root).returncode == 0
    again = run("build", "--strict", cwd=project.root)
    assert log_lines(again.stderr) == []
    assert again.returncode == 0


def test_every_build_warning_is_located(make_project, run) -> None:
    project = make_project({"versand/lieferzeit.md": WARNING})
    result = run("build", cwd=project.root)
    for line in log_lines(result.stderr):
        assert re.match(r"^WARNING -  articles/\S+\.md:\d+: ", line), line


# -- kbgen new ----------------------------------------------------------------------------------


@pytest.fixture
def demo_copy(tmp_path: Path, demo_config) -> Path:
    """The demo help center copied, so `kbgen new` can write into it."""
    root = tmp_path / "demo"
    shutil.copytree(REPO / "articles", root / "articles")
    demo_config(root)
    return root


def test_new_writes_a_complete_draft_and_prints_its_path(demo_copy, run) -> None:
    ids_before = {
        split(p.read_text(encoding="utf-8")).meta.get("id")
        for p in (demo_copy / "articles").rglob("*.md")
    }
    result = run("new", "Wo ist mein Paket?", "--category", "versand", cwd=demo_copy)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.strip()
    assert printed == "articles/versand/wo-ist-mein-paket.md"
    meta = split((demo_copy / printed).read_text(encoding="utf-8")).meta
    # source_revision belongs to translations only (kbgen new --translate).
    assert list(meta) == [f.name for f in ARTICLE_FIELDS if f.name != "source_revision"]
    assert meta["title"] == "Wo ist mein Paket?" and meta["draft"] is True
    assert meta["id"] not in ids_before
    again = run("new", "Wo ist mein Paket?", "--category", "articles/versand", cwd=demo_copy)
    assert again.stdout.strip() == "articles/versand/wo-ist-mein-paket-2.md"
    check = run("check", cwd=demo_copy)
    # The demo's only findings are its deliberate translation status (one outdated, one
    # missing translation); the new drafts add none.
    assert check.returncode == 0 and "wo-ist-mein-paket" not in check.stdout, check.stdout
    assert len(check.stdout.splitlines()) == 2, check.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["", "--category", "versand"], "the title is empty"),
        (["Titel", "--category", "../../etc"], "outside the articles folder"),
    ],
)
def test_new_refuses_bad_input_without_traceback(demo_copy, run, args, message) -> None:
    result = run("new", *args, cwd=demo_copy)
    assert result.returncode != 0
    assert message in result.stderr
    no_traceback(result)
    assert result.stdout == ""


def test_unexpected_errors_are_one_line_unless_verbose(make_project, kbgen) -> None:
    project = make_project({"versand/paket.md": GOOD})
    result = kbgen("build", "--site-dir", "/proc/kbgen-site", cwd=project.root)  # unwritable
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "kbgen-site" in result.stderr.strip().splitlines()[-1]
    verbose = kbgen("build", "-v", "--site-dir", "/proc/kbgen-site", cwd=project.root)
    assert verbose.returncode != 0


# -- commands that read the project's configuration ------------------------------------------


@pytest.fixture
def indexed_project(make_project, run):
    """A built project whose index and site live where its mkdocs.yml says (not the defaults)."""
    project = make_project({"versand/paket.md": GOOD})
    text = project.config.read_text(encoding="utf-8")
    text = text.replace("search: {enabled: false}", "search: {index_dir: suchindex}")
    project.config.write_text(text + "site_dir: ausgabe\n", encoding="utf-8")
    assert run("build", cwd=project.root).returncode == 0
    assert (project.root / "suchindex").is_dir() and (project.root / "ausgabe").is_dir()
    return project


def test_search_reads_the_configured_index(indexed_project, kbgen, tmp_path) -> None:
    result = kbgen("search", "Sendungsnummer", "--json", cwd=indexed_project.root)
    assert result.returncode == 0, result.stderr
    assert [hit["id"] for hit in json.loads(result.stdout)] == ["paket"]
    elsewhere = kbgen("search", "Paket", "--json", "-f", str(indexed_project.config), cwd=tmp_path)
    assert [hit["id"] for hit in json.loads(elsewhere.stdout)] == ["paket"]
    override = kbgen("search", "Paket", "--index", str(tmp_path / "leer"), cwd=tmp_path)
    assert override.returncode != 0  # --index still wins over the configuration
    no_traceback(override)


def test_feedback_serve_reads_the_configured_site(indexed_project, monkeypatch) -> None:
    import uvicorn

    from kbgen import cli as cli_module
    from kbgen.feedback import app as feedback_app

    served = []
    create = feedback_app.create_app
    monkeypatch.setattr(feedback_app, "create_app", lambda s: served.append(s) or create(s))
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    cli_module._register_optional_commands()
    monkeypatch.chdir(indexed_project.root)
    db = f"sqlite:///{indexed_project.root / 'votes.sqlite3'}"
    result = CliRunner().invoke(cli, ["feedback", "serve", "--db", db])
    assert result.exit_code == 0, result.output
    assert served[0].site_dir == indexed_project.root / "ausgabe"
    other = indexed_project.root / "anderswo"
    shutil.copytree(indexed_project.root / "ausgabe", other)
    result = CliRunner().invoke(cli, ["feedback", "serve", "--db", db, "--site-dir", str(other)])
    assert result.exit_code == 0, result.output
    assert served[1].site_dir == other
