"""UI strings: one table per language, stored as one YAML file per area (site, search, feedback)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources

import yaml

FALLBACK = "en"


@cache
def strings(lang: str) -> dict[str, str]:
    """The merged strings table for ``lang``, falling back to English for missing keys."""
    table: dict[str, str] = {}
    if lang != FALLBACK:
        table.update(strings(FALLBACK))
    folder = resources.files(__package__) / lang
    if folder.is_dir():
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".yml"):
                table.update(
                    {
                        str(k): str(v)
                        for k, v in (yaml.safe_load(entry.read_text("utf-8")) or {}).items()
                    }
                )
    return table


def available(lang: str) -> bool:
    return (resources.files(__package__) / lang).is_dir()


def format_date(date: dt.date, lang: str) -> str:
    """'14. Oktober 2026' in German, 'October 14, 2026' in English."""
    table = strings(lang)
    months = table.get("months", "").split(",")
    month = months[date.month - 1].strip() if len(months) == 12 else f"{date.month:02d}"
    pattern = table.get("date_format", "{month} {day}, {year}")
    return pattern.format(day=date.day, month=month, year=date.year)
