"""Build benchmark: kbgen against stock mkdocs-material on a real corpus, in one run.

Builds the 2,460 Microsoft support articles of ``shared/corpora/ms-officedocs-support-en``
twice, each in its own subprocess:

* **kbgen** — ``kbgen build`` with a temporary copy of the repository's ``mkdocs.yml``
  (plugin ``language: en``, the DocFX ``includes`` folders excluded, the search index in
  the temporary folder, so every run is a cold build);
* **stock** — mkdocs-material with its defaults and its search plugin (``mkdocs build``).

For each it measures wall time, CPU time and peak memory of the build (the largest sum of
RSS over its process tree, sampled every 50 ms, as bench/measure.py's ``run_measured`` does:
kbgen runs its search in a worker process), then walks the site: bytes, number of article pages,
the largest and the median article page. It prints a table, the stock/kbgen ratios and
whether the targets hold (kbgen at least 6x faster, every kbgen article page at most
30 KB). A missed target is printed as MISSED but still exits 0; only a failing build exits
non-zero (1, with the end of its log), a missing corpus exits 2.

    python bench/build.py                     # full run (stock takes minutes)
    python bench/build.py --skip-stock        # kbgen only, no ratios
    python bench/build.py --json figures.json --keep

Sizes: KB = 1024 bytes, MB = 1024 * 1024 bytes; page sizes are HTML bytes as written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import (  # noqa: E402  (bench/measure.py)
    KB,
    MB,
    _Dumper,
    find_tool,
    log_tail,
    progress,
    project_config,
    run_measured,
)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "ms-officedocs-support-en"
KBGEN_EXCLUDE = ["includes", "*/includes"]  # DocFX snippet folders, not articles
STOCK_EXCLUDE = "includes/\n"  # gitignore-style: any folder named includes

MS_FRONT_MATTER = (
    "author", "manager", "audience", "appliesto", "editor", "keyword", "date", "ROBOTS",
    "search.appverid", "f1.keywords", "f1_keywords", "adobe-target", "ms.topic", "ms.author",
    "ms.custom", "ms.date", "ms.reviewer", "ms.assetid", "ms.collection", "ms.service",
    "ms.editor",
)  # fmt: skip
SPEED_TARGET = 6.0  # kbgen at least this many times faster than stock (wall time)
PAGE_TARGET_KB = 30  # every kbgen article page at most this many KB


# -- configurations ------------------------------------------------------------------------


def kbgen_config(repo_config: Path, corpus: Path, tmp: Path, *, search: bool) -> Path:
    """The repository's mkdocs.yml, adjusted for the corpus, written into ``tmp``."""
    config, options = project_config(repo_config, corpus, tmp / "site")  # --articles too
    options["language"] = "en"
    options.pop("languages", None)  # the corpus is one language (the demo's are de and en)
    options["exclude"] = list(KBGEN_EXCLUDE)
    # Microsoft Docs metadata, declared so the build reports only real problems.
    options["extra_front_matter"] = list(MS_FRONT_MATTER)
    search_options = options.get("search") if isinstance(options.get("search"), dict) else {}
    search_options["index_dir"] = str(tmp / "index")
    if not search:
        search_options["enabled"] = False
    options["search"] = search_options

    path = tmp / "mkdocs.yml"
    path.write_text(
        "# Written by bench/build.py from "
        + str(repo_config.resolve())
        + "\n"
        + yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


def stock_config(corpus: Path, tmp: Path) -> Path:
    config = {
        "site_name": "Stock mkdocs-material (bench)",
        "docs_dir": str(corpus),
        "site_dir": str(tmp / "site"),
        "exclude_docs": STOCK_EXCLUDE,
        "theme": {"name": "material"},
        "plugins": ["search"],
    }
    path = tmp / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Site:
    bytes: int = 0
    disk_bytes: int = 0
    files: int = 0
    article_pages: int = 0
    largest_page: str = ""
    largest_page_bytes: int = 0
    median_page_bytes: float = 0.0
    smallest_page_bytes: int = 0
    p90_page_bytes: float = 0.0
    pages_over_target: int = 0
    notes: list[str] = field(default_factory=list)


def measure_site(site: Path, is_article_dir) -> Site:
    """Walk ``site``: total size, and the sizes of the article pages ``is_article_dir`` picks."""
    result = Site()
    pages: list[tuple[int, str]] = []
    for dirpath, _dirnames, filenames in os.walk(site):
        rel_dir = Path(dirpath).relative_to(site).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        for name in filenames:
            st = os.lstat(os.path.join(dirpath, name))
            result.bytes += st.st_size
            result.disk_bytes += st.st_blocks * 512
            result.files += 1
            if name == "index.html" and is_article_dir(rel_dir):
                pages.append((st.st_size, f"{rel_dir}/index.html"))
    result.article_pages = len(pages)
    if pages:
        result.largest_page_bytes, result.largest_page = max(pages)
        sizes = sorted(size for size, _ in pages)
        result.median_page_bytes = statistics.median(sizes)
        result.smallest_page_bytes = sizes[0]
        result.p90_page_bytes = sizes[min(len(sizes) - 1, int(0.9 * len(sizes)))]
        result.pages_over_target = sum(1 for size, _ in pages if size > PAGE_TARGET_KB * KB)
    return result


def corpus_folders(corpus: Path) -> set[str]:
    folders = set()
    for dirpath, _dirnames, _filenames in os.walk(corpus):
        rel = Path(dirpath).relative_to(corpus).as_posix()
        if rel != ".":
            folders.add(rel)
    return folders


def kbgen_article_filter(corpus: Path):
    # Home (''), the search page and the category/section landing pages (one per folder)
    # are not articles; every other index.html is an article page.
    not_articles = corpus_folders(corpus) | {"", "search"}
    return lambda rel_dir: rel_dir not in not_articles


def check_kbgen_manifest(site: Path, measured: Site) -> None:
    """Cross-check the page count against the article list kbgen writes for the site."""
    manifest = site / "assets" / "kbgen" / "articles.json"
    try:
        records = json.loads(manifest.read_text(encoding="utf-8"))["articles"]
    except (OSError, ValueError, KeyError, TypeError):
        measured.notes.append(
            "no readable assets/kbgen/articles.json to cross-check the page count"
        )
        return
    if len(records) != measured.article_pages:
        measured.notes.append(
            f"page count {measured.article_pages} differs from the {len(records)} articles in "
            "assets/kbgen/articles.json"
        )


# -- the run -------------------------------------------------------------------------------


def build_one(label: str, cmd: list[str], tmp: Path, article_filter) -> dict:
    progress(f"{label}: {' '.join(cmd)}")
    run = run_measured(cmd, tmp / "build.log", label, cwd=tmp)
    if run.returncode != 0:
        progress(
            f"{label}: build FAILED (exit {run.returncode}) after {run.wall_s:.1f} s; "
            "end of its log:"
        )
        print(log_tail(run.log), file=sys.stderr)
        raise SystemExit(1)
    progress(f"{label}: built in {run.wall_s:.1f} s; measuring the site")
    site = measure_site(tmp / "site", article_filter)
    if label == "kbgen":
        check_kbgen_manifest(tmp / "site", site)
    for note in site.notes:
        progress(f"{label}: note: {note}")
    figures = {"command": cmd, **asdict(run), **asdict(site)}
    figures["log"] = str(run.log)
    reported = re.search(r"in ([0-9.]+) s\s*$", log_tail(run.log, 5), re.M)
    if label == "kbgen" and reported:
        figures["kbgen_reported_s"] = float(reported.group(1))
    return figures


def print_table(results: dict[str, dict]) -> None:
    header = (
        "tool",
        "wall s",
        "cpu s",
        "peak RSS MB",
        "site MB",
        "article pages",
        "largest article KB",
        "median page KB",
    )
    rows = [header]
    for tool, r in results.items():
        rows.append(
            (
                tool,
                f"{r['wall_s']:.1f}",
                f"{r['cpu_s']:.1f}",
                f"{r['peak_rss_bytes'] / MB:.0f}",
                f"{r['bytes'] / MB:.1f}",
                f"{r['article_pages']}",
                f"{r['largest_page_bytes'] / KB:.1f}",
                f"{r['median_page_bytes'] / KB:.1f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for n, row in enumerate(rows):
        right = [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        cells = [row[0].ljust(widths[0]), *right]
        print("  ".join(cells))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for tool, r in results.items():
        print(
            f"{tool}: largest article page {r['largest_page']} "
            f"({r['largest_page_bytes']:,} bytes); "
            f"smallest {r['smallest_page_bytes'] / KB:.1f} KB, "
            f"90th percentile {r['p90_page_bytes'] / KB:.1f} KB, "
            f"{r['pages_over_target']} over {PAGE_TARGET_KB} KB"
        )


def evaluate(results: dict[str, dict], skipped_stock: bool, search: bool) -> dict:
    kb = results["kbgen"]
    summary: dict[str, object] = {}
    print()
    if "stock" in results:
        st = results["stock"]
        time_ratio = st["wall_s"] / kb["wall_s"]
        size_ratio = st["bytes"] / kb["bytes"] if kb["bytes"] else float("inf")
        cpu_ratio = st["cpu_s"] / kb["cpu_s"] if kb["cpu_s"] else float("inf")
        summary["ratios"] = {"time": time_ratio, "cpu": cpu_ratio, "size": size_ratio}
        print(f"stock/kbgen wall time: {time_ratio:.1f}x   (CPU time: {cpu_ratio:.1f}x)")
        print(f"stock/kbgen site size: {size_ratio:.1f}x")
        speed_met = time_ratio >= SPEED_TARGET
        summary["speed_target"] = {"target": SPEED_TARGET, "value": time_ratio, "met": speed_met}
        print(
            f"target kbgen >= {SPEED_TARGET:g}x faster than stock: "
            f"{'met' if speed_met else 'MISSED'} ({time_ratio:.1f}x)"
        )
    else:
        summary["speed_target"] = {"target": SPEED_TARGET, "value": None, "met": None}
        print(f"target kbgen >= {SPEED_TARGET:g}x faster than stock: not measured (--skip-stock)")
    page_met = kb["article_pages"] > 0 and kb["largest_page_bytes"] <= PAGE_TARGET_KB * KB
    summary["page_target"] = {
        "target_kb": PAGE_TARGET_KB,
        "largest_kb": kb["largest_page_bytes"] / KB,
        "pages_over": kb["pages_over_target"],
        "met": page_met,
    }
    detail = (
        f"largest {kb['largest_page_bytes'] / KB:.1f} KB, "
        f"{kb['pages_over_target']} of {kb['article_pages']} pages over"
    )
    print(
        f"target kbgen article pages <= {PAGE_TARGET_KB} KB each: "
        f"{'met' if page_met else 'MISSED'} ({detail})"
    )
    if not search:
        print(
            "NOTE: kbgen built with search DISABLED (--no-kbgen-search): "
            "these are not valid figures"
        )
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build a real corpus with kbgen and with stock mkdocs-material; compare.",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="folder of Markdown articles (default: %(default)s)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=REPO / "mkdocs.yml",
        help="the kbgen project configuration to adjust (default: %(default)s)",
    )
    parser.add_argument(
        "--skip-stock", action="store_true", help="build with kbgen only (no ratios)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folders (sites, logs)"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures to FILE")
    parser.add_argument(
        "--no-kbgen-search",
        dest="search",
        action="store_false",
        help="build kbgen with search disabled (only to test this script; not valid figures)",
    )
    args = parser.parse_args(argv)

    corpus = args.corpus.resolve()
    if not corpus.is_dir() or not any(corpus.rglob("*.md")):
        print(
            f"bench: corpus not found or holds no Markdown: {corpus}\n"
            "  it lives in shared/corpora/ beside the repository; pass --corpus DIR",
            file=sys.stderr,
        )
        return 2
    if not args.config.is_file():
        print(f"bench: no configuration {args.config}", file=sys.stderr)
        return 2

    tmp_root = Path(tempfile.mkdtemp(prefix="kbgen-bench-build-"))
    progress(f"corpus {corpus}; temporary folder {tmp_root}")
    results: dict[str, dict] = {}
    try:
        kb_tmp = tmp_root / "kbgen"
        kb_tmp.mkdir()
        cfg = kbgen_config(args.config, corpus, kb_tmp, search=args.search)
        cmd = [
            find_tool("kbgen"),
            "build",
            "-f",
            str(cfg),
            "--articles",
            str(corpus),
            "--site-dir",
            str(kb_tmp / "site"),
        ]
        results["kbgen"] = build_one("kbgen", cmd, kb_tmp, kbgen_article_filter(corpus))

        if not args.skip_stock:
            st_tmp = tmp_root / "stock"
            st_tmp.mkdir()
            cfg = stock_config(corpus, st_tmp)
            cmd = [find_tool("mkdocs"), "build", "-f", str(cfg)]
            results["stock"] = build_one("stock", cmd, st_tmp, lambda rel_dir: rel_dir != "")

        print()
        print(
            f"Build benchmark: {corpus.name} ({platform.node()}, {os.cpu_count()} CPUs, "
            f"{dt.datetime.now().isoformat(timespec='seconds')})"
        )
        print_table(results)
        summary = evaluate(results, args.skip_stock, args.search)
        if args.json:
            payload = {
                "bench": "build",
                "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                "corpus": str(corpus),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "kbgen_search": args.search,
                "units": {"KB": KB, "MB": MB},
                "results": results,
                **summary,
            }
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(
                json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8"
            )
            progress(f"figures written to {args.json}")
    finally:
        if args.keep:
            progress(f"kept {tmp_root}")
        else:
            progress(f"removing {tmp_root}")
            shutil.rmtree(tmp_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
