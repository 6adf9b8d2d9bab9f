"""The browser client (search.js in Node) ranks exactly like kbgen.search.search()."""

# ruff: noqa: F401, F811 - the faq_site fixture is imported from searchkit, then requested by name

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from searchkit import EVAL, faq_site, needs_eval, needs_node, run_node

from kbgen.search import Engine, SearchDoc, SearchSettings, export_static, update_index
from kbgen.search.analysis import tokenize
from kbgen.search.command import search_command

DATA = Path(__file__).with_name("data")
HOSTILE = [
    "",
    "   ",
    "die der und",
    "the and of",
    "a" * 1000,
    " ".join(["Paket"] * 300),
    ".*+?^${}()|[]\\/",
    "(((((",
    "\" ' ` < > &",
    "<script>alert(1)</script>",
    "🙂🙂 Paket 🚚",
    "Пакет 包裹 Paket",
    "\u0000\u200b\ufeff",
    "zurück-\nschicken\t",
]


def demo_docs() -> list[SearchDoc]:
    return [SearchDoc(**d) for d in json.loads((DATA / "demo_shop.json").read_text("utf-8"))]


def _python(engine: Engine, requests: list[dict]) -> list[list[tuple[str, str, float]]]:
    out = []
    for r in requests:
        opts = r.get("opts", {})
        hits = engine.search(
            r["query"],
            limit=opts.get("limit", 10),
            lang=opts.get("lang"),
            prefix=opts.get("prefix", False),
            category=opts.get("category"),
        )
        out.append([(h.id, h.lang, h.score) for h in hits])
    return out


def _assert_same(requests: list[dict], py: list, js: list) -> None:
    mismatches = []
    for req, expected, got in zip(requests, py, js, strict=True):
        assert not isinstance(got, dict), f"JS threw for {req!r}: {got}"
        got_t = [(h["id"], h["lang"], h["score"]) for h in got]
        if got_t != expected:
            mismatches.append((req, expected[:3], got_t[:3]))
    assert not mismatches, f"{len(mismatches)} of {len(requests)} differ, e.g. {mismatches[:3]}"


def _faq_requests() -> list[dict]:
    queries = [
        json.loads(line) for line in (EVAL / "queries.jsonl").read_text("utf-8").splitlines()
    ]
    reqs: list[dict] = []
    rng = random.Random(3)
    for q in queries:
        reqs.append({"query": q["query"], "opts": {"lang": q["lang"], "limit": 10}})
        words = tokenize(q["query"])
        if words:  # the same question while its last word is being typed
            cut = q["query"].rfind(words[-1]) + max(2, len(words[-1]) // 2)
            reqs.append({"query": q["query"][:cut], "opts": {"lang": q["lang"], "prefix": True}})
        if rng.random() < 0.1:
            reqs.append({"query": q["query"], "opts": {"limit": 20}})  # all languages
    reqs.append({"query": "Kinder Schule", "opts": {"lang": "de", "category": "children"}})
    reqs.append({"query": "children school", "opts": {"category": "children", "limit": 50}})
    return reqs


@needs_node
@needs_eval
def test_browser_ranks_every_dev_query_like_whoosh(faq_site, tmp_path: Path) -> None:
    settings, export_dir = faq_site
    requests = _faq_requests()
    with Engine(settings.index_dir, settings) as engine:
        py = _python(engine, requests)
    js = run_node("search", export_dir, requests=requests, tmp_path=tmp_path)
    assert sum(1 for hits in py if hits) > len(requests) * 0.9  # the check is not vacuous
    _assert_same(requests, py, js)


def _demo_requests(docs: list[SearchDoc]) -> list[dict]:
    reqs: list[dict] = []
    for doc in docs:
        words = [w for w in tokenize(doc.title + " " + " ".join(doc.keywords)) if len(w) > 3]
        for w in words:
            for n in range(2, len(w) + 1):
                reqs.append({"query": w[:n], "opts": {"lang": doc.lang, "prefix": True}})
            variants = {
                w.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae"),
                w.replace("ü", "u").replace("ö", "o").replace("ä", "a"),
                w.upper(),
            }
            reqs += [{"query": v, "opts": {"lang": doc.lang}} for v in variants]
        reqs.append({"query": " ".join(words[:3]), "opts": {"lang": doc.lang}})
        reqs.append(
            {"query": " ".join(words[:2]) + " ", "opts": {"lang": doc.lang, "prefix": True}}
        )
    reqs += [
        {"query": q, "opts": {"lang": lang, "prefix": p}}
        for q in [
            "Retoure",
            "Rücksendung",
            "zurückgeschickt",
            "Ware zurückschicken",
            "Rueckgabe Geld",
            "Geld zurueck",
            "Paket verf",
            "paket verfolgen",
            "Gutschein einlösen",
            "Passwort vergesen",
            "script",
            "return label",
        ]
        for lang in ("de", "en", None)
        for p in (False, True)
    ]
    reqs += [
        {"query": q, "opts": {"lang": lang, "prefix": p}}
        for q in HOSTILE
        for lang in ("de", None)
        for p in (False, True)
    ]
    return reqs


@needs_node
def test_browser_ranks_generated_demo_queries_like_whoosh(tmp_path: Path) -> None:
    settings = SearchSettings(
        index_dir=tmp_path / "index", synonyms=[["Retoure", "Rücksendung", "Rückgabe"]]
    )
    docs = demo_docs()
    update_index(docs, settings)
    export_static(settings, tmp_path / "search")
    requests = _demo_requests(docs)
    with Engine(settings.index_dir, settings) as engine:
        py = _python(engine, requests)
    js = run_node("search", tmp_path / "search", requests=requests, tmp_path=tmp_path)
    _assert_same(requests, py, js)


@needs_eval
@pytest.mark.parametrize(
    "query", ["Wie lange ist die Inkubationszeit?", "Can I get Covid on a plane?", "Maske"]
)
def test_cli_json_matches_search(faq_site, query: str) -> None:
    settings, _ = faq_site
    result = CliRunner().invoke(
        search_command, [query, "--json", "--limit", "5", "--index", str(settings.index_dir)]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    with Engine(settings.index_dir, settings) as engine:
        hits = engine.search(query, limit=5)
    assert [(p["id"], p["score"]) for p in printed] == [(h.id, h.score) for h in hits]
    assert printed and set(printed[0]) == {"id", "title", "url", "score"}
