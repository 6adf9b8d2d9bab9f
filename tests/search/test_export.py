"""The static export: lossless, deterministic, cache-safe and small."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from test_parity import demo_docs

from kbgen.search import Engine, SearchSettings, export_static, update_index
from kbgen.search.engine import iter_terms, term_scores
from kbgen.search.export import (
    FORMAT_VERSION,
    MANIFEST,
    decode_postings,
    encode_postings,
    fnv1a32,
)


def _build(tmp_path: Path) -> tuple[SearchSettings, Path]:
    settings = SearchSettings(index_dir=tmp_path / "index", synonyms=[["Retoure", "Rücksendung"]])
    update_index(demo_docs(), settings)
    out = tmp_path / "search"
    export_static(settings, out)
    return settings, out


def test_postings_round_trip_exactly() -> None:
    postings = [(0, 1.5), (3, 0.1 + 0.2), (4, 1.5), (9, 1e-17), (12, 1.5), (20, 1.5)]
    for entry in (encode_postings(postings), encode_postings(postings[:2])):
        back = json.loads(json.dumps(entry))
        assert decode_postings(back) == [p for p in postings if p[0] in dict(decode_postings(back))]
    assert decode_postings(json.loads(json.dumps(encode_postings(postings)))) == postings


def test_every_term_is_in_its_shard_with_whoosh_values(tmp_path: Path) -> None:
    settings, out = _build(tmp_path)
    manifest = json.loads((out / MANIFEST).read_text())
    meta = manifest["langs"]["de"]
    with Engine(settings.index_dir, settings) as engine:
        index = engine.langs["de"]
        canonical = {
            d: r for r, d in enumerate(sorted(range(len(index.ids)), key=lambda d: index.ids[d]))
        }
        terms = iter_terms(index.searcher)
        assert any(" " in t for t in terms)  # word pairs, in shards of their own
        for term in terms:
            name = (
                f"p{fnv1a32(term) % meta['pairs']}"
                if " " in term
                else f"t{fnv1a32(term) % meta['terms']}"
            )
            shard = json.loads((out / meta["dir"] / f"{name}.json").read_text())
            expected = sorted(
                (canonical[d], v)
                for d, v in term_scores(index.searcher, term, settings.field_weights()).items()
            )
            assert decode_postings(shard[term]) == expected


def test_export_is_deterministic_and_content_addressed(tmp_path: Path) -> None:
    _, out = _build(tmp_path)
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    settings, out2 = _build(tmp_path / "again")
    second = {p.relative_to(out2): p.read_bytes() for p in out2.rglob("*") if p.is_file()}
    assert first == second
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["format"] == FORMAT_VERSION == 2
    assert sorted(manifest["langs"]) == ["de", "en"]
    # a changed article gives new directory names, so browsers never mix old and new shards
    docs = demo_docs()
    docs[0].body += " Neu"
    update_index(docs, settings)
    export_static(settings, out2)
    manifest2 = json.loads((out2 / MANIFEST).read_text())
    assert manifest2["langs"]["de"]["dir"] != manifest["langs"]["de"]["dir"]
    assert manifest2["langs"]["en"]["dir"] == manifest["langs"]["en"]["dir"]
    assert sorted(p.name for p in out2.iterdir()) == sorted(
        [MANIFEST] + [m["dir"] for m in manifest2["langs"].values()]
    )


def test_display_records_hold_text_not_markup(tmp_path: Path) -> None:
    _, out = _build(tmp_path)
    manifest = json.loads((out / MANIFEST).read_text())
    meta = manifest["langs"]["de"]
    records = [
        r for f in sorted((out / meta["dir"]).glob("d*.json")) for r in json.loads(f.read_text())
    ]
    probe = next(r for r in records if r[0] == "xss-probe")
    assert probe[1].startswith("<script>")  # stored as text; the UI renders it with textContent
    assert len(records) == meta["docs"]


def test_shards_stay_small(tmp_path: Path) -> None:
    _, out = _build(tmp_path)
    largest = max(len(gzip.compress(p.read_bytes())) for p in out.rglob("*.json"))
    assert largest < 20_000
