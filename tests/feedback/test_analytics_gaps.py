"""Content gaps against the demo help center's real search index: the closest existing
article, its category in the ready-made ``kbgen new`` line, and the line safe to paste."""

from __future__ import annotations

import datetime as dt
import shlex
from typing import Any

from kbgen.feedback.analytics import analyse
from kbgen.feedback.gaps import content_gaps
from kbgen.feedback.manifest import load_manifest

TODAY = dt.date(2026, 3, 10)


def _failed_searches(*queries: str) -> Any:
    """One visit per query: searched (with as many results as it is long), nothing opened."""
    rows = [
        (f"visit{i:016d}", "search", "de", 0, None, q, len(q) % 3, None, TODAY)
        for i, q in enumerate(queries)
    ]
    return analyse(rows, today=TODAY, since=None)


def test_gaps_name_the_closest_article_and_its_category(demo_build: Any) -> None:
    assert demo_build.result.returncode == 0, demo_build.result.stderr
    analytics = _failed_searches(
        "sendung verfolgen", "sendung verfolgen", "sendung verfolgen", "ratenkau", "xqzvwjj"
    )
    gaps = content_gaps(
        analytics,
        index_dir=demo_build.project / "search_index",
        manifest=load_manifest(demo_build.site),
    )
    by_query = {g.query.query: g for g in gaps}
    assert [g.query.query for g in gaps][0] == "sendung verfolgen"  # failed most often
    assert by_query["sendung verfolgen"].query.failed == 3
    tracking = by_query["sendung verfolgen"]
    assert tracking.closest is not None and tracking.closest.category == "versand"
    assert tracking.command == "kbgen new 'Sendung verfolgen' --category versand"
    # Completing the last word as a prefix, as the search box does, still finds the article.
    assert by_query["ratenkau"].closest is not None
    assert by_query["ratenkau"].closest.id == "ratenkauf"
    nothing = by_query["xqzvwjj"]
    assert nothing.closest is None
    assert nothing.category  # the category of an article on the site, never empty
    assert shlex.split(nothing.command)[:2] == ["kbgen", "new"]


def test_the_command_line_quotes_what_customers_typed() -> None:
    typed = "geht's $(rm -rf ~) `id`; echo"
    gap = content_gaps(_failed_searches(typed))[0]
    assert shlex.split(gap.command) == [
        "kbgen",
        "new",
        typed[:1].upper() + typed[1:],
        "--category",
        ".",
    ]
