"""Search quality on the dev FAQ set: MRR@10 and Recall@5 per language.

Engines: kbgen's Whoosh engine, kbgen's browser client (search.js in Node; must equal Whoosh),
and Pagefind (``pip install 'pagefind[bin]'``; one HTML page per FAQ entry, one site per
language, queried through its own pagefind.js in Node).

    /work/venv/bin/python bench/search_quality.py [--mode coord|or|and] [--no-pagefind]
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from kbgen.search import Engine, SearchDoc, SearchSettings, export_static, update_index

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
  out.push((await s.search(r.query, r.opts)).map((h) => h.id));
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", default=None, choices=["coord", "or", "and"])
    parser.add_argument("--no-pagefind", action="store_true")
    parser.add_argument("--no-node", action="store_true")
    args = parser.parse_args()

    faq, queries, qrels = load_eval()
    work = Path(tempfile.mkdtemp(prefix="kbgen-quality-"))
    settings = SearchSettings(index_dir=work / "index")
    if args.mode:
        settings.mode = args.mode
    docs = faq_docs(faq)
    update_index(docs, settings)
    export_static(settings, work / "search")

    table: dict[str, dict] = {}
    with Engine(settings.index_dir, settings) as engine:
        whoosh_runs = {
            q["id"]: [h.id for h in engine.search(q["query"], limit=10, lang=q["lang"])]
            for q in queries
        }
    table["kbgen Whoosh"] = metrics(whoosh_runs, queries, qrels)

    if not args.no_node and shutil.which("node"):
        reqs = [{"query": q["query"], "opts": {"lang": q["lang"], "limit": 10}} for q in queries]
        out = run_node(NODE_KBGEN, str(CLIENT), str(work / "search"), payload=reqs, work=work)
        node_runs = {q["id"]: ids for q, ids in zip(queries, out, strict=True)}
        table["kbgen browser (Node)"] = metrics(node_runs, queries, qrels)
        same = sum(node_runs[k] == whoosh_runs[k] for k in whoosh_runs)
        print(f"browser == Whoosh on {same}/{len(whoosh_runs)} queries")
    elif not args.no_node:
        print("kbgen browser: skipped, node is not installed")

    if not args.no_pagefind:
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

    print(f"\nmode={settings.mode}  queries with judgments: {len(queries)}\n")
    print(f"{'engine':24} {'lang':5} {'MRR@10':>7} {'R@5':>7} {'n':>5}")
    for engine_name, rows in table.items():
        for lang, (mrr, recall, n) in rows.items():
            print(f"{engine_name:24} {lang:5} {mrr:7.3f} {recall:7.3f} {n:5d}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
