"""Incremental builds: only what changed is rendered, and the site equals a fresh build's."""

from __future__ import annotations

import filecmp
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


def _project(folder: Path, demo_config: Callable[[Path], Path]) -> Path:
    folder.mkdir()
    shutil.copytree(REPO / "articles", folder / "articles")
    config = demo_config(folder)
    # The copy's docs_dir is relative to the copied mkdocs.yml, so the articles beside it count.
    return config


def _differences(a: Path, b: Path) -> list[str]:
    found: list[str] = []

    def walk(cmp: filecmp.dircmp) -> None:
        found.extend(f"only in one: {n}" for n in cmp.left_only + cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        found.extend(mismatch + errors)
        for sub in cmp.subdirs.values():
            walk(sub)

    walk(filecmp.dircmp(a, b))
    return found


def _report(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def edited(tmp_path: Path, kbgen: Callable[..., Any], demo_config: Callable[[Path], Path]):
    config = _project(tmp_path / "p", demo_config)
    first = kbgen(
        "build", "-f", str(config), "--report", str(tmp_path / "r1.json"), cwd=config.parent
    )
    assert first.returncode == 0, first.stderr
    article = config.parent / "articles" / "versand" / "lieferzeit.md"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nAb sofort liefern wir auch samstags.\n",
        encoding="utf-8",
    )
    second = kbgen(
        "build", "-f", str(config), "--report", str(tmp_path / "r2.json"), cwd=config.parent
    )
    assert second.returncode == 0, second.stderr
    return config, tmp_path


def test_a_rebuild_after_one_edit_renders_only_the_pages_that_show_it(edited) -> None:
    _, tmp = edited
    first, second = _report(tmp / "r1.json"), _report(tmp / "r2.json")
    total = first["timings"]["pages_to_build"]
    # The edited article, plus pages whose related lists or listings show it.
    assert 1 <= second["timings"]["pages_to_build"] < total / 2
    page = (tmp / "p" / "site" / "versand" / "lieferzeit" / "index.html").read_text("utf-8")
    assert "samstags" in page


def test_an_incremental_build_equals_a_fresh_build(
    edited, kbgen: Callable[..., Any], demo_config: Callable[[Path], Path]
) -> None:
    config, tmp = edited
    fresh = _project(tmp / "fresh", demo_config)
    shutil.rmtree(fresh.parent / "articles")
    shutil.copytree(config.parent / "articles", fresh.parent / "articles")
    result = kbgen("build", "-f", str(fresh), cwd=fresh.parent)
    assert result.returncode == 0, result.stderr
    # Pages, sitemap, manifest and the search shards with their float scores, byte for byte.
    assert _differences(config.parent / "site", fresh.parent / "site") == []
