"""Bytes a visitor downloads to search, kbgen's static export versus Pagefind.

Corpora: ``shared/corpora/ms-officedocs-support-en`` (2,460 real articles; front matter and
markup stripped crudely) and a seeded synthetic corpus of 10,000 articles drawn from that
corpus' vocabulary (Zipf-distributed). Queries: 24 fixed, seeded picks of one and two title
words. For each engine the script records which files a query fetches (running the real
clients in Node), gzips every file as a server would (level 6; Pagefind's own files are
already compressed and count as stored) and prints first-query and later-query bytes plus
median query time.

``--baseline REF`` (default ``main``) measures the same corpora and queries with the search
package of git revision REF in the same run (its ``kbgen/`` is extracted to a temporary folder
and imported in a child process) and prints the ratios current / baseline.

    .venv/bin/python bench/search_payload.py [--articles 10000] [--skip-real] [--baseline REF]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_quality import build_pagefind_site  # noqa: E402

import kbgen  # noqa: E402
from kbgen.search import (  # noqa: E402
    SearchDoc,
    SearchSettings,
    export_static,
    update_index,
)
from kbgen.search.analysis import tokenize  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = next(
    (
        p
        for p in (
            ROOT.parent / "shared" / "corpora" / "ms-officedocs-support-en",
            Path("/work/shared/corpora/ms-officedocs-support-en"),
        )
        if p.is_dir()
    ),
    ROOT.parent / "shared" / "corpora" / "ms-officedocs-support-en",
)
ASSETS = Path(kbgen.__file__).resolve().parent / "assets"  # the baseline's, in its child
# Measured by the lead with mkdocs-material 9.8.1 defaults (shared/DESIGN.md).
MATERIAL_MS_GZIP = 2_350_000

NODE = r"""
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
const [engine, client, base, reqFile] = process.argv.slice(2);
const queries = JSON.parse(await readFile(reqFile, "utf8"));
let seen = [];
const out = [];
if (engine === "kbgen") {
  const fetch = async (u) => {
    seen.push(u);
    try { const b = await readFile(u); return { ok: true, json: async () => JSON.parse(b) }; }
    catch { return { ok: false }; }
  };
  const { createSearch } = await import(pathToFileURL(client));
  // Query time: the fastest of 7 cold runs (a fresh client each, files from the OS cache), so
  // other processes on a shared machine do not decide the figure; bytes from the first run.
  for (let run = 0; run < 7; run++) {
    const s = createSearch({ baseUrl: base, fetch });
    for (let i = 0; i < queries.length; i++) {
      seen = []; const t = performance.now();
      const r = await s.search(queries[i], { limit: 10 });
      const ms = performance.now() - t;
      if (run === 0) out.push({ files: seen, ms, hits: r.length });
      else out[i].ms = Math.min(out[i].ms, ms);
    }
  }
} else {
  globalThis.fetch = async (url) => {
    const path = String(url).replace(/^file:\/\//, "").split("?")[0];
    seen.push(path);
    try { return new Response(await readFile(path), { status: 200 }); }
    catch { return new Response("", { status: 404 }); }
  };
  const pf = await import(pathToFileURL(base + "pagefind.js"));
  await pf.options({ basePath: base });
  for (const q of queries) {
    seen = []; const t = performance.now();
    const r = await pf.search(q);
    await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
    out.push({ files: seen, ms: performance.now() - t, hits: r.results.length });
  }
}
process.stdout.write(JSON.stringify(out));
"""


def strip_markdown(text: str) -> tuple[str, str]:
    """(title, body) from DocFX Markdown, crudely."""
    title = ""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        front, text = text[3:end], text[end + 4 :]
        match = re.search(r"^title:\s*(.+)$", front, re.M)
        title = match.group(1).strip().strip("'\"") if match else ""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*>\s*\[!\w+\]", " ", text, flags=re.M)
    text = re.sub(r"[#*_`>|]+", " ", text)
    if not title:
        title = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return title, " ".join(text.split())


def real_docs(with_passages: bool = False) -> list[SearchDoc]:
    """The corpus's articles (``with_passages``: split at headings, for instant answers)."""
    docs = []
    for path in sorted(CORPUS.rglob("*.md")):
        if "includes" in path.parts:
            continue
        raw = path.read_text("utf-8", errors="ignore")
        title, body = strip_markdown(raw)
        if not body:
            continue
        rel = path.relative_to(CORPUS).with_suffix("")
        category = rel.parts[0]
        passages = []
        if with_passages:
            # Imported here: --baseline runs this script on revisions from before passages.
            from kbgen.search import Passage
            from kbgen.search.passages import sections

            markdown = raw.split("\n---", 1)[1] if raw.startswith("---") and "\n---" in raw else raw
            passages = [
                Passage(s.anchor, s.heading, " ".join(s.markdown.split()), "")
                for s in sections(markdown, title, "en", lambda text, sep: text.lower())
            ]
        docs.append(
            SearchDoc(
                id=str(rel).replace("/", "-").lower(),
                lang="en",
                title=title,
                url=f"{rel}/",
                keywords=[],
                category=category,
                category_slug=category.lower(),
                section="",
                body=body,
                **({"passages": passages} if passages else {}),  # older revisions lack it
            )
        )
    return docs


def synthetic_docs(real: list[SearchDoc], count: int, seed: int = 42) -> list[SearchDoc]:
    rng = random.Random(seed)
    freq = Counter(w.lower() for d in real for w in tokenize(d.title + " " + d.body))
    words = [w for w, _ in freq.most_common(40_000)]
    weights = [1 / (rank + 1) ** 1.07 for rank in range(len(words))]
    cats = [f"Category {i}" for i in range(20)]
    docs = []
    for n in range(count):
        title = " ".join(rng.choices(words[50:5000], k=rng.randint(4, 9))).capitalize()
        body = " ".join(rng.choices(words, weights=weights, k=rng.randint(120, 700)))
        cat = cats[n % len(cats)]
        docs.append(
            SearchDoc(
                id=f"a{n:05d}",
                lang="en",
                title=title,
                url=f"c{n % 20}/a{n:05d}/",
                keywords=[],
                category=cat,
                category_slug=f"c{n % 20}",
                section="",
                body=body,
            )
        )
    return docs


def pick_queries(docs: list[SearchDoc], seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    queries = []
    for doc in rng.sample(docs, 24):
        words = [w for w in tokenize(doc.title) if len(w) > 3] or tokenize(doc.title)
        queries.append(" ".join(rng.sample(words, min(len(words), rng.choice((1, 2))))))
    return queries


def gz(path: str, cache: dict[str, int]) -> int:
    if path not in cache:
        data = Path(path).read_bytes()
        precompressed = data[:2] == b"\x1f\x8b"
        cache[path] = len(data) if precompressed else len(gzip.compress(data, 6, mtime=0))
    return cache[path]


def measure(engine: str, base: str, queries: list[str], work: Path, extra: list[str]) -> dict:
    script = work / "payload.mjs"
    script.write_text(NODE, "utf-8")
    req = work / "queries.json"
    req.write_text(json.dumps(queries), "utf-8")
    proc = subprocess.run(
        ["node", str(script), engine, str(ASSETS / "search.js"), base, str(req)],
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    runs = json.loads(proc.stdout)
    sizes: dict[str, int] = {}
    fetched: set[str] = set()
    per_query = []
    for run in runs:
        new = [f for f in dict.fromkeys(run["files"]) if f not in fetched]
        fetched.update(new)
        per_query.append(sum(gz(f, sizes) for f in new))
    first = per_query[0] + sum(gz(f, sizes) for f in extra)
    later = per_query[1:]
    return {
        "first": first,
        "later_median": statistics.median(later),
        "later_max": max(later),
        "ms": statistics.median(r["ms"] for r in runs[1:]),
        "hits": statistics.median(r["hits"] for r in runs),
    }


def bench(name: str, docs: list[SearchDoc], work: Path, pagefind: bool = True) -> list[tuple]:
    settings = SearchSettings(index_dir=work / "index")
    started = time.perf_counter()
    update_index(docs, settings)
    indexed = time.perf_counter() - started
    stats = export_static(settings, work / "search")
    exported = time.perf_counter() - started - indexed
    print(
        f"{name}: {len(docs)} articles, index {indexed:.0f} s, export {exported:.0f} s, "
        f"{stats.files} files, {stats.bytes / 1e6:.1f} MB raw",
        flush=True,
    )
    queries = pick_queries(docs)
    client = [str(ASSETS / "search.js")]
    rows = [("kbgen", measure("kbgen", str(work / "search") + "/", queries, work, client))]
    if not pagefind:
        return [(name, engine, m) for engine, m in rows]
    try:
        bundle = build_pagefind_site(
            [(d.id, d.lang, d.title, d.body) for d in docs], work / "pagefind-site"
        )
        rows.append(("Pagefind", measure("pagefind", str(bundle) + "/", queries, work, [])))
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        print(f"  Pagefind not measured: {exc}")
    return [(name, engine, m) for engine, m in rows]


def baseline_rows(ref: str, argv: list[str], work: Path) -> list[tuple]:
    """The rows of this script run against the kbgen package of git revision ``ref``."""
    base = work / "baseline"
    base.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "kbgen"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
    out = work / "baseline.json"
    env = {**os.environ, "PYTHONPATH": str(base)}
    subprocess.run(
        [sys.executable, __file__, *argv, "--no-baseline", "--no-pagefind", "--json", str(out)],
        check=True,
        env=env,
    )
    return [tuple(row) for row in json.loads(out.read_text())]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--baseline", default="main", help="git revision to compare with")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-pagefind", action="store_true")
    parser.add_argument("--json", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not shutil.which("node"):
        print("node is not installed; nothing to measure")
        return 1
    real = real_docs()
    rows = []
    with tempfile.TemporaryDirectory(prefix="kbgen-payload-") as tmp:
        if not args.skip_real:
            rows += bench("ms-officedocs", real, Path(tmp) / "real", not args.no_pagefind)
        rows += bench(
            f"synthetic-{args.articles}",
            synthetic_docs(real, args.articles),
            Path(tmp) / "synthetic",
            not args.no_pagefind,
        )
        if args.json:
            Path(args.json).write_text(json.dumps(rows))
            return 0
        if not args.no_baseline:
            argv = [f"--articles={args.articles}"] + (["--skip-real"] if args.skip_real else [])
            print(f"baseline: {args.baseline}", flush=True)
            rows += [
                (corpus, f"{args.baseline}", m)
                for corpus, engine, m in baseline_rows(args.baseline, argv, Path(tmp))
                if engine == "kbgen"
            ]
    print(
        f"\n{'corpus':18} {'engine':9} {'1st KB':>8} {'later KB':>9} {'max KB':>7} "
        f"{'ms':>6} {'1st vs Pagefind':>16}"
    )
    by_corpus: dict[str, dict] = {}
    for corpus, engine, m in rows:
        by_corpus.setdefault(corpus, {})[engine] = m
    for corpus, engines in by_corpus.items():
        pf = engines.get("Pagefind")
        for engine, m in engines.items():
            ratio = f"{m['first'] / pf['first']:.2f}x" if pf else "-"
            print(
                f"{corpus:18} {engine:9} {m['first'] / 1e3:8.1f} {m['later_median'] / 1e3:9.1f} "
                f"{m['later_max'] / 1e3:7.1f} {m['ms']:6.1f} {ratio:>16}"
            )
        base = engines.get(args.baseline)
        if base:
            now = engines["kbgen"]
            print(
                f"{corpus:18} kbgen / {args.baseline}: first query bytes "
                f"{now['first'] / base['first']:.3f}x, later median "
                f"{now['later_median'] / base['later_median']:.3f}x, query time "
                f"{now['ms'] / base['ms']:.3f}x"
            )
        if corpus == "ms-officedocs":
            kb = engines["kbgen"]["first"]
            print(
                f"{corpus:18} {'material':9} {MATERIAL_MS_GZIP / 1e3:8.1f} {0:9.1f} {0:7.1f} "
                f"{'-':>6} {'(DESIGN.md)':>16}  kbgen = {kb / MATERIAL_MS_GZIP:.3f}x material"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
