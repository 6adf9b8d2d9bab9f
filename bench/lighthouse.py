"""Lighthouse benchmark: the demo help center as a phone sees it, in Debian's Chromium.

Builds the demo (``articles/`` with a temporary copy of the repository's ``mkdocs.yml``: the
search index in the temporary folder, ``site_url`` set to the local server so canonical and
crawlability audits judge the pages as deployed, ``feedback.collector_url`` pointing at a
collector started for the run), serves it with a threaded ``http.server`` on 127.0.0.1 and
runs the npm ``lighthouse`` (installed by ``npm ci --prefix bench``) with its defaults —
mobile form factor, simulated mobile throttling — on the home page, a category, an article,
the search results for "paket", the contact page and the collector's no-JS confirm page.

It prints the four category scores per page and whether the targets hold: performance >= 95,
accessibility 100, best practices >= 95, SEO 100. The search page and the confirm page carry
``noindex`` on purpose (search result pages and vote forms do not belong in a search engine),
so for them SEO is judged without the ``is-crawlable`` audit; the table shows both figures. On
the confirm page ``robots-txt`` is left out as well: Lighthouse fetches robots.txt from inside
the page, which the collector's Content-Security-Policy (``default-src 'none'``) forbids.
Below the table it lists every audit that cost points. A missed target prints MISSED and still
exits 0; a Lighthouse failure exits 1; missing prerequisites exit 2.

    npm ci --prefix bench                  # once: Lighthouse from bench/package-lock.json
    python bench/lighthouse.py             # ~2 minutes
    python bench/lighthouse.py --runs 3 --json lighthouse.json --keep

Chromium: ``CHROME_PATH`` (default ``/usr/bin/chromium``), started by Lighthouse with
``--headless=new --no-sandbox --disable-background-networking``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
LIGHTHOUSE = REPO / "bench" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-background-networking"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95, "seo": 100}
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "best", "seo": "seo"}
ARTICLE_ID = "paket-verfolgen"


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- the site and the collector -----------------------------------------------------------


COMPRESSIBLE = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files as a static host serves them: text gzip-compressed when the browser asks
    for it (GitHub Pages, Netlify, nginx and Caddy all do), everything else as http.server."""

    compress = True
    _cache: dict[tuple[str, float], bytes] = {}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.compress and accepts and path.suffix in COMPRESSIBLE and path.is_file()):
            super().do_GET()
            return
        key = (str(path), path.stat().st_mtime)
        body = self._cache.get(key)
        if body is None:
            body = self._cache[key] = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_kbgen() -> str:
    beside = Path(sys.executable).with_name("kbgen")
    found = str(beside) if beside.exists() else shutil.which("kbgen")
    if not found:
        sys.exit("kbgen is not installed in this Python (pip install -e .)")
    return found


def demo_config(tmp: Path, *, site_url: str, collector_url: str) -> Path:
    """The repository's mkdocs.yml with the search index in tmp, site_url and collector set."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text, n_index = re.subn(
        r"(?m)^(\s+index_dir:).*$", lambda m: f"{m.group(1)} {tmp / 'search_index'}", text
    )
    if n_index == 0:
        text = text.replace(
            "      search:\n", f"      search:\n        index_dir: {tmp / 'search_index'}\n", 1
        )
    text, n_collector = re.subn(
        r"(?m)^(\s+collector_url:).*$", lambda m: f'{m.group(1)} "{collector_url}"', text
    )
    if n_collector == 0:
        sys.exit("mkdocs.yml has no feedback.collector_url line to adjust")
    text = re.sub(r"(?m)^#?\s*site_url:.*\n", "", text)
    text = f"site_url: {site_url}\n" + text
    config = tmp / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


@dataclass
class Stack:
    site_dir: Path
    site: str
    collector: str
    revision: str
    server: http.server.ThreadingHTTPServer
    process: subprocess.Popen[bytes]

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.server.shutdown()
        self.server.server_close()


def start(tmp: Path, *, compress: bool) -> Stack:
    site_dir = tmp / "site"
    site_dir.mkdir()
    # Bind first: the site's URL (and so its site_url) must be known before the build.
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0),
        functools.partial(
            type("Handler", (_Handler,), {"compress": compress}), directory=str(site_dir)
        ),
    )
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_address[1]}/"
    collector_port = free_port()
    collector = f"http://127.0.0.1:{collector_port}"

    config = demo_config(tmp, site_url=site, collector_url=collector)
    progress(f"building the demo into {site_dir}")
    build = subprocess.run(
        [find_kbgen(), "build", "-f", str(config), "--articles", str(REPO / "articles"),
         "--site-dir", str(site_dir)],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    if build.returncode != 0:
        server.shutdown()
        print(build.stderr[-4000:], file=sys.stderr)
        sys.exit(1)

    log = (tmp / "collector.log").open("wb")
    process = subprocess.Popen(
        [find_kbgen(), "feedback", "serve", "--site-dir", str(site_dir),
         "--db", f"sqlite:///{tmp / 'fb.sqlite3'}", "--port", str(collector_port),
         "--origin", site.rstrip("/"), "--log-level", "warning"],
        cwd=tmp, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(collector + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            server.shutdown()
            sys.exit(f"the collector did not start:\n{(tmp / 'collector.log').read_text()}")
        time.sleep(0.1)
    manifest = json.loads((site_dir / "assets/kbgen/articles.json").read_text("utf-8"))
    revision = next(a["revision"] for a in manifest["articles"]
                    if a["id"] == ARTICLE_ID and a["lang"] == "de")  # fmt: skip
    return Stack(site_dir, site, collector, revision, server, process)


NOINDEX = ("is-crawlable",)  # a page that is noindex on purpose fails it by design
CSP_BLOCKS_ROBOTS = ("robots-txt",)  # fetched from inside the page: the collector's CSP forbids


def pages(stack: Stack) -> list[tuple[str, str, tuple[str, ...]]]:
    """(name, URL, SEO audits that do not apply to the page) of the audited pages."""
    return [
        ("home", stack.site, ()),
        ("category", stack.site + "versand/", ()),
        ("article", stack.site + f"versand/{ARTICLE_ID}/", ()),
        ("search results", stack.site + "search/?q=paket", NOINDEX),
        ("contact", stack.site + "kontakt/", ()),
        ("collector confirm", f"{stack.collector}/vote?article={ARTICLE_ID}&lang=de"
                              f"&rev={stack.revision}&value=no", NOINDEX + CSP_BLOCKS_ROBOTS),
    ]  # fmt: skip


def language_pages(stack: Stack) -> list[tuple[str, str, tuple[str, ...]]]:
    """``--languages``: the same article and search in the default language (German, at the
    root) and in English (under /en/), to compare them side by side."""
    return [
        ("article de", stack.site + f"versand/{ARTICLE_ID}/", ()),
        ("article en", stack.site + f"en/versand/{ARTICLE_ID}/", ()),
        ("search de", stack.site + "search/?q=paket", NOINDEX),
        ("search en", stack.site + "en/search/?q=parcel", NOINDEX),
    ]


# -- Lighthouse --------------------------------------------------------------------------


def run_lighthouse(url: str, out: Path, chrome: str) -> dict[str, Any]:
    cmd = [
        "node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
    ]  # fmt: skip
    result = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": chrome}
    )
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(
            f"lighthouse failed on {url} ({result.returncode}):\n{result.stderr[-3000:]}"
        )
    report = json.loads(out.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse runtime error on {url}: {report['runtimeError']}")
    return report


def score_without(report: dict[str, Any], category: str, skip: tuple[str, ...]) -> int | None:
    """The category score recomputed as Lighthouse does (weighted mean), without some audits."""
    total = weights = 0.0
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"].get(ref["id"], {})
        if ref["id"] in skip or not ref.get("weight") or audit.get("score") is None:
            continue
        total += ref["weight"] * audit["score"]
        weights += ref["weight"]
    return round(100 * total / weights) if weights else None


def lost_points(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Audits with a weight in one of the categories that did not score full marks."""
    found = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"].get(ref["id"], {})
            score = audit.get("score")
            if ref.get("weight") and score is not None and score < 1:
                found.append({
                    "category": category, "id": ref["id"], "score": score,
                    "title": audit.get("title", ""), "value": audit.get("displayValue", ""),
                    "where": _where(audit),
                })  # fmt: skip
    return found


def _where(audit: dict[str, Any], limit: int = 4) -> list[str]:
    """The first few elements or resources an audit points at (selector, URL or message)."""
    found = []
    for item in (audit.get("details") or {}).get("items", []):
        if not isinstance(item, dict):
            continue
        node = item.get("node") if isinstance(item.get("node"), dict) else {}
        text = node.get("selector") or item.get("url") or item.get("message") or ""
        if isinstance(text, str) and text and text not in found:
            found.append(text[:120])
        if len(found) == limit:
            break
    return found


@dataclass
class PageResult:
    name: str
    url: str
    seo_skip: tuple[str, ...]
    runs: list[dict[str, int]] = field(default_factory=list)
    scores: dict[str, int] = field(default_factory=dict)  # median over runs
    seo_applicable: int | None = None  # SEO without the audits in seo_skip
    metrics: dict[str, str] = field(default_factory=dict)
    lost: list[dict[str, Any]] = field(default_factory=list)
    holds: dict[str, bool] = field(default_factory=dict)


def measure(
    name: str, url: str, seo_skip: tuple[str, ...], runs: int, out_dir: Path, chrome: str
) -> PageResult:
    page = PageResult(name, url, seo_skip)
    reports = []
    for n in range(runs):
        progress(f"lighthouse {name} ({n + 1}/{runs}): {url}")
        slug = re.sub(r"\W+", "-", name)
        report = run_lighthouse(url, out_dir / f"{slug}-{n + 1}.json", chrome)
        reports.append(report)
        page.runs.append({c: round(100 * report["categories"][c]["score"]) for c in CATEGORIES})
    page.scores = {c: round(statistics.median(r[c] for r in page.runs)) for c in CATEGORIES}
    # The findings and metrics of the run whose performance is the median one.
    ordered = sorted(zip(page.runs, reports, strict=True), key=lambda pr: pr[0]["performance"])
    report = ordered[len(ordered) // 2][1]
    page.lost = lost_points(report)
    page.metrics = {
        key: report["audits"][key].get("displayValue", "")
        for key in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                    "cumulative-layout-shift", "speed-index")
        if key in report["audits"]
    }  # fmt: skip
    seo = page.scores["seo"]
    if seo_skip:
        page.seo_applicable = score_without(report, "seo", seo_skip)
        seo = page.seo_applicable if page.seo_applicable is not None else seo
    page.holds = {c: (seo if c == "seo" else page.scores[c]) >= TARGETS[c] for c in CATEGORIES}
    return page


# -- output ------------------------------------------------------------------------------


def table(results: list[PageResult]) -> str:
    head = ["page", *(f"{SHORT[c]} (>= {TARGETS[c]})" if TARGETS[c] < 100 else f"{SHORT[c]} (100)"
                      for c in CATEGORIES), "targets"]  # fmt: skip
    rows = [head]
    for r in results:
        cells = [r.name]
        for c in CATEGORIES:
            text = str(r.scores[c])
            if c == "seo" and r.seo_skip:
                text += f" ({r.seo_applicable} w/o {', '.join(r.seo_skip)})"
            cells.append(text + ("" if r.holds[c] else " !"))
        cells.append("hold" if all(r.holds.values()) else "MISSED")
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def versions(chrome: str) -> dict[str, str]:
    lh = json.loads((LIGHTHOUSE.parents[1] / "package.json").read_text(encoding="utf-8"))["version"]
    try:
        browser = subprocess.run(
            [chrome, "--version"], capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        browser = "?"
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {"lighthouse": lh, "chromium": browser, "node": node}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (median)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures to FILE")
    parser.add_argument(
        "--no-gzip",
        dest="gzip",
        action="store_false",
        help="serve the site uncompressed (no static host does that)",
    )
    parser.add_argument(
        "--languages",
        action="store_true",
        help="audit the German and the English article and search pages instead",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary folder (site, Lighthouse JSON reports)",
    )
    args = parser.parse_args(argv)

    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not Path(chrome).exists():
        print(f"Chromium not found at {chrome} (apt-get install chromium, or set CHROME_PATH)",
              file=sys.stderr)  # fmt: skip
        return 2
    if not LIGHTHOUSE.exists() or not shutil.which("node"):
        print("Lighthouse is not installed: npm ci --prefix bench (needs Node.js)", file=sys.stderr)
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="kbgen-lighthouse-"))
    reports = tmp / "reports"
    reports.mkdir()
    stack = None
    try:
        stack = start(tmp, compress=args.gzip)
        audited = (language_pages if args.languages else pages)(stack)
        results = [measure(name, url, skip, args.runs, reports, chrome)
                   for name, url, skip in audited]  # fmt: skip
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        if stack:
            stack.close()
        if args.keep:
            progress(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    info = versions(chrome)
    print(f"Lighthouse {info['lighthouse']} on {info['chromium']} (Node {info['node']}), "
          f"mobile defaults, {args.runs} run(s) per page, median scores, site served "
          f"{'gzip-compressed' if args.gzip else 'uncompressed'}\n")  # fmt: skip
    print(table(results))
    print("\nSEO in brackets: without audits that cannot pass by design — is-crawlable on pages "
          "that are noindex on purpose,\nrobots-txt where the collector's CSP stops Lighthouse "
          "fetching it; the target is judged on that figure.")  # fmt: skip
    print("\nmetrics (median-performance run):")
    for r in results:
        print(
            f"  {r.name}: " + ", ".join(f"{k.replace('-', ' ')} {v}" for k, v in r.metrics.items())
        )
    print("\naudits that cost points:")
    for r in results:
        for lost in r.lost:
            value = f" ({lost['value']})" if lost["value"] else ""
            where = f"{r.name}: {lost['category']}: {lost['id']}"
            print(f"  {where} score {lost['score']}{value} — {lost['title']}")
            if lost["where"]:
                print(f"      at: {'; '.join(lost['where'])}")
    if not any(r.lost for r in results):
        print("  none")
    held = all(all(r.holds.values()) for r in results)
    print(f"\ntargets: {'all hold' if held else 'MISSED'}")

    if args.json:
        args.json.write_text(json.dumps({
            "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "versions": info, "runs": args.runs, "targets": TARGETS,
            "chrome_flags": CHROME_FLAGS, "gzip": args.gzip, "pages": [asdict(r) for r in results],
            "all_targets_hold": held,
        }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")  # fmt: skip
        progress(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
