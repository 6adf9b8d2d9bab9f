"""Scale benchmark: does a kbgen build stay linear as a help center grows? (issue 5, item 5)

For each size N (default 1,000, 5,000 and 10,000 articles) it generates a seeded German and
English corpus with bench/corpus.py and runs a COLD ``kbgen build`` in a subprocess: a fresh
site folder and a fresh search-index folder (a temporary copy of the repository's mkdocs.yml
with the kbgen plugin option ``search: {index_dir: <tmp>/index}``; contact, weights, synonyms
and the rest kept). Per build it measures

* wall time and CPU time of the build, and its peak memory: the largest sum of RSS over the
  build's process tree (kbgen runs search in a worker process beside page rendering), sampled
  every 50 ms, or the largest single-process peak (GNU time ``%M`` / VmHWM) when higher -- not
  ``ru_maxrss`` of a child of this process, which Linux floors at this process's own RSS (see
  ``run_measured``); the machine's load average is recorded with every build;
* the site: bytes and disk usage, HTML pages, article pages (from the site's own list,
  ``assets/kbgen/articles.json``), the largest and the median article page (HTML bytes), the
  largest page of any kind;
* the phase timings kbgen writes with ``--report`` (build.json: load_and_check, search_index,
  search_export, total, ...).

At the largest N it then measures incremental builds with the SAME site and index folders: a
rebuild with no change, and a rebuild after appending one paragraph to ONE article (and checks
that the page, the on-disk index and the exported search shards contain the new text).

Targets (printed MET/MISSED; a missed target still exits 0, only a failed build exits 1 with
the end of its log, a usage error 2):

* time: cold wall time at the largest N over the smallest at most 1.1 x the size ratio
  (<= 11 for 10k/1k: linear);
* memory: peak RSS at the largest N at most 2 GB;
* flat pages: the same article's page (corpus.py keeps the first articles of a seed the same
  at every N) at most 10 % larger at the largest N than at the smallest; the largest article
  page at each N is printed too, but it can also grow because a bigger corpus may draw a longer
  article from the real length distribution;
* incremental: the one-article rebuild at most 10 % of the cold build at the largest N.

    python bench/scale.py                                  # 1k, 5k, 10k (10k takes minutes)
    python bench/scale.py --sizes 200,1000 --keep --json scale.json
    python bench/scale.py --no-search                      # only to test this script

Sizes: KB = 1024 bytes, MB = 1024 * 1024 bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402  (bench/corpus.py)
import measure  # noqa: E402  (bench/measure.py)
from measure import (  # noqa: E402
    KB,
    MB,
    Run,
    _Dumper,
    find_tool,
    log_tail,
    progress,
    project_config,
    run_measured,
)

measure.set_prefix("scale")

REPO = Path(__file__).resolve().parent.parent
TIME_SLACK = 1.1  # time(Nmax)/time(Nmin) <= 1.1 * Nmax/Nmin
MEMORY_TARGET_MB = 2048
PAGE_GROWTH_TARGET = 1.10  # the same article's page at Nmax vs at Nmin
INCREMENTAL_TARGET = 0.10  # one-article rebuild / cold build at Nmax
KNOWN_PHASES = ("load_and_check", "search_index", "search_export")


def write_config(
    repo_config: Path, articles: Path, tmp: Path, *, langs: list[str], search: bool
) -> Path:
    """The repository's mkdocs.yml for this corpus, written to ``tmp``: docs and site in
    ``tmp``, the search index in ``tmp/index`` (so the first build is cold)."""
    config, options = project_config(repo_config, articles, tmp / "site")
    # The generated corpus is one site (its articles carry their lang); the demo's
    # `languages` (de at the root, en/ beside it) do not apply.
    languages = options.pop("languages", None) or []
    site_lang = (
        options.get("language")
        or (languages[0] if languages else None)
        or (config.get("theme") or {}).get("language")
        or "de"
    )
    if site_lang not in langs:
        options["language"] = langs[0]
    search_options = options.get("search") if isinstance(options.get("search"), dict) else {}
    search_options["index_dir"] = str(tmp / "index")
    search_options["enabled"] = search
    options["search"] = search_options
    if "cache_dir" in options:  # the build cache of incremental builds: fresh, so cold
        options["cache_dir"] = str(tmp / "cache")

    path = tmp / "mkdocs.yml"
    path.write_text(
        f"# Written by bench/scale.py from {repo_config.resolve()}\n"
        + yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


# -- running and measuring -------------------------------------------------------------------


@dataclass
class Site:
    bytes: int = 0
    disk_bytes: int = 0
    files: int = 0
    html_pages: int = 0
    article_pages: int = 0
    largest_page: str = ""
    largest_page_bytes: int = 0
    median_page_bytes: float = 0.0
    largest_any_page: str = ""
    largest_any_page_bytes: int = 0
    notes: list[str] = field(default_factory=list)


def measure_site(site: Path) -> tuple[Site, dict[str, int]]:
    """Sizes of ``site`` and {lang:id: bytes} of its article pages."""
    result = Site()
    html: dict[str, int] = {}
    for dirpath, _dirnames, filenames in os.walk(site):
        for name in filenames:
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            result.bytes += st.st_size
            result.disk_bytes += st.st_blocks * 512
            result.files += 1
            if name.endswith(".html"):
                html[Path(full).relative_to(site).as_posix()] = st.st_size
    result.html_pages = len(html)
    if html:
        result.largest_any_page, result.largest_any_page_bytes = max(
            html.items(), key=lambda kv: kv[1]
        )
    pages: dict[str, int] = {}
    try:
        records = json.loads(
            (site / "assets" / "kbgen" / "articles.json").read_text(encoding="utf-8")
        )["articles"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        result.notes.append(
            f"no readable assets/kbgen/articles.json ({exc}); no article page sizes"
        )
        records = []
    missing = 0
    for record in records:
        url = record["url"].strip("/")
        rel = f"{url}/index.html" if url else "index.html"
        if url.endswith(".html"):
            rel = url
        size = html.get(rel)
        if size is None:
            missing += 1
            continue
        pages[f"{record['lang']}:{record['id']}"] = size
    if missing:
        result.notes.append(f"{missing} articles of articles.json have no page")
    result.article_pages = len(pages)
    if pages:
        key = max(pages, key=pages.__getitem__)
        url = next(r["url"] for r in records if f"{r['lang']}:{r['id']}" == key)
        result.largest_page, result.largest_page_bytes = url, pages[key]
        result.median_page_bytes = statistics.median(pages.values())
    return result, pages


class BuildFailed(Exception):
    pass


def build(label: str, kbgen: str, cfg: Path, articles: Path, tmp: Path, name: str) -> Run:
    report = tmp / f"build-{name}.json"
    cmd = [
        kbgen,
        "build",
        "-f",
        str(cfg),
        "--articles",
        str(articles),
        "--site-dir",
        str(tmp / "site"),
        "--report",
        str(report),
    ]
    progress(f"{label}: kbgen build ({name})")
    run = run_measured(cmd, tmp / f"build-{name}.log", label, cwd=tmp)
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        # Keep the figures, not the list of problems (reviews due: thousands of entries).
        run.report = {k: v for k, v in data.items() if k != "problems"}
    except (OSError, ValueError):
        run.report = {}
    if run.returncode != 0:
        progress(
            f"{label}: build FAILED (exit {run.returncode}) after {run.wall_s:.1f} s; "
            f"command: {' '.join(cmd)}; end of its log:"
        )
        print(log_tail(Path(run.log)), file=sys.stderr)
        raise BuildFailed(label)
    progress(f"{label}: built in {run.wall_s:.1f} s, peak RSS {run.peak_rss_bytes / MB:.0f} MB")
    return run


# -- the incremental edit --------------------------------------------------------------------

_FM_FIELD = re.compile(r"^(id|lang):\s*(\S+)\s*$", re.M)


def pick_article(articles: Path) -> tuple[Path, str, str]:
    """A typical article to edit: the file of median size (ties by path); (path, id, lang)."""
    files = sorted(p for p in articles.rglob("*.md") if p.name != "index.md")
    files.sort(key=lambda p: (p.stat().st_size, p.as_posix()))
    path = files[len(files) // 2]
    head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
    fields = dict(_FM_FIELD.findall(head))
    return path, fields.get("id", ""), fields.get("lang", "")


def edit_article(path: Path, lang: str, marker: str, seed: int) -> None:
    text = corpus.paragraph(lang or "de", random.Random(f"{seed}:scale-edit"), 60)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{text} {marker}\n")


def verify_edit(
    tmp: Path, kbgen: str, article_id: str, lang: str, marker: str, search: bool
) -> dict:
    """Whether the rebuilt site shows the edit: the page, the index, the exported shards."""
    site = tmp / "site"
    result: dict[str, object] = {}
    url = ""
    try:
        records = json.loads(
            (site / "assets" / "kbgen" / "articles.json").read_text(encoding="utf-8")
        )["articles"]
        url = next(r["url"] for r in records if r["id"] == article_id and r["lang"] == lang)
    except (OSError, ValueError, KeyError, StopIteration):
        pass
    page = site / url.strip("/") / "index.html" if url else None
    result["page"] = bool(page and page.is_file() and marker in page.read_text(encoding="utf-8"))
    if not search:
        return result
    proc = subprocess.run(
        [kbgen, "search", marker, "--json", "--index", str(tmp / "index"), "--lang", lang],
        capture_output=True,
        text=True,
        cwd=tmp,
    )
    try:
        hits = json.loads(proc.stdout) if proc.returncode == 0 else []
    except ValueError:
        hits = []
    result["index"] = any(h.get("id") == article_id for h in hits)
    shards = site / "assets" / "kbgen" / "search"
    needle = f'"{marker}"'
    result["export"] = (
        any(
            needle in p.read_text(encoding="utf-8", errors="replace")
            for p in shards.rglob("*.json")
        )
        if shards.is_dir()
        else False
    )
    return result


# -- output ----------------------------------------------------------------------------------


def table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print(
            "  ".join(
                [row[0].ljust(widths[0])]
                + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))


def print_results(results: list[dict]) -> None:
    rows = [
        (
            "run",
            "N",
            "gen s",
            "wall s",
            "cpu s",
            "load",
            "peak RSS MB",
            "site MB",
            "pages",
            "article pages",
            "largest page KB",
            "median page KB",
        )
    ]
    for r in results:
        s = r["site"]
        rows.append(
            (
                r["run"],
                f"{r['n']:,}",
                f"{r['generate_s']:.1f}" if r.get("generate_s") else "",
                f"{r['build']['wall_s']:.1f}",
                f"{r['build']['cpu_s']:.1f}",
                f"{max(r['build']['load_before'], r['build']['load_after']):.1f}",
                f"{r['build']['peak_rss_bytes'] / MB:.0f}",
                f"{s['bytes'] / MB:.1f}",
                f"{s['html_pages']:,}",
                f"{s['article_pages']:,}",
                f"{s['largest_page_bytes'] / KB:.1f}",
                f"{s['median_page_bytes'] / KB:.1f}",
            )
        )
    table(rows)
    for r in results:
        s = r["site"]
        if r["run"] == "cold":
            print(
                f"N={r['n']:,}: largest article page {s['largest_page']} "
                f"({s['largest_page_bytes']:,} B); largest page of any kind "
                f"{s['largest_any_page']} ({s['largest_any_page_bytes']:,} B); "
                f"disk {s['disk_bytes'] / MB:.1f} MB; corpus {r['corpus']['words']:,} words, "
                f"{r['corpus']['categories']} categories, {r['corpus']['sections']} sections"
            )
        b = r["build"]
        print(
            f"N={r['n']:,} {r['run']}: memory {b['peak_rss_bytes'] / MB:.0f} MB = peak of "
            f"{b['processes']} processes together {b['peak_tree_bytes'] / MB:.0f} MB (sampled), "
            f"largest one {b['peak_single_bytes'] / MB:.0f} MB, sum of their peaks "
            f"{b['hwm_sum_bytes'] / MB:.0f} MB ({b['rss_method']})"
        )
        for note in s.get("notes", []):
            print(f"N={r['n']:,} {r['run']}: note: {note}")


def print_phases(results: list[dict]) -> None:
    times: list[str] = []
    counts: list[str] = []
    for r in results:
        for key, value in r["build"]["report"].get("timings", {}).items():
            bucket = counts if isinstance(value, int) and not isinstance(value, bool) else times
            if key not in bucket and key != "total":
                bucket.append(key)
    print(
        "\nPhase timings from kbgen's build report (s, wall clock inside the build; search runs "
        "in a worker process beside page rendering, *_wait is how long the build waited for it)"
    )
    rows = [("run", "N", *times, "total", *counts)]
    for r in results:
        t = r["build"]["report"].get("timings", {})
        rows.append(
            (
                r["run"],
                f"{r['n']:,}",
                *(f"{t[k]:.2f}" if isinstance(t.get(k), (int, float)) else "-" for k in times),
                f"{t['total']:.2f}" if isinstance(t.get("total"), (int, float)) else "-",
                *(str(t.get(k, "-")) for k in counts),
            )
        )
    table(rows)


def evaluate(
    results: list[dict], pages: dict[int, dict[str, int]], edit: dict | None, search: bool
) -> dict:
    cold = {r["n"]: r for r in results if r["run"] == "cold"}
    sizes = sorted(cold)
    lo, hi = sizes[0], sizes[-1]
    summary: dict[str, object] = {}
    print()

    def verdict(met: bool | None) -> str:
        return "not measured" if met is None else "MET" if met else "MISSED"

    if lo != hi:
        ratio = cold[hi]["build"]["wall_s"] / cold[lo]["build"]["wall_s"]
        target = TIME_SLACK * hi / lo
        t_lo = cold[lo]["build"]["report"].get("timings", {}).get("total")
        t_hi = cold[hi]["build"]["report"].get("timings", {}).get("total")
        in_build = f"; kbgen's own total: {t_hi / t_lo:.2f}" if t_lo and t_hi else ""
        cpu_ratio = cold[hi]["build"]["cpu_s"] / cold[lo]["build"]["cpu_s"]
        met = ratio <= target
        summary["time"] = {"ratio": ratio, "cpu_ratio": cpu_ratio, "target": target, "met": met}
        print(
            f"time({hi:,})/time({lo:,}) = {ratio:.2f} (wall{in_build}; CPU time: "
            f"{cpu_ratio:.2f}); target <= {target:g} (linear): {verdict(met)}"
        )
    else:
        summary["time"] = {"met": None}
        print("time ratio: not measured (one size only)")

    rss = cold[hi]["build"]["peak_rss_bytes"] / MB
    met = rss <= MEMORY_TARGET_MB
    summary["memory"] = {"peak_rss_mb": rss, "target_mb": MEMORY_TARGET_MB, "met": met}
    print(f"peak memory at {hi:,}: {rss:.0f} MB; target <= {MEMORY_TARGET_MB} MB: {verdict(met)}")

    if lo != hi:
        s_lo, s_hi = cold[lo]["site"], cold[hi]["site"]
        largest = (
            s_hi["largest_page_bytes"] / s_lo["largest_page_bytes"]
            if s_lo["largest_page_bytes"]
            else 0
        )
        median = (
            s_hi["median_page_bytes"] / s_lo["median_page_bytes"]
            if s_lo["median_page_bytes"]
            else 0
        )
        common = sorted(set(pages[lo]) & set(pages[hi]))
        ratios = sorted(pages[hi][k] / pages[lo][k] for k in common)
        worst = max(common, key=lambda k: pages[hi][k] / pages[lo][k]) if common else ""
        big_hi, big_lo = s_hi["largest_page_bytes"] / KB, s_lo["largest_page_bytes"] / KB
        any_hi, any_lo = s_hi["largest_any_page_bytes"] / KB, s_lo["largest_any_page_bytes"] / KB
        print(
            f"page sizes {hi:,} vs {lo:,}: largest article page {big_hi:.1f} vs {big_lo:.1f} KB "
            f"({largest:.2f}x; it depends on the longest article drawn), median {median:.2f}x, "
            f"largest page of any kind {any_hi:.1f} vs {any_lo:.1f} KB ({any_hi / any_lo:.2f}x)"
        )
        if ratios:
            growth = ratios[-1]
            met = growth <= PAGE_GROWTH_TARGET
            summary["pages"] = {
                "largest_ratio": largest,
                "median_ratio": median,
                "same_articles": len(ratios),
                "same_article_median_ratio": statistics.median(ratios),
                "same_article_max_ratio": growth,
                "worst": worst,
                "target": PAGE_GROWTH_TARGET,
                "met": met,
            }
            print(
                f"flat pages: the same {len(ratios):,} articles' pages at {hi:,} vs {lo:,}: "
                f"median {statistics.median(ratios):.3f}x, max {growth:.3f}x ({worst}); "
                f"target <= {PAGE_GROWTH_TARGET:g}x: {verdict(met)}"
            )
        else:
            summary["pages"] = {"largest_ratio": largest, "median_ratio": median, "met": None}
            print("flat pages: no article common to both sizes: not measured")
    else:
        summary["pages"] = {"met": None}

    if edit:
        full = cold[hi]["build"]["wall_s"]
        inc = edit["edit"]["build"]["wall_s"]
        nochange = edit["nochange"]["build"]["wall_s"]
        met = inc / full <= INCREMENTAL_TARGET
        cpu_full = cold[hi]["build"]["cpu_s"]
        cpu_inc = edit["edit"]["build"]["cpu_s"] / cpu_full
        cpu_nochange = edit["nochange"]["build"]["cpu_s"] / cpu_full
        checks = edit["checks"]
        ok = all(checks.values())
        summary["incremental"] = {
            "one_edit_s": inc,
            "no_change_s": nochange,
            "cold_s": full,
            "ratio": inc / full,
            "cpu_ratio": cpu_inc,
            "no_change_cpu_ratio": cpu_nochange,
            "no_change_ratio": nochange / full,
            "target": INCREMENTAL_TARGET,
            "met": met,
            "article": edit["article"],
            "checks": checks,
            "correct": ok,
        }
        print(
            f"incremental at {hi:,}: one edited article {inc:.1f} s = {inc / full:.1%} of the "
            f"cold build ({full:.1f} s; no change: {nochange:.1f} s = {nochange / full:.1%}; "
            f"CPU time: {cpu_inc:.1%} and {cpu_nochange:.1%}); "
            f"target <= {INCREMENTAL_TARGET:.0%}: {verdict(met)}"
        )
        shown = ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in checks.items())
        print(
            f"incremental build shows the edit ({edit['article']}): {shown}"
            + ("" if ok else "  <-- WRONG: the incremental build is stale")
        )
    busy = [
        r
        for r in results
        if max(r["build"]["load_before"], r["build"]["load_after"]) > (os.cpu_count() or 1)
    ]
    if busy:
        names = ", ".join(f"{r['run']} {r['n']:,}" for r in busy)
        print(
            f"NOTE: the machine was busy during {len(busy)} of {len(results)} builds (load average "
            f"above {os.cpu_count()} CPUs: {names}); wall times include waiting for a CPU, CPU "
            "times do not"
        )
    if not search:
        print("NOTE: built with search DISABLED (--no-search): these are not valid figures")
    return summary


# -- the run ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build generated help centers of growing size; "
        "check that time, memory and page sizes scale."
    )
    parser.add_argument(
        "--sizes",
        default="1000,5000,10000",
        help="comma-separated article counts (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--langs", default="de,en", help="corpus languages (default: %(default)s)")
    parser.add_argument(
        "--config",
        type=Path,
        default=REPO / "mkdocs.yml",
        help="the kbgen configuration to adjust (default: %(default)s)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures to FILE")
    parser.add_argument("--tmp", type=Path, default=None, help="parent of the temporary folder")
    parser.add_argument(
        "--no-search",
        dest="search",
        action="store_false",
        help="build with search disabled (only to test this script)",
    )
    args = parser.parse_args(argv)
    try:
        sizes = sorted({int(x.replace("_", "")) for x in args.sizes.split(",") if x.strip()})
    except ValueError:
        parser.error(f"--sizes: not a list of numbers: {args.sizes!r}")
    if not sizes or sizes[0] < 1:
        parser.error("--sizes: give positive article counts")
    langs = [x.strip() for x in args.langs.split(",") if x.strip()]
    if not args.config.is_file():
        print(f"scale: no configuration {args.config}", file=sys.stderr)
        return 2
    kbgen = find_tool("kbgen")

    if args.tmp:
        args.tmp.mkdir(parents=True, exist_ok=True)
    tmp_root = Path(tempfile.mkdtemp(prefix="kbgen-bench-scale-", dir=args.tmp))
    progress(
        f"sizes {', '.join(f'{n:,}' for n in sizes)}; seed {args.seed}; temporary folder {tmp_root}"
    )
    results: list[dict] = []
    pages: dict[int, dict[str, int]] = {}
    edit: dict | None = None
    try:
        for n in sizes:
            tmp = tmp_root / str(n)
            tmp.mkdir()
            articles = tmp / "articles"
            progress(f"N={n:,}: generating the corpus")
            started = time.perf_counter()
            stats = corpus.generate(articles, n, seed=args.seed, langs=langs)
            gen_s = time.perf_counter() - started
            words = stats["words"]
            progress(f"N={n:,}: {stats['articles']:,} articles, {words:,} words in {gen_s:.1f} s")
            cfg = write_config(args.config, articles, tmp, langs=langs, search=args.search)
            cold = build(f"N={n:,} cold", kbgen, cfg, articles, tmp, "cold")
            site, pages[n] = measure_site(tmp / "site")
            corpus_summary = {k: v for k, v in stats.items() if k != "by_lang"}
            corpus_summary["length_sources"] = {
                k: v["length_source"] for k, v in stats["by_lang"].items()
            }
            results.append(
                {
                    "run": "cold",
                    "n": n,
                    "generate_s": gen_s,
                    "corpus": corpus_summary,
                    "build": asdict(cold),
                    "site": asdict(site),
                }
            )

            if n == sizes[-1]:
                nochange = build(f"N={n:,} no change", kbgen, cfg, articles, tmp, "nochange")
                site_nc, _ = measure_site(tmp / "site")
                results.append(
                    {"run": "no change", "n": n, "build": asdict(nochange), "site": asdict(site_nc)}
                )
                path, art_id, lang = pick_article(articles)
                marker = f"zqscale{args.seed}x{n}"
                edit_article(path, lang, marker, args.seed)
                rel = path.relative_to(articles).as_posix()
                progress(f"N={n:,}: appended a paragraph (marker {marker}) to {rel}")
                edited = build(f"N={n:,} one edit", kbgen, cfg, articles, tmp, "edit")
                site_ed, _ = measure_site(tmp / "site")
                results.append(
                    {"run": "one edit", "n": n, "build": asdict(edited), "site": asdict(site_ed)}
                )
                checks = verify_edit(tmp, kbgen, art_id, lang, marker, args.search)
                edit = {
                    "article": rel,
                    "id": art_id,
                    "marker": marker,
                    "checks": checks,
                    "nochange": results[-2],
                    "edit": results[-1],
                }
            if not args.keep:
                shutil.rmtree(tmp, ignore_errors=True)

        print()
        print(
            f"Scale benchmark: sizes {', '.join(f'{n:,}' for n in sizes)}, seed {args.seed}, "
            f"langs {','.join(langs)}, search {'on' if args.search else 'OFF'} "
            f"({platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"{dt.datetime.now().isoformat(timespec='seconds')})"
        )
        print_results(results)
        print_phases(results)
        summary = evaluate(results, pages, edit, args.search)
        if args.json:
            payload = {
                "bench": "scale",
                "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                "command": [sys.executable, *sys.argv],
                "sizes": sizes,
                "seed": args.seed,
                "langs": langs,
                "search": args.search,
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "units": {"KB": KB, "MB": MB},
                "results": results,
                "edit": {k: v for k, v in (edit or {}).items() if k not in ("nochange", "edit")},
                **summary,
            }
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(
                json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8"
            )
            progress(f"figures written to {args.json}")
    except BuildFailed:
        return 1
    finally:
        if args.keep:
            progress(f"kept {tmp_root}")
        else:
            shutil.rmtree(tmp_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
