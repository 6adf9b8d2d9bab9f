"""The machine-readable build report (`kbgen build --report FILE`) and the one JSON shape of
an article problem (also `kbgen check --json`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kbgen.articles import Problem, Severity
from kbgen.build import BuildRecord
from kbgen.translations import summary


def problem_record(problem: Problem) -> dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line,
        "severity": problem.severity.value,
        "message": problem.message,
        "hint": problem.hint,
    }


def build_report(record: BuildRecord, error: str | None) -> dict[str, Any]:
    catalog = record.catalog
    problems = list(catalog.problems) if catalog else []
    data: dict[str, Any] = {
        "version": 1,
        "ok": error is None,
        "error": error,
        "articles": {
            "total": len(catalog.articles) if catalog else 0,
            "published": len(catalog.published) if catalog else 0,
            "drafts": sum(1 for a in catalog.articles if a.draft) if catalog else 0,
        },
        "counts": {s.value: sum(1 for p in problems if p.severity is s) for s in Severity},
        "problems": [problem_record(p) for p in sorted(problems)],
        "translations": [t.record() for t in catalog.translations] if catalog else [],
        "translation_counts": summary(catalog.translations) if catalog else summary([]),
        "timings": {k: round(v, 3) for k, v in record.timings.items()},
        "site_dir": str(record.site_dir),
    }
    if record.seconds is not None:
        data["timings"]["total"] = round(record.seconds, 3)
        data["sizes"] = _sizes(record.site_dir)
    return data


def _sizes(site: Path) -> dict[str, Any]:
    total = pages = 0
    largest = ("", 0)
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        if path.suffix == ".html":
            pages += 1
            if size > largest[1]:
                largest = (path.relative_to(site).as_posix(), size)
    return {
        "site_bytes": total,
        "html_pages": pages,
        "largest_page": {"path": largest[0], "bytes": largest[1]},
    }
