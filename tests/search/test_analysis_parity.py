"""The browser's analyzer (search.js) must turn every word into the same terms as Python's."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from searchkit import SHARED, needs_node, run_node

from kbgen.search.analysis import analyze, stopwords

CORPORA = {
    "de": ["ms-alchemyinsights-de", "cwa-faq/markdown/de", "adobe-commerce-kb/de"],
    "en": ["ms-officedocs-support-en", "cwa-faq/markdown/en", "adobe-commerce-kb/en"],
}
HANDMADE = (
    "Rückgabe Ruckgabe Rueckgabe RÜCKGABE zurückschicken zurückgeschickt zurückzuschicken "
    "Straße STRASSE Maße Feuer Bauer Quelle aktuell getestet geimpft Angehörigen Auszubildende "
    "café naïve Ægir Œuvre ΟΔΟΣ İstanbul ﬁle ½ x² 🙂 日本語 Привет São-Paulo don't it's "
    "generously communication arsenal skies dying inning proceeded hopping hoping agreed "
    "happily cry crying Yvonne sayings ponies caresses"
)


def _vocabulary(lang: str, limit: int) -> list[str]:
    words: set[str] = set(HANDMADE.split())
    for folder in CORPORA[lang]:
        root = SHARED / "corpora" / folder
        for path in sorted(root.rglob("*.md"))[:3000]:
            words.update(re.findall(r"[^\W_]+", path.read_text(encoding="utf-8", errors="ignore")))
    ordered = sorted(words)
    random.Random(7).shuffle(ordered)
    return ordered[:limit]


@needs_node
@pytest.mark.parametrize("lang", ["de", "en", "fr"])
def test_browser_analyzer_equals_python(lang: str, tmp_path: Path) -> None:
    source = "de" if lang == "fr" else lang
    words = _vocabulary(source, 40_000)
    chunks = [" ".join(words[i : i + 200]) for i in range(0, len(words), 200)]
    stop = sorted(stopwords(lang))
    got = run_node(
        "analyze",
        requests=[{"text": c, "lang": lang, "stop": stop} for c in chunks],
        tmp_path=tmp_path,
    )
    for chunk, terms in zip(chunks, got, strict=True):
        expected = analyze(chunk, lang)
        if terms != expected:
            diff = [
                (w, analyze(w, lang), t)
                for w in chunk.split()
                for t in [None]
                if analyze(w, lang)
                != run_node(
                    "analyze", requests=[{"text": w, "lang": lang, "stop": stop}], tmp_path=tmp_path
                )[0]
            ]
            pytest.fail(f"analysis differs for {diff[:10]}")
