"""bench/corpus.py: the seeded help-center generator the scale benchmark builds.

Fast: small corpora (a few hundred articles); the tests that read the real corpora skip when
shared/corpora is absent.
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path, PurePosixPath

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
import corpus  # noqa: E402

NO_CORPORA = "/nonexistent-kbgen-corpora"  # forces the built-in length table
HAVE_CORPORA = all(
    (corpus.DEFAULT_CORPORA / name).is_dir() for name in corpus.CORPUS_FOR_LANG.values()
)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def split(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def articles(root: Path) -> dict[str, tuple[dict, str]]:
    return {
        p.relative_to(root).as_posix(): split(p.read_text(encoding="utf-8"))
        for p in sorted(root.rglob("*.md"))
        if p.name != "index.md"
    }


def without_volatile(stats: dict) -> dict:
    return {k: v for k, v in stats.items() if k not in ("root", "seconds")}


def test_same_seed_same_output(tmp_path):
    a = corpus.generate(tmp_path / "a", 50, seed=5, corpora=NO_CORPORA)
    b = corpus.generate(tmp_path / "b", 50, seed=5, corpora=NO_CORPORA)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert without_volatile(a) == without_volatile(b)
    corpus.generate(tmp_path / "c", 50, seed=6, corpora=NO_CORPORA)
    assert tree(tmp_path / "c") != tree(tmp_path / "a")


def test_shape_front_matter_links_related(tmp_path):
    root = tmp_path / "kb"
    stats = corpus.generate(root, 240, seed=2, corpora=NO_CORPORA)
    found = articles(root)
    assert stats["articles"] == len(found) == 240
    assert stats["by_lang"]["de"]["articles"] == stats["by_lang"]["en"]["articles"] == 120

    # folders: categories and sections, each with complete _meta.yml
    metas = sorted(root.rglob("_meta.yml"))
    assert len(metas) == stats["categories"] + stats["sections"]
    assert stats["categories"] >= 2 and stats["sections"] >= 1
    for meta in metas:
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
        assert set(data) == {"title", "description", "icon", "order"}
        assert data["icon"] == "material/folder-outline" and isinstance(data["order"], int)
        assert len(meta.relative_to(root).parts) in (
            2,
            3,
        )  # category/_meta.yml, category/section/_meta.yml

    ids = {meta["id"] for meta, _ in found.values()}
    assert len(ids) == len(found)
    anchors = {path: set(re.findall(r"\{#([\w.-]+)\}", body)) for path, (_, body) in found.items()}
    for path, (meta, body) in found.items():
        assert set(meta) >= {
            "title",
            "id",
            "description",
            "keywords",
            "tags",
            "promoted",
            "order",
            "related",
            "updated",
            "lang",
        }
        assert meta["title"].endswith("?")
        assert meta["lang"] in ("de", "en") and path.count("/") in (1, 2)
        assert re.fullmatch(r"[A-Za-z0-9._-]+", meta["id"])
        assert meta["keywords"] and meta["tags"]
        assert isinstance(meta["promoted"], bool) and isinstance(meta["order"], int)
        assert str(meta["updated"]) >= "2021-01-01"
        assert meta["id"] not in meta["related"] and set(meta["related"]) <= ids
        for target in LINK.findall(body):  # relative links to existing articles and anchors
            file, _, anchor = target.partition("#")
            resolved = str(PurePosixPath(path).parent / file)
            resolved = str(PurePosixPath(*_normalize(resolved.split("/"))))
            assert resolved in found, (path, target)
            if anchor:
                assert anchor in anchors[resolved], (path, target)
    bodies = "\n".join(body for _, body in found.values())
    assert "\n## " in bodies and "\n- " in bodies and "\n1. " in bodies
    assert stats["tables"] > 0 and stats["admonitions"] > 0 and stats["links"] > 0
    assert "\n| " in bodies and "\n!!! " in bodies
    assert 0 < stats["promoted"] < 20 and stats["related"] > 0


def _normalize(parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part == "..":
            out.pop()
        elif part not in (".", ""):
            out.append(part)
    return out


def test_kbgen_check_is_clean(tmp_path):
    from kbgen.articles import LoadOptions, Severity, check, load

    root = tmp_path / "kb"
    corpus.generate(root, 200, seed=3, corpora=NO_CORPORA)
    catalog = load(root, LoadOptions(default_lang="de"))
    check(catalog)
    shown = [p.format() for p in catalog.problems if p.severity is not Severity.INFO]
    assert shown == []
    assert len(catalog.published) == 200


def test_lengths_follow_the_table_and_are_counted_right(tmp_path):
    root = tmp_path / "kb"
    stats = corpus.generate(root, 600, seed=4, corpora=NO_CORPORA)
    for lang in ("de", "en"):
        assert stats["by_lang"][lang]["length_source"] == "builtin"
    by_lang: dict[str, list[int]] = {"de": [], "en": []}
    total = 0
    for path in sorted(root.rglob("*.md")):
        if path.name == "index.md":
            continue
        text = path.read_text(encoding="utf-8")
        n = corpus.count_words(text)
        total += n
        by_lang[split(text)[0]["lang"]].append(n)
    assert total == stats["words"]  # the generator's accounting agrees with count_words
    probs = corpus.QUANTILE_PROBS
    for lang, counts in by_lang.items():
        table = corpus.BUILTIN_QUANTILES[lang]
        median = statistics.median(counts)
        assert 0.85 * table[probs.index(0.5)] <= median <= 1.15 * table[probs.index(0.5)], lang
        p90 = sorted(counts)[int(0.9 * len(counts))]
        assert 0.7 * table[probs.index(0.9)] <= p90 <= 1.3 * table[probs.index(0.9)], lang
        assert min(counts) >= 1 and max(counts) <= table[-1] * 1.05


def test_sample_length_inverts_the_table():
    import random

    rng = random.Random(1)
    table = corpus.BUILTIN_QUANTILES["en"]
    draws = sorted(corpus.sample_length(rng, table) for _ in range(20000))
    assert table[0] <= draws[0] and draws[-1] <= table[-1]
    for p in (0.1, 0.5, 0.9):
        q = table[corpus.QUANTILE_PROBS.index(p)]
        assert abs(draws[int(p * len(draws))] - q) <= 0.05 * q


def test_prefix_stable_across_sizes(tmp_path):
    small = corpus.generate(tmp_path / "s", 30, seed=9, corpora=NO_CORPORA)
    big = corpus.generate(tmp_path / "b", 90, seed=9, corpora=NO_CORPORA)
    assert small["articles"] == 30 and big["articles"] == 90
    titles_small = {m["id"]: m["title"] for m, _ in articles(tmp_path / "s").values()}
    titles_big = {m["id"]: m["title"] for m, _ in articles(tmp_path / "b").values()}
    assert titles_small.items() <= titles_big.items()


def test_vocabulary_grows(tmp_path):
    stats = corpus.generate(tmp_path / "kb", 300, seed=1, corpora=NO_CORPORA)
    # ~90k words: the real corpora have ~3,500 (en) and ~6,000 (de) distinct terms at this size
    assert stats["distinct_words"] > 5000


def test_refuses_a_folder_with_content(tmp_path):
    (tmp_path / "x.md").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError):
        corpus.generate(tmp_path, 5)


def test_cli(tmp_path, capsys):
    assert (
        corpus.main(
            [
                str(tmp_path / "out"),
                "--articles",
                "12",
                "--seed",
                "3",
                "--langs",
                "en",
                "--corpora",
                NO_CORPORA,
            ]
        )
        == 0
    )
    assert '"articles": 12' in capsys.readouterr().out
    assert all(
        split(p.read_text(encoding="utf-8"))[0]["lang"] == "en"
        for p in (tmp_path / "out").rglob("*.md")
        if p.name != "index.md"
    )


@pytest.mark.skipif(not HAVE_CORPORA, reason="shared/corpora not present")
def test_builtin_table_matches_the_corpora():
    for lang in corpus.CORPUS_FOR_LANG:
        table, source = corpus.length_quantiles(lang)
        assert source != "builtin"
        assert table == corpus.BUILTIN_QUANTILES[lang], f"update BUILTIN_QUANTILES[{lang!r}]"


@pytest.mark.skipif(not corpus.DEFAULT_CORPORA.is_dir(), reason="shared/corpora not present")
def test_no_12_word_run_of_the_corpora(tmp_path):
    root = tmp_path / "kb"
    corpus.generate(root, 150, seed=11, corpora=NO_CORPORA)
    n = 12
    generated = set()
    for path in root.rglob("*.md"):
        words = [w.lower() for w in corpus.words_of(path.read_text(encoding="utf-8"))]
        generated.update(hash(tuple(words[i : i + n])) for i in range(len(words) - n + 1))
    shared = []
    for path in corpus.DEFAULT_CORPORA.rglob("*"):
        if path.suffix not in (".md", ".jsonl") or not path.is_file():
            continue
        words = [
            w.lower() for w in corpus.words_of(path.read_text(encoding="utf-8", errors="replace"))
        ]
        for i in range(len(words) - n + 1):
            if hash(tuple(words[i : i + n])) in generated:
                shared.append((path.name, " ".join(words[i : i + n])))
    assert shared == []
