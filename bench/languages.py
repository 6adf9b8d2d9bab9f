"""Languages benchmark: what a second language costs (issue 10: "two languages cost about twice
one").

Generates a seeded German help center and an English one of N articles each with
bench/corpus.py, then runs three COLD builds with ``kbgen build`` (each in a subprocess, with
the repository's mkdocs.yml adjusted like bench/scale.py does: fresh site, index and cache):

* **de** — the German help center alone (``language: de``);
* **en** — the English one alone (``language: en``);
* **de+en** — both in one site (``languages: [de, en]``: German at the root, English in
  ``articles/en/``), two indexes, two exports, two sets of pages.

It prints wall time, CPU time, peak memory and pages per build, and the ratios de+en / de and
de+en / (de + en). Target: de+en costs at most 1.1 × (de + en) in CPU time (twice one
language, no more). Like every bench here, the ratios are measured in the same run.

    python bench/languages.py                      # 1,000 articles per language
    python bench/languages.py --articles 300 --json languages.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate  # noqa: E402  (bench/corpus.py)
from measure import MB, _Dumper, find_tool, progress, project_config, run_measured  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TARGET = 1.1


def write_config(tmp: Path, articles: Path, languages: list[str]) -> Path:
    config, options = project_config(REPO / "mkdocs.yml", articles, tmp / "site")
    options.pop("languages", None)
    options.pop("language", None)
    if len(languages) > 1:
        options["languages"] = languages
    else:
        options["language"] = languages[0]
    search = options.get("search") if isinstance(options.get("search"), dict) else {}
    search["index_dir"] = str(tmp / "index")
    options["search"] = search
    options["cache_dir"] = str(tmp / "cache")
    options.pop("extra_front_matter", None)
    path = tmp / "mkdocs.yml"
    path.write_text(yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def build(kbgen: str, tmp: Path, articles: Path, languages: list[str]) -> dict:
    tmp.mkdir(parents=True)
    config = write_config(tmp, articles, languages)
    report = tmp / "report.json"
    cmd = [kbgen, "build", "-f", str(config), "--report", str(report)]
    label = "+".join(languages)
    progress(f"{label}: kbgen build")
    run = run_measured(cmd, tmp / "build.log", label, cwd=tmp)
    if run.returncode != 0:
        sys.exit(f"bench: build {label} failed; see {tmp / 'build.log'}")
    data = json.loads(report.read_text(encoding="utf-8"))
    progress(f"{label}: {run.wall_s:.1f} s wall, {run.cpu_s:.1f} s CPU")
    return {
        "run": asdict(run),
        "articles": data["articles"]["published"],
        "html_pages": data["sizes"]["html_pages"],
        "timings": data["timings"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="What a second language costs.")
    parser.add_argument("--articles", type=int, default=1000, help="articles per language")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures to FILE")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    kbgen = find_tool("kbgen")
    tmp = Path(tempfile.mkdtemp(prefix="kbgen-bench-languages-"))
    try:
        progress(f"{args.articles:,} articles per language; temporary folder {tmp}")
        generate(tmp / "de", args.articles, seed=args.seed, langs=("de",))
        generate(tmp / "en", args.articles, seed=args.seed, langs=("en",))
        both = tmp / "both"
        shutil.copytree(tmp / "de", both)
        shutil.copytree(tmp / "en", both / "en")
        results = {
            "de": build(kbgen, tmp / "build-de", tmp / "de", ["de"]),
            "en": build(kbgen, tmp / "build-en", tmp / "en", ["en"]),
            "de+en": build(kbgen, tmp / "build-both", both, ["de", "en"]),
        }
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nLanguages benchmark: {args.articles:,} articles per language (seed {args.seed})")
    print("build   articles  pages  wall s   cpu s  peak MB")
    for name, r in results.items():
        run = r["run"]
        print(
            f"{name:6} {r['articles']:9,} {r['html_pages']:6,} {run['wall_s']:7.1f} "
            f"{run['cpu_s']:7.1f} {run['peak_rss_bytes'] / MB:8.0f}"
        )
    cpu = {name: r["run"]["cpu_s"] for name, r in results.items()}
    wall = {name: r["run"]["wall_s"] for name, r in results.items()}
    ratio_one = cpu["de+en"] / cpu["de"]
    ratio_sum = cpu["de+en"] / (cpu["de"] + cpu["en"])
    print(f"\nCPU  de+en / de: {ratio_one:.2f}   de+en / (de + en): {ratio_sum:.2f}")
    print(
        f"wall de+en / de: {wall['de+en'] / wall['de']:.2f}   "
        f"de+en / (de + en): {wall['de+en'] / (wall['de'] + wall['en']):.2f}"
    )
    met = "MET" if ratio_sum <= TARGET else "MISSED"
    print(f"target de+en CPU <= {TARGET} x (de + en): {met}")
    if args.json:
        payload = {
            "articles_per_language": args.articles,
            "seed": args.seed,
            "results": results,
            "cpu_ratio_to_one": ratio_one,
            "cpu_ratio_to_sum": ratio_sum,
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
