"""The feedback report with several languages: each article's translations side by side."""

from __future__ import annotations

import json

from test_feedback_report import NOW, _votes

from kbgen.feedback.report import build_report
from kbgen.feedback.report_render import render
from kbgen.feedback.store import Store


def test_translations_are_shown_side_by_side(store: Store) -> None:
    _votes(store, "paket-verfolgen", yes=9, no=1)
    _votes(store, "paket-verfolgen", yes=1, no=4, lang="en")  # a translation that fails
    _votes(store, "ruecksendung", yes=2, no=0)  # German only
    report = build_report(store, now=NOW)
    (row,) = report.side_by_side()
    assert {lang: a.votes.total for lang, a in row.items()} == {"de": 10, "en": 5}
    data = json.loads(render(report, "json"))
    (entry,) = data["languages_side_by_side"]
    assert entry["id"] == "paket-verfolgen"
    assert entry["de"]["helpful_share"] == 0.9 and entry["en"]["helpful_share"] == 0.2
    html = render(report, "html")
    section = html.split("<h2>Helpfulness per language</h2>")[1].split("<h2>")[0]
    assert 'data-label="de">90' in section and 'data-label="en">20' in section


def test_one_language_has_no_side_by_side(store: Store) -> None:
    _votes(store, "paket-verfolgen", yes=1, no=1)
    report = build_report(store, now=NOW)
    assert report.side_by_side() == []
    assert "Helpfulness per language" not in render(report, "html")
