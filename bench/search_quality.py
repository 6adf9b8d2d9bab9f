"""Search quality on the dev FAQ set: MRR@10 and Recall@5 per language, with an ablation.

Rows, all from one run on one index: kbgen with every lever, kbgen with each lever switched off
in turn (compound parts, typo correction, word-pair proximity, the questions field), kbgen as
it ranked before issue #11 (all four off), the plain Whoosh reference (stock
``LanguageAnalyzer``, BM25F defaults, title and body fields, OR query, no wildcards), kbgen's
browser client (search.js in Node; must equal Whoosh, also for prefixes and generated typos)
and optionally Pagefind (``pip install 'pagefind[bin]'``).

``--cv`` chooses the query-time parameters (field weights of parts, pairs and title; typo
correction on or off) by 5-fold cross-validation: questions are split into 5 folds per
language (seeded shuffle), each fold is scored with the parameters best on the other four
(mean of the German and English MRR@10), and the held-out scores are reported.

    .venv/bin/python bench/search_quality.py [--cv] [--pagefind] [--no-node]
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from kbgen.search import Engine, SearchDoc, SearchSettings, export_static, update_index
from kbgen.search.analysis import tokenize

ROOT = Path(__file__).resolve().parents[1]
EVAL = next(
    (
        p
        for p in (
            ROOT.parent / "shared" / "eval" / "covid-faq-dev",
            Path("/work/shared/eval/covid-faq-dev"),
        )
        if p.is_dir()
    ),
    ROOT.parent / "shared" / "eval" / "covid-faq-dev",
)
CLIENT = ROOT / "kbgen" / "assets" / "search.js"

NODE_KBGEN = r"""
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
const [client, dir, reqFile] = process.argv.slice(2);
const { createSearch } = await import(pathToFileURL(client));
const fetch = async (u) => {
  try { const b = await readFile(u); return { ok: true, json: async () => JSON.parse(b) }; }
  catch { return { ok: false }; }
};
const s = createSearch({ baseUrl: dir, fetch });
const out = [];
for (const r of JSON.parse(await readFile(reqFile, "utf8"))) {
  const res = await s.query(r.query, r.opts);
  out.push([res.corrected, res.results.map((h) => [h.id, h.score])]);
}
process.stdout.write(JSON.stringify(out));
"""

NODE_PAGEFIND = r"""
import { readFile } from "node:fs/promises";
let bytes = 0;
globalThis.fetch = async (url) => {
  const path = String(url).replace(/^file:\/\//, "").split("?")[0];
  try {
    const b = await readFile(path); bytes += b.length; return new Response(b, { status: 200 });
  }
  catch { return new Response("", { status: 404 }); }
};
const [base, reqFile] = process.argv.slice(2);
const pf = await import(base + "pagefind.js");
await pf.options({ basePath: base });
const out = [];
for (const q of JSON.parse(await readFile(reqFile, "utf8"))) {
  const r = await pf.search(q);
  const data = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
  out.push(data.map((d) => d.url.replace(/\/$/, "").split("/").pop()));
}
process.stdout.write(JSON.stringify(out));
"""


def load_eval() -> tuple[list[dict], list[dict], dict[str, set[str]]]:
    faq = [json.loads(x) for x in (EVAL / "faq.jsonl").read_text("utf-8").splitlines()]
    queries = [json.loads(x) for x in (EVAL / "queries.jsonl").read_text("utf-8").splitlines()]
    qrels: dict[str, set[str]] = defaultdict(set)
    for line in (EVAL / "qrels.tsv").read_text("utf-8").splitlines()[1:]:
        qid, doc, rel = line.split("\t")
        if int(rel) >= 1:
            qrels[qid].add(doc)
    return faq, [q for q in queries if qrels.get(q["id"])], qrels


def faq_docs(faq: list[dict]) -> list[SearchDoc]:
    return [
        SearchDoc(
            id=f["id"],
            lang=f["lang"],
            title=f["question"],
            url=f"{f['id']}/",
            keywords=[],
            category=f.get("category") or "",
            category_slug="",
            section="",
            body=f["answer"],
        )
        for f in faq
    ]


def metrics(runs: dict[str, list[str]], queries: list[dict], qrels: dict) -> dict[str, tuple]:
    per_lang: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for q in queries:
        ranked, relevant = runs[q["id"]], qrels[q["id"]]
        rr = next((1 / (i + 1) for i, d in enumerate(ranked[:10]) if d in relevant), 0.0)
        recall = len(relevant & set(ranked[:5])) / len(relevant)
        per_lang[q["lang"]].append((rr, recall))
        per_lang["all"].append((rr, recall))
    return {
        lang: (sum(r for r, _ in v) / len(v), sum(c for _, c in v) / len(v), len(v))
        for lang, v in sorted(per_lang.items())
    }


def run_node(script: str, *args: str, payload: object, work: Path) -> list:
    js = work / f"bench-{abs(hash(script)) % 10**8}.mjs"
    js.write_text(script, "utf-8")
    req = work / "requests.json"
    req.write_text(json.dumps(payload, ensure_ascii=False), "utf-8")
    proc = subprocess.run(
        ["node", str(js), *args, str(req)], capture_output=True, text=True, check=True, timeout=1200
    )
    return json.loads(proc.stdout)


def pagefind_binary() -> str | None:
    try:
        import pagefind_bin  # type: ignore[import-not-found]
    except ImportError:
        return shutil.which("pagefind")
    candidate = Path(pagefind_bin.__file__).with_name("pagefind")
    return str(candidate) if candidate.exists() else shutil.which("pagefind")


def build_pagefind_site(pages: list[tuple[str, str, str, str]], site: Path) -> Path:
    """pages: (slug, lang, title, text) → site/<slug>/index.html; returns the bundle dir."""
    binary = pagefind_binary()
    if not binary:
        raise RuntimeError("pagefind is not installed (pip install 'pagefind[bin]')")
    for slug, lang, title, text in pages:
        page = site / slug
        page.mkdir(parents=True, exist_ok=True)
        (page / "index.html").write_text(
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head><body><main><h1>{html.escape(title)}"
            f"</h1><p>{html.escape(text)}</p></main></body></html>",
            "utf-8",
        )
    subprocess.run([binary, "--site", str(site)], check=True, capture_output=True, timeout=1800)
    return site / "pagefind"


LEVERS: dict[str, dict] = {
    "compounds": {"compounds": False, "weights": {"parts": 0.0}},
    "typos": {"typos": False},
    "proximity": {"proximity": False, "weights": {"title_pairs": 0.0, "pairs": 0.0}},
    "questions": {"weights": {"questions": 0.0}},
}


def settings_with(index_dir: Path, **changes: object) -> SearchSettings:
    settings = SearchSettings(index_dir=index_dir)
    weights = dict(settings.weights)
    weights.update(changes.pop("weights", {}))  # type: ignore[arg-type]
    settings.weights = weights
    for key, value in changes.items():
        setattr(settings, key, value)
    settings.__post_init__()
    return settings


def ranks(settings: SearchSettings, queries: list[dict]) -> dict[str, list[str]]:
    with Engine(settings.index_dir, settings) as engine:
        return {
            q["id"]: [h.id for h in engine.search(q["query"], limit=10, lang=q["lang"])]
            for q in queries
        }


def plain_whoosh(faq: list[dict], queries: list[dict], work: Path) -> dict[str, list[str]]:
    """The reference: what a developer gets from Whoosh out of the box."""
    from whoosh import fields, index, qparser, scoring
    from whoosh.analysis import LanguageAnalyzer

    runs: dict[str, list[str]] = {}
    for lang in sorted({f["lang"] for f in faq}):
        analyzer = LanguageAnalyzer(lang)
        schema = fields.Schema(
            id=fields.ID(stored=True),
            title=fields.TEXT(analyzer=analyzer),
            body=fields.TEXT(analyzer=analyzer),
        )
        folder = work / f"plain-{lang}"
        folder.mkdir()
        ix = index.create_in(str(folder), schema)
        writer = ix.writer()
        for f in faq:
            if f["lang"] == lang:
                writer.add_document(id=f["id"], title=f["question"], body=f["answer"])
        writer.commit()
        parser = qparser.MultifieldParser(["title", "body"], ix.schema, group=qparser.OrGroup)
        parser.remove_plugin_class(qparser.WildcardPlugin)
        with ix.searcher(weighting=scoring.BM25F()) as searcher:
            for q in queries:
                if q["lang"] == lang:
                    hits = searcher.search(parser.parse(q["query"]), limit=10)
                    runs[q["id"]] = [h["id"] for h in hits]
    return runs


def typo_of(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return rng.choice(
        [
            word[:i] + word[i + 1 :],
            word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :],
            word[:i] + rng.choice("aeinrst") + word[i + 1 :],
        ]
    )


def parity_requests(queries: list[dict]) -> list[dict]:
    """Every dev question, each of its prefixes being typed, and a generated typo of it."""
    rng = random.Random(11)
    reqs = []
    for q in queries:
        text, opts = q["query"], {"lang": q["lang"], "limit": 10}
        reqs.append({"query": text, "opts": opts})
        for cut in range(2, len(text) + 1):
            if tokenize(text[:cut]):
                reqs.append({"query": text[:cut], "opts": {**opts, "prefix": True}})
        words = [w for w in tokenize(text) if len(w) > 4]
        if words:
            word = rng.choice(words)
            reqs.append({"query": text.replace(word, typo_of(word, rng), 1), "opts": opts})
    return reqs


def python_side(settings: SearchSettings, reqs: list[dict]) -> list:
    out = []
    with Engine(settings.index_dir, settings) as engine:
        for r in reqs:
            opts = r["opts"]
            res = engine.query(
                r["query"], limit=opts["limit"], lang=opts["lang"], prefix=opts.get("prefix", False)
            )
            out.append([res.corrected, [[h.id, h.score] for h in res.hits]])
    return out


def cross_validate(index_dir: Path, queries: list[dict], qrels: dict, k: int = 5) -> None:
    # parts, title_pairs, pairs, title weight, typo correction
    values = ((0.25, 0.5, 1.0), (0.0, 1.5, 3.0), (0.0, 0.25, 0.5), (2.0, 3.0, 4.0), (1, 0))
    grid = list(itertools.product(*values))
    reciprocal: dict[tuple, dict[str, float]] = {}
    for parts, title_pairs, pairs, title, typos in grid:
        settings = settings_with(
            index_dir,
            typos=bool(typos),
            weights={"parts": parts, "title_pairs": title_pairs, "pairs": pairs, "title": title},
        )
        runs = ranks(settings, queries)
        reciprocal[(parts, title_pairs, pairs, title, typos)] = {
            q["id"]: next(
                (1 / (i + 1) for i, d in enumerate(runs[q["id"]]) if d in qrels[q["id"]]), 0.0
            )
            for q in queries
        }
    rng = random.Random(2026)
    folds: list[list[dict]] = [[] for _ in range(k)]
    for lang in ("de", "en"):
        items = [q for q in queries if q["lang"] == lang]
        rng.shuffle(items)
        for i, q in enumerate(items):
            folds[i % k].append(q)

    def objective(config: tuple, subset: list[dict]) -> float:
        return statistics.mean(
            statistics.mean(reciprocal[config][q["id"]] for q in subset if q["lang"] == lang)
            for lang in ("de", "en")
        )

    held: dict[str, float] = {}
    print(f"\n{k}-fold cross-validation over {len(grid)} parameter sets")
    print("(parts, title_pairs, pairs, title weight, typos) chosen on the other folds:")
    for n, fold in enumerate(folds):
        train = [q for m, other in enumerate(folds) if m != n for q in other]
        best = max(grid, key=lambda c: (objective(c, train), c == grid[0]))
        held.update({q["id"]: reciprocal[best][q["id"]] for q in fold})
        print(f"  fold {n}: {best}")
    default = (0.5, 1.5, 0.5, 3.0, 1)
    for lang in ("de", "en"):
        ids = [q["id"] for q in queries if q["lang"] == lang]
        print(
            f"  held-out MRR@10 {lang}: {statistics.mean(held[i] for i in ids):.3f}"
            f"   (defaults {statistics.mean(reciprocal[default][i] for i in ids):.3f})"
        )
    best_all = max(grid, key=lambda c: objective(c, queries))
    print(f"  best on all questions (in-sample, not used): {best_all}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cv", action="store_true", help="cross-validate the parameters")
    parser.add_argument("--pagefind", action="store_true")
    parser.add_argument("--no-node", action="store_true")
    args = parser.parse_args()

    faq, queries, qrels = load_eval()
    work = Path(tempfile.mkdtemp(prefix="kbgen-quality-"))
    index_dir = work / "index"
    settings = SearchSettings(index_dir=index_dir)
    update_index(faq_docs(faq), settings)
    export_static(settings, work / "search")

    table: dict[str, dict] = {}
    table["kbgen, all levers"] = metrics(ranks(settings, queries), queries, qrels)
    for lever, changes in LEVERS.items():
        runs = ranks(settings_with(index_dir, **json.loads(json.dumps(changes))), queries)
        table[f"  without {lever}"] = metrics(runs, queries, qrels)
    before: dict = {"weights": {}}
    for changes in LEVERS.values():
        before["weights"].update(changes.get("weights", {}))
        before.update({k: v for k, v in changes.items() if k != "weights"})
    runs = ranks(settings_with(index_dir, **before), queries)
    table["kbgen before #11"] = metrics(runs, queries, qrels)
    table["plain Whoosh BM25F"] = metrics(plain_whoosh(faq, queries, work), queries, qrels)

    if not args.no_node and shutil.which("node"):
        reqs = parity_requests(queries)
        out = run_node(NODE_KBGEN, str(CLIENT), str(work / "search"), payload=reqs, work=work)
        expected = python_side(settings, reqs)
        same = sum(a == b for a, b in zip(out, expected, strict=True))
        typos = sum(1 for r in reqs if "prefix" not in r["opts"]) - len(queries)
        print(
            f"browser == Whoosh (ids, scores, corrections) on {same}/{len(reqs)} requests "
            f"({len(queries)} questions, their prefixes, {typos} generated typos)"
        )
    elif not args.no_node:
        print("kbgen browser: skipped, node is not installed")

    if args.pagefind:
        try:
            pf_runs: dict[str, list[str]] = {}
            for lang in sorted({f["lang"] for f in faq}):
                bundle = build_pagefind_site(
                    [(f["id"], lang, f["question"], f["answer"]) for f in faq if f["lang"] == lang],
                    work / f"pagefind-{lang}",
                )
                lang_queries = [q for q in queries if q["lang"] == lang]
                out = run_node(
                    NODE_PAGEFIND,
                    str(bundle) + "/",
                    payload=[q["query"] for q in lang_queries],
                    work=work,
                )
                pf_runs.update({q["id"]: ids for q, ids in zip(lang_queries, out, strict=True)})
            table["Pagefind"] = metrics(pf_runs, queries, qrels)
        except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
            print(f"Pagefind: not run ({exc})")

    print(f"\nqueries with judgments: {len(queries)}\n")
    print(f"{'engine':24} {'lang':5} {'MRR@10':>7} {'R@5':>7} {'n':>5}")
    for engine_name, rows in table.items():
        for lang, (mrr, recall, n) in rows.items():
            print(f"{engine_name:24} {lang:5} {mrr:7.3f} {recall:7.3f} {n:5d}")
    if args.cv:
        cross_validate(index_dir, queries, qrels)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
