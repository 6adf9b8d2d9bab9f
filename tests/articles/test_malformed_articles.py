"""What `kbgen check` tells a writer about each malformed input in tests/data/articles/.

One data file (or one folder, for cross-file cases) per case. Each case asserts the exact located
lines ``path:line: severity: message`` (followed by ``(hint)``), the exit status, that nothing
else is reported and that no traceback reaches the writer.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbgen.cli import cli

DATA = Path(__file__).resolve().parents[1] / "data" / "articles"
SUMMARY = re.compile(r"^kbgen: \d+ articles checked: (\d+) error\(s\), (\d+) warning\(s\)$")

# case → (exit status of `kbgen check`, lines printed without -v, extra lines printed with -v)
CASES: dict[str, tuple[int, list[str], list[str]]] = {
    "malformed_yaml.md": (
        1,
        [
            "articles/malformed_yaml.md:2: error: malformed YAML front matter: "
            "mapping values are not allowed in this context",
        ],
        [],
    ),
    "unclosed_quote.md": (
        1,
        [
            # Where the quote was opened, not the end of the front matter where YAML noticed it.
            "articles/unclosed_quote.md:3: error: malformed YAML front matter: "
            "found unexpected end of stream while scanning a quoted scalar",
        ],
        [],
    ),
    "unclosed_front_matter.md": (
        1,
        [
            "articles/unclosed_front_matter.md:1: error: "
            "front matter starts with '---' but is never closed",
        ],
        [],
    ),
    "missing_title.md": (1, ["articles/missing_title.md:1: error: missing title"], []),
    "title_from_h1.md": (0, [], []),
    "invalid_date.md": (
        1,
        [
            "articles/invalid_date.md:3: error: "
            "'updated': expected a date as YYYY-MM-DD, got '2026-13-45'",
        ],
        [],
    ),
    "invalid_date_format.md": (
        1,
        [
            "articles/invalid_date_format.md:4: error: 'review_by': expected a date as YYYY-MM-DD, "
            "got '25.11.2026'",
        ],
        [],
    ),
    "unknown_related.md": (
        0,
        [
            "articles/unknown_related.md:4: warning: related id 'lieferziet' matches no article",
        ],
        [],
    ),
    "broken_link.md": (
        0,
        [
            "articles/broken_link.md:7: warning: broken link 'versandkosten.md': no such article",
        ],
        [],
    ),
    "broken_anchor.md": (
        0,
        [
            "articles/broken_anchor.md:11: warning: broken anchor '#abholung-in-der-filiale' "
            "in link '#abholung-in-der-filiale'",
        ],
        [],
    ),
    "empty_article.md": (1, ["articles/empty_article.md:5: error: article has no content"], []),
    "invalid_utf8.md": (
        1,
        [
            "articles/invalid_utf8.md:5: error: invalid UTF-8 at byte offset 32 (byte 0xfc)",
        ],
        [],
    ),
    "bom_crlf.md": (0, [], []),
    "unknown_keys.md": (
        0,
        [
            "articles/unknown_keys.md:3: warning: "
            "unknown front-matter key 'author' (kept, not used)",
            "articles/unknown_keys.md:4: warning: "
            "unknown front-matter key 'exl-id' (kept, not used)",
        ],
        [],
    ),
    # A typo must not silently publish a draft: a warning (so --strict fails) that suggests.
    "typo_key.md": (
        0,
        [
            "articles/typo_key.md:3: warning: "
            "unknown front-matter key 'darft': did you mean 'draft'?"
        ],
        [],
    ),
    "duplicate_key.md": (
        0,
        [
            "articles/duplicate_key.md:4: warning: front-matter key 'title' is given twice "
            "(lines 2 and 4); the last value is used",
        ],
        [],
    ),
    "control_characters.md": (
        0,
        [
            "articles/control_characters.md:7: warning: 3 control character(s) in the text "
            "(U+0000 NUL, U+001B ESC, U+007F DEL); removed from the page",
        ],
        [],
    ),
    # Thousands of levels used to pass check, then stop the build with an unlocated
    # "internal error: RecursionError".
    "deep_list.md": (
        1,
        [
            "articles/deep_list.md:7: error: the page cannot be rendered: lists, quotes or "
            "indented blocks nested 3000 levels deep (at most 50)",
        ],
        [],
    ),
    "deep_quote.md": (
        1,
        [
            "articles/deep_quote.md:7: error: the page cannot be rendered: lists, quotes or "
            "indented blocks nested 3000 levels deep (at most 50)",
        ],
        [],
    ),
    "deep_indent.md": (
        1,
        [
            "articles/deep_indent.md:57: error: the page cannot be rendered: lists, quotes or "
            "indented blocks nested 51 levels deep (at most 50)",
        ],
        [],
    ),
    "wrong_types.md": (
        1,
        [
            "articles/wrong_types.md:3: error: 'keywords': expected a list of text, got a mapping",
            "articles/wrong_types.md:5: error: 'promoted': expected true or false, got 'yes'",
            "articles/wrong_types.md:6: error: 'order': expected a whole number, got 'zwei'",
        ],
        [],
    ),
    "bad_id.md": (
        0,
        [
            "articles/bad_id.md:3: warning: id 'versand/Wo ist mein Paket' should contain only "
            "letters, digits, '.', '_' or '-'; published as 'versand-Wo-ist-mein-Paket'",
        ],
        [],
    ),
    "script_title.md": (0, [], []),  # text, not markup: rendered escaped (test_plugin_build)
    "duplicate_id": (
        0,
        [
            "articles/duplicate_id/duplicate_id_b.md:4: warning: "
            "duplicate id 'paket' (language 'de'), "
            "also used by articles/duplicate_id/duplicate_id_a.md; "
            "this article is published as 'duplicate_id-duplicate_id_b'",
        ],
        [],
    ),
}

TAB_CASE = (
    1,
    [
        # The tab is on line 3; line 2 ("title: …") is fine.
        "articles/tab_indented.md:3: error: malformed YAML front matter: "
        "found a tab character that violates indentation while scanning a plain scalar",
    ],
    [],
)


def matches(line: str, expected: str) -> bool:
    """The line is the expected ``path:line: severity: message``, optionally with ``(hint)``."""
    return line == expected or (line.startswith(expected + " (") and line.endswith(")"))


def assert_lines(printed: list[str], expected: list[str]) -> None:
    assert len(printed) == len(expected), "\n".join(["printed:", *printed, "expected:", *expected])
    for line, want in zip(printed, expected, strict=True):
        assert matches(line, want), f"\n  printed:  {line}\n  expected: {want}"


def install(make_project, case: str):
    project = make_project()
    source = DATA / case
    if source.is_dir():
        shutil.copytree(source, project.articles / case)
    else:
        shutil.copy2(source, project.articles / case)
    return project


def check(project, *args: str):
    result = CliRunner().invoke(cli, ["check", "-f", str(project.config), *args])
    # An uncaught exception would be a traceback for the writer.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def run_case(make_project, case: str, expected: tuple[int, list[str], list[str]]) -> None:
    status, lines, verbose_lines = expected
    project = install(make_project, case)
    result = check(project)
    assert result.exit_code == status, result.output
    assert_lines(result.stdout.splitlines(), lines)
    # Nothing on stderr but the summary, whose counts agree with what was printed.
    stderr = result.stderr.splitlines()
    assert len(stderr) == 1, result.stderr
    summary = SUMMARY.match(stderr[0])
    assert summary, stderr[0]
    assert int(summary.group(1)) == sum(": error: " in line for line in lines)
    assert int(summary.group(2)) == sum(": warning: " in line for line in lines)
    assert "Traceback" not in result.output

    verbose = check(project, "-v")
    assert verbose.exit_code == status
    assert_lines(verbose.stdout.splitlines(), sorted(lines + verbose_lines, key=_location))


def _location(line: str) -> tuple[str, int]:
    path, number, _ = line.split(":", 2)
    return (path, int(number) if number.isdigit() else 0)


@pytest.mark.parametrize("case", sorted(CASES))
def test_case(make_project, case: str) -> None:
    run_case(make_project, case, CASES[case])


def test_tab_indented_is_located_at_the_tab(make_project) -> None:
    run_case(make_project, "tab_indented.md", TAB_CASE)


def test_every_case_has_a_data_file() -> None:
    on_disk = {p.name for p in DATA.iterdir()}
    assert on_disk == set(CASES) | {"tab_indented.md"}


def test_invalid_utf8_data_file_really_is_invalid() -> None:
    # Guards the data file against an editor or a checkout "repairing" it.
    data = (DATA / "invalid_utf8.md").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    bom_crlf = (DATA / "bom_crlf.md").read_bytes()
    assert bom_crlf.startswith(b"\xef\xbb\xbf---\r\n")


def test_oversized_article_is_an_error_without_reading_it(make_project) -> None:
    project = make_project()
    body = ("Eine sehr lange Zeile aus einem Export. " * 25 + "\n") * 600  # ~600 KB
    project.write("oversized.md", "---\ntitle: Export\n---\n\n" + body)
    size_kb = (project.articles / "oversized.md").stat().st_size // 1024
    result = check(project)
    assert result.exit_code == 1
    assert_lines(
        result.stdout.splitlines(),
        [f"articles/oversized.md: error: file is {size_kb} KB, more than the limit of 512 KB"],
    )


def test_oversized_limit_is_configurable(make_project) -> None:
    project = make_project(max_file_kb=1024)
    project.write("oversized.md", "---\ntitle: Export\n---\n\n" + "Text. " * 100_000)
    result = check(project)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""


@pytest.mark.parametrize(
    "case", [c for c, (status, lines, _) in sorted(CASES.items()) if status == 0 and lines]
)
def test_strict_fails_on_warnings(make_project, case: str) -> None:
    project = install(make_project, case)
    assert check(project).exit_code == 0
    assert check(project, "--strict").exit_code == 1


def test_errors_say_what_to_do(make_project) -> None:
    """Every error either carries a hint or says what was expected instead."""
    project = make_project()
    for case, (status, _, _) in CASES.items():
        if status == 1:
            shutil.copy2(DATA / case, project.articles / case)
    result = check(project)
    for line in result.stdout.splitlines():
        hinted = line.endswith(")") and " (" in line
        assert hinted or ": expected " in line, f"nothing for the writer to act on: {line}"


def test_whole_folder_with_the_real_command(make_project, kbgen) -> None:
    """All cases in one folder, through the installed `kbgen` executable: every problem at
    once, in file order, and no traceback."""
    project = make_project()
    expected: list[str] = []
    for case, (_, lines, _) in CASES.items():
        source = DATA / case
        if source.is_dir():
            shutil.copytree(source, project.articles / case)
        else:
            shutil.copy2(source, project.articles / case)
        expected += lines
    result = kbgen("check", "-f", str(project.config))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert_lines(result.stdout.splitlines(), sorted(expected, key=_location))
    assert (
        result.stderr.splitlines()
        == [line for line in result.stderr.splitlines() if SUMMARY.match(line)]
        and len(result.stderr.splitlines()) == 1
    ), result.stderr


def test_accepted_cases_build_and_show_their_titles_as_text(make_project) -> None:
    """The cases `kbgen check` accepts are published, and their titles are text, not markup."""
    project = make_project()
    for case in ("title_from_h1.md", "bom_crlf.md", "unknown_keys.md", "script_title.md"):
        shutil.copy2(DATA / case, project.articles / case)
    project.build()
    titles = {
        "title_from_h1": "Wie ändere ich meine Lieferadresse?",
        "bom_crlf": "Rücksendung mit Windows-Zeilenenden",
        "unknown_keys": "Wo ist mein Paket?",
        "script_title": "<script>alert(1)</script> & Co.",
    }
    for stem, title in titles.items():
        doc = project.html(f"{stem}/")
        assert [h.text for h in doc.find_all("h1")] == [title], stem
        assert doc.one("title").text == f"{title} – Testhilfe", stem
    doc = project.html("script_title/")
    assert "<script>alert(1)" not in doc.source  # type: ignore[attr-defined]
    assert "<img src=x" not in doc.source  # type: ignore[attr-defined]
    assert doc.one("meta", name="description").attrs["content"] == (
        '<img src=x onerror=alert(2)> – Beschreibung mit "Anführungszeichen"'
    )
    (json_ld,) = doc.find_all("script", type="application/ld+json")
    assert json.loads(json_ld.raw_text)["mainEntity"][0]["name"] == titles["script_title"]


def test_declared_extra_keys_are_kept_silently(make_project) -> None:
    project = make_project(extra_front_matter=["author", "exl-id"])
    shutil.copy2(DATA / "unknown_keys.md", project.articles / "unknown_keys.md")
    result = check(project, "--strict", "-v")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


@pytest.mark.parametrize("case", ["deep_list.md", "deep_quote.md", "deep_indent.md"])
def test_build_stops_with_the_same_located_error_as_check(make_project, case: str) -> None:
    project = install(make_project, case)
    result = CliRunner().invoke(cli, ["build", "-f", str(project.config)])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "RecursionError" not in result.output
    assert CASES[case][1][0].replace(" error:", "", 1) in result.output


def test_nesting_at_the_limit_renders(make_project) -> None:
    """The limit is safe: 50 levels of every kind build (the renderer fails near 400)."""
    from kbgen.articles.body import MAX_NESTING

    indented = "".join("    " * i + f"- Ebene {i}\n" for i in range(MAX_NESTING))
    project = make_project(
        {
            "inline.md": "---\ntitle: Inline\n---\n\n" + "- " * MAX_NESTING + "unten\n",
            "quote.md": "---\ntitle: Zitat\n---\n\n" + "> " * MAX_NESTING + "unten\n",
            "indented.md": "---\ntitle: Eingerückt\n---\n\n" + indented,
            "emphasis.md": "---\ntitle: Betont\n---\n\n" + "*" * 50 + "x" + "*" * 50 + "\n",
        }
    )
    assert check(project, "--strict").exit_code == 0
    project.build()
    assert "unten" in project.html("quote/").source  # type: ignore[attr-defined]


def test_control_characters_never_reach_the_page(make_project) -> None:
    import re as _re

    project = install(make_project, "control_characters.md")
    project.build()
    page = (project.site / "control_characters" / "index.html").read_text("utf-8")
    assert "gilt einmal." in page.replace("[31m", "")
    assert not _re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", page)
