"""The report: figures, fair ranking, trend window, formats, and escaping of what readers typed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from kbgen.feedback.errors import FeedbackError
from kbgen.feedback.manifest import load_manifest
from kbgen.feedback.report import build_report, parse_since, wilson_bounds
from kbgen.feedback.report_render import render, to_data
from kbgen.feedback.store import Store

NOW = dt.datetime(2026, 3, 10, 12, 0, 0)
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


def _votes(
    store: Store,
    article: str,
    yes: int,
    no: int,
    *,
    days_ago: int = 0,
    lang: str = "de",
    revision: str = "3f2a9c1b0d4e",
) -> None:
    when = NOW - dt.timedelta(days=days_ago)
    for i in range(yes + no):
        store.add_vote(
            article_id=article,
            lang=lang,
            revision=revision,
            helpful=i < yes,
            channel="js",
            now=when,
            token_hash=f"{article}-{lang}-{days_ago}-{i}",
            client=None,
            limit=0,
        )


@pytest.fixture
def filled(store: Store) -> Store:
    _votes(store, "paket-verfolgen", yes=2, no=0)  # two votes, all yes
    _votes(store, "ruecksendung", yes=0, no=1)  # one vote, unhelpful: weak evidence
    _votes(
        store, "rechnung", yes=10, no=30, days_ago=9, revision="0011aabbccdd"
    )  # mostly unhelpful
    _votes(store, "rechnung", yes=5, no=5, revision="old")
    _votes(store, "paket-verfolgen", yes=1, no=1, lang="en", days_ago=40)
    store.add_followup(
        token_hash="rechnung-de-9-10",
        reason="outdated",
        comment=HOSTILE,
        now=NOW,
        window=dt.timedelta(days=30),
    )
    store.add_followup(
        token_hash="rechnung-de-9-11",
        reason="missing",
        comment="",
        now=NOW,
        window=dt.timedelta(days=30),
    )
    for query, n in (("gutschein", 3), ("zoll <b>", 5), ("paypal", 1)):
        for _ in range(n):
            store.add_zero_result(query=query, lang="de", now=NOW, client=None, limit=0)
    return store


def test_wilson_bounds() -> None:
    assert wilson_bounds(0, 0) == (0.0, 1.0)
    lo, hi = wilson_bounds(8, 10)
    assert round(lo, 3) == 0.490 and round(hi, 3) == 0.943
    assert wilson_bounds(1, 1)[0] < wilson_bounds(80, 100)[0]


@pytest.mark.parametrize(
    ("text", "first_day"),
    [
        ("30d", dt.date(2026, 2, 9)),
        ("1d", dt.date(2026, 3, 10)),
        ("2w", dt.date(2026, 2, 25)),
        ("2026-01-31", dt.date(2026, 1, 31)),
        ("all", None),
    ],
)
def test_parse_since(text: str, first_day: dt.date | None) -> None:
    assert parse_since(text, NOW.date()) == first_day


@pytest.mark.parametrize("text", ["0d", "yesterday", "30 days", "-3d"])
def test_parse_since_rejects_with_a_hint(text: str) -> None:
    with pytest.raises(FeedbackError, match="--since"):
        parse_since(text, NOW.date())


def test_least_helpful_ranking_is_fair_to_few_votes(filled: Store, site_dir: Path) -> None:
    report = build_report(
        filled, load_manifest(site_dir), since=parse_since("30d", NOW.date()), now=NOW
    )
    ranked = [(a.id, a.lang) for a in report.least_helpful()]
    # 35 of 50 unhelpful outranks 1 of 1: the single vote is weak evidence.
    assert ranked == [("rechnung", "de"), ("ruecksendung", "de")]


def test_figures(filled: Store, site_dir: Path) -> None:
    report = build_report(
        filled, load_manifest(site_dir), since=parse_since("30d", NOW.date()), now=NOW
    )
    data = to_data(report)
    assert data["totals"] == {"yes": 17, "no": 36, "total": 53, "helpful_share": 0.3208}
    assert data["trend"]["last_7_days"]["total"] == 13  # today's votes
    assert data["trend"]["previous_7_days"]["total"] == 40  # nine days ago
    rechnung = next(a for a in data["articles"] if a["id"] == "rechnung")
    assert (rechnung["yes"], rechnung["no"], rechnung["least_helpful_rank"]) == (15, 35, 1)
    assert rechnung["current_revision"]["total"] == 40  # votes on the revision now online
    assert rechnung["reasons"]["outdated"] == 1 and rechnung["reasons"]["missing"] == 1
    assert data["reasons"]["outdated"] == 1
    assert [c["comment"] for c in data["comments"]] == [HOSTILE]  # empty comments left out
    assert [(z["query"], z["count"]) for z in data["zero_results"]] == [
        ("zoll <b>", 5),
        ("gutschein", 3),
        ("paypal", 1),
    ]
    english = next(a for a in data["articles"] if a["lang"] == "en")
    assert english["total"] == 0  # its votes are older than the window
    assert len(data["daily"]) == 30 and data["daily"][-1] == {
        "day": "2026-03-10",
        "yes": 7,
        "no": 6,
    }


def test_articles_no_longer_on_the_site_are_kept(filled: Store) -> None:
    _votes(filled, "geloescht", yes=0, no=2)
    data = to_data(build_report(filled, None, now=NOW))
    gone = next(a for a in data["articles"] if a["id"] == "geloescht")
    assert gone["title"] == "geloescht" and gone["on_site"] is False


def test_json_is_stable(filled: Store, site_dir: Path) -> None:
    manifest = load_manifest(site_dir)
    first = render(build_report(filled, manifest, now=NOW), "json")
    second = render(build_report(filled, manifest, now=NOW), "json")
    assert first == second
    data = json.loads(first)
    assert data["version"] == 1
    assert list(data) == [
        "version",
        "generated_at",
        "window",
        "site_url",
        "totals",
        "trend",
        "articles",
        "least_helpful",
        "reasons",
        "comments",
        "zero_results",
        "daily",
        "languages_side_by_side",  # paket-verfolgen has German and English votes
    ]


def test_csv_has_one_row_per_article(filled: Store, site_dir: Path) -> None:
    text = render(build_report(filled, load_manifest(site_dir), now=NOW), "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {(r["id"], r["lang"]) for r in rows} == {
        ("paket-verfolgen", "de"),
        ("paket-verfolgen", "en"),
        ("ruecksendung", "de"),
        ("rechnung", "de"),
    }
    rechnung = next(r for r in rows if r["id"] == "rechnung")
    assert rechnung["title"] == "Rechnung & Zahlung <Teil 1>" and rechnung["no"] == "35"


def test_html_is_self_contained_and_escapes_what_readers_typed(
    filled: Store, site_dir: Path
) -> None:
    html = render(build_report(filled, load_manifest(site_dir), now=NOW), "html")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "onerror=alert(1)&gt;" in html and "<img" not in html
    assert "zoll &lt;b&gt;" in html
    assert "Rechnung &amp; Zahlung &lt;Teil 1&gt;" in html
    # Nothing is loaded from anywhere: no external resources, only links to articles.
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html)
    assert not re.search(r"<[^>]*\bsrc=|url\(|@import", html)
    links = re.findall(r'href="([^"]*)"', html)
    assert links and all(link.startswith("https://help.example/") for link in links)
    assert html.count("<svg") >= 3


def test_empty_database_renders(store: Store, tmp_path: Path) -> None:
    for fmt in ("html", "csv", "json"):
        assert render(build_report(store, None, now=NOW), fmt)


def test_report_command_writes_each_format(filled: Store, site_dir: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kbgen.feedback.commands import feedback_group

    runner = CliRunner()
    for fmt in ("html", "csv", "json"):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(
            feedback_group,
            [
                "report",
                "--db",
                filled.url,
                "--since",
                "all",
                "--format",
                fmt,
                "-o",
                str(out),
                "--site-dir",
                str(site_dir),
            ],
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 100
    result = runner.invoke(
        feedback_group, ["report", "--db", filled.url, "--since", "all", "--format", "json"]
    )
    assert json.loads(result.stdout)["totals"]["total"] >= 53


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "soon"], "--since 'soon'"),
        (["--site-dir", "no-such-site"], "Site manifest not found"),
    ],
)
def test_report_command_errors_are_messages(
    args: list[str], message: str, store: Store, tmp_path: Path, monkeypatch: Any
) -> None:
    from click.testing import CliRunner

    from kbgen.feedback.commands import feedback_group

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(feedback_group, ["report", "--db", store.url, *args])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
