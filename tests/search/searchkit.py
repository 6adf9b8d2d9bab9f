"""Helpers for the search tests: the eval FAQ as SearchDocs and a Node runner.

A plain module (not conftest) so test files can import it by name.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kbgen.search import SearchDoc, SearchSettings, export_static, update_index

SHARED = Path(__file__).resolve().parents[3] / "shared"
if not SHARED.is_dir():  # the repo may sit elsewhere; CI has shared/ beside the clone
    SHARED = Path("/work/shared")
EVAL = SHARED / "eval" / "covid-faq-dev"
DRIVER = Path(__file__).with_name("driver.mjs")
NODE = shutil.which("node")

needs_node = pytest.mark.skipif(NODE is None, reason="node (Node.js 20) is not installed")
needs_eval = pytest.mark.skipif(not EVAL.is_dir(), reason=f"eval data missing: {EVAL}")


def faq_docs() -> list[SearchDoc]:
    docs = []
    for line in (EVAL / "faq.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        category = entry.get("category") or ""
        docs.append(
            SearchDoc(
                id=entry["id"],
                lang=entry["lang"],
                title=entry["question"],
                url=f"{entry['lang']}/{entry['id']}/",
                keywords=[],
                category=category,
                category_slug=category.lower().replace(" ", "-").replace(",", ""),
                section="",
                body=entry["answer"],
            )
        )
    return docs


def run_node(cmd: str, *args: str | Path, requests: object, tmp_path: Path) -> list:
    req = tmp_path / f"node-{cmd}.json"
    req.write_text(json.dumps(requests, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run(
        [NODE, str(DRIVER), cmd, *map(str, args), str(req)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="session")
def faq_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[SearchSettings, Path]:
    """The dev FAQ indexed and exported once per test session."""
    if not EVAL.is_dir():
        pytest.skip(f"eval data missing: {EVAL}")
    root = tmp_path_factory.mktemp("faq")
    settings = SearchSettings(
        index_dir=root / "index",
        synonyms=[["Corona", "COVID-19", "SARS-CoV-2"], ["Impfung", "Impfstoff", "Vakzin"]],
    )
    update_index(faq_docs(), settings)
    export_static(settings, root / "search")
    return settings, root / "search"
