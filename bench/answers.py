"""Instant answers: coverage and precision per confidence threshold, and answer latency.

Quality: the development FAQ (``shared/eval/covid-faq-dev``) as articles whose lead answer is
one passage each; every judged question is answered; for each threshold the bench prints the
share of questions that get an answer (coverage) and the share of those answers that come
from a judged article (precision), per language.

Latency: the 2,460 articles of ``shared/corpora/ms-officedocs-support-en`` split into passages
by kbgen's splitter, indexed, and 2,000 seeded questions (title words) answered directly with
:class:`kbgen.search.answers.Answerer` and over HTTP by the answer routes in a uvicorn process
(one client, then 8 concurrent ones). Prints p50/p99 and answers per second.

    .venv/bin/python bench/answers.py [--skip-latency] [--questions 2000]
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_payload import real_docs  # noqa: E402
from search_quality import faq_docs, load_eval  # noqa: E402

from kbgen.search import Passage, SearchSettings, update_index  # noqa: E402
from kbgen.search.analysis import tokenize  # noqa: E402
from kbgen.search.answers import (  # noqa: E402
    Answerer,
    passage_docs,
    passage_settings,
)
from kbgen.search.model import DEFAULT_ANSWER_THRESHOLD  # noqa: E402

THRESHOLDS = [round(0.05 * n, 2) for n in range(0, 19)]


def quality() -> None:
    faq, queries, qrels = load_eval()
    docs = faq_docs(faq)
    by_id = {f["id"]: f for f in faq}
    for doc in docs:
        doc.passages = [Passage("", doc.title, doc.body, by_id[doc.id]["answer_html"])]
    work = Path(tempfile.mkdtemp(prefix="kbgen-answers-"))
    settings = SearchSettings(index_dir=work)
    update_index(passage_docs(docs), passage_settings(settings))
    answers = []
    with Answerer(work, settings) as answerer:
        for q in queries:
            a = answerer.answer(q["query"], q["lang"])
            right = a.best is not None and a.best.article_id in qrels[q["id"]]
            answers.append((q["lang"], a.confidence, right))
    print(f"instant answers on {len(queries)} development questions")
    print(f"{'threshold':>9} {'lang':5} {'coverage':>9} {'precision':>9} {'shown':>6}")
    for threshold in THRESHOLDS:
        for lang in ("de", "en"):
            mine = [(c, r) for code, c, r in answers if code == lang]
            shown = [r for c, r in mine if c >= threshold]
            precision = sum(shown) / len(shown) if shown else float("nan")
            mark = "  <- default" if threshold == DEFAULT_ANSWER_THRESHOLD else ""
            print(
                f"{threshold:9.2f} {lang:5} {len(shown) / len(mine):9.3f} {precision:9.3f} "
                f"{len(shown):6d}{mark}"
            )


def latency(count: int) -> None:
    docs = real_docs(with_passages=True)
    work = Path(tempfile.mkdtemp(prefix="kbgen-answers-latency-"))
    settings = SearchSettings(index_dir=work)
    found = passage_docs(docs)
    started = time.perf_counter()
    update_index(docs, settings)
    update_index(found, passage_settings(settings))
    print(
        f"\nlatency: {len(docs)} articles, {len(found)} passages, "
        f"indexed in {time.perf_counter() - started:.0f} s"
    )
    rng = random.Random(5)
    questions = []
    for doc in rng.choices(docs, k=count):
        words = [w for w in tokenize(doc.title) if len(w) > 3] or tokenize(doc.title) or ["word"]
        questions.append(" ".join(rng.sample(words, min(len(words), rng.choice((2, 3, 4))))))

    def report(name: str, times: list[float], seconds: float) -> None:
        ordered = sorted(times)
        p99 = ordered[int(len(ordered) * 0.99) - 1]
        print(
            f"  {name:28} p50 {statistics.median(ordered) * 1e3:6.2f} ms   "
            f"p99 {p99 * 1e3:6.2f} ms   {len(times) / seconds:7.0f} answers/s"
        )

    with Answerer(work, settings) as answerer:
        for q in questions[:50]:  # warm the caches a long-running service has
            answerer.answer(q, "en")
        times = []
        begin = time.perf_counter()
        for q in questions:
            t = time.perf_counter()
            answerer.answer(q, "en")
            times.append(time.perf_counter() - t)
        report("Answerer.answer (in process)", times, time.perf_counter() - begin)
    served(work, questions, report)
    payload(work, settings, questions[:24])


NODE_ANSWER = r"""
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
const [client, base, reqFile] = process.argv.slice(2);
const { createSearch } = await import(pathToFileURL(client));
let seen = [];
const fetch = async (u) => {
  seen.push(u);
  try { const b = await readFile(u); return { ok: true, json: async () => JSON.parse(b) }; }
  catch { return { ok: false }; }
};
const s = createSearch({ baseUrl: base, fetch });
const out = [];
for (const q of JSON.parse(await readFile(reqFile, "utf8"))) {
  seen = [];
  const a = await s.answer(q, { lang: "en" });
  out.push({ files: seen, shown: a.shown });
}
process.stdout.write(JSON.stringify(out));
"""


def payload(work: Path, settings: SearchSettings, questions: list[str]) -> None:
    """Bytes (gzip 6) an instant answer adds to a search: the passage export's files."""
    import gzip
    import json
    import shutil

    from kbgen.search import export_static

    if not shutil.which("node"):
        print("  answer bytes: not measured (node is missing)")
        return
    out = work / "export"
    export_static(passage_settings(settings), out)
    script, req = work / "answer.mjs", work / "questions.json"
    script.write_text(NODE_ANSWER, "utf-8")
    req.write_text(json.dumps(questions), "utf-8")
    client = Path(__file__).resolve().parents[1] / "kbgen" / "assets" / "search.js"
    proc = subprocess.run(
        ["node", str(script), str(client), str(out) + "/", str(req)],
        capture_output=True,
        text=True,
        check=True,
    )
    fetched: set[str] = set()
    sizes = []
    for run in json.loads(proc.stdout):
        new = [f for f in dict.fromkeys(run["files"]) if f not in fetched]
        fetched.update(new)
        sizes.append(sum(len(gzip.compress(Path(f).read_bytes(), 6, mtime=0)) for f in new))
    print(
        f"  answer bytes (passage files, gzip): first question {sizes[0] / 1e3:.1f} KB, "
        f"later median {statistics.median(sizes[1:]) / 1e3:.1f} KB"
    )


SERVER = """
import sys, uvicorn
from kbgen.service.answers import answers_app
uvicorn.run(answers_app(sys.argv[1], rate_per_minute=0), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning", access_log=False)
"""


async def _get(reader, writer, path: str) -> tuple[int, bytes]:
    """One HTTP/1.1 keep-alive GET on an open connection: (status, body). A bare client, so the
    measurement is the server's work and not an HTTP library's on the same two cores."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return status, await reader.readexactly(length)


def served(work: Path, questions: list[str], report) -> None:
    """The answer routes in a uvicorn process (one worker, as the collector runs), asked over
    HTTP with keep-alive: by one client (latency) and by 8 at once (answers per second)."""
    import asyncio
    import urllib.parse

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(work), str(port)])
    paths = ["/api/answer?" + urllib.parse.urlencode({"q": q, "lang": "en"}) for q in questions]
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)

        async def run(clients: int) -> tuple[list[float], float]:
            times: list[float] = []
            queue = list(paths)

            async def worker() -> None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                for path in paths[:10]:  # warm up
                    await _get(reader, writer, path)
                while queue:
                    path = queue.pop()
                    t = time.perf_counter()
                    status, body = await _get(reader, writer, path)
                    times.append(time.perf_counter() - t)
                    assert status == 200, body
                writer.close()

            begin = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(clients)))
            return times, time.perf_counter() - begin

        # Latency: one client at a time (no queueing); throughput: 8 clients at once.
        times, seconds = asyncio.run(run(1))
        report("GET /api/answer (uvicorn, 1 client)", times, seconds)
        times, seconds = asyncio.run(run(8))
        report("GET /api/answer (uvicorn, 8 clients)", times, seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--questions", type=int, default=2000)
    args = parser.parse_args()
    quality()
    if not args.skip_latency:
        latency(args.questions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
