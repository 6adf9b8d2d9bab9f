"""The corpus's words: completion of the word being typed, and the correction of words the
index lacks (typos and inflections). Mirrored by ``completions`` and ``correct`` in search.js."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from whoosh.searching import Searcher

from kbgen.search.analysis import fold, word_terms

TYPO_MIN_CHARS = 4  # "her", "usa": short words are too often right and too easily "fixed"
TYPO_TWO_EDITS_CHARS = 8  # from this length two edits are allowed


def _inflection(own: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """True when a stem of ``own`` and one of ``other`` are prefix-related within 3 letters."""
    for a in own:
        for b in other:
            short, long = (a, b) if len(a) <= len(b) else (b, a)
            if len(short) >= 4 and long.startswith(short) and len(long) - len(short) <= 3:
                return True
    return False


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance, ``limit + 1`` once it is certainly above ``limit``
    (mirrors ``editDistance`` in search.js)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i]
        low = i
        for j in range(1, len(b) + 1):
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)
            cur.append(value)
            low = min(low, value)
        if low > limit:
            return limit + 1
        before, prev = prev, cur
    return prev[len(b)]


@dataclass
class Vocabulary:
    """Folded corpus words with document frequencies and display forms (for completion)."""

    keys: list[str] = field(default_factory=list)
    entries: dict[str, tuple[str, int]] = field(default_factory=dict)  # key → (display, df)

    @classmethod
    def from_searcher(cls, searcher: Searcher, lang: str) -> Vocabulary:
        reader = searcher.reader()
        best: dict[str, tuple[str, int, int]] = {}  # key → (display, df_sum, display_df)
        for word in reader.field_terms("words"):
            df = reader.doc_frequency("words", word)
            key = fold(word, lang)
            display, total, top = best.get(key, (word, 0, -1))
            if df > top or (df == top and word < display):
                display, top = word, df
            best[key] = (display, total + df, top)
        entries = {k: (v[0], v[1]) for k, v in best.items()}
        return cls(keys=sorted(entries), entries=entries)

    def completions(self, prefix: str, limit: int) -> list[str]:
        """Keys starting with ``prefix``, most frequent first, then alphabetical."""
        start = bisect.bisect_left(self.keys, prefix)
        found = []
        for key in self.keys[start:]:
            if not key.startswith(prefix):
                break
            found.append(key)
        found.sort(key=lambda k: (-self.entries[k][1], k))
        return found[:limit]

    def known(self, key: str) -> bool:
        return key in self.entries

    def correct(self, folded: str, lang: str) -> tuple[str, bool] | None:
        """(corpus word, is a typo) for a word the index lacks, or None (mirrors ``correct``
        in search.js).

        Candidates share the first two letters (or have them swapped, or skip the second):
        the completion shards the browser reads. An inflection of a corpus word — one stem a
        prefix of the other, at most 3 letters apart ("safer"/"safe", "infectd"/"infect") — is
        searched as that word without a notice (the most frequent such word). Otherwise the
        closest word within edit distance 1 (4–7 letters) or 2 (longer) is a typo fix: the
        smallest distance wins, then the most documents. Shorter words are left alone."""
        if len(folded) < TYPO_MIN_CHARS:
            return None
        limit = 1 if len(folded) < TYPO_TWO_EDITS_CHARS else 2
        own = word_terms(folded, lang)
        heads = list(dict.fromkeys([folded[:2], folded[1] + folded[0], folded[0] + folded[2]]))
        best: tuple[int, int, str] | None = None
        related: tuple[int, str] | None = None
        for head in heads:
            start = bisect.bisect_left(self.keys, head)
            for key in self.keys[start:]:
                if not key.startswith(head):
                    break
                df = self.entries[key][1]
                if _inflection(own, word_terms(key, lang)):
                    if related is None or df > related[0]:
                        related = (df, key)
                    continue
                dist = edit_distance(folded, key, limit)
                if dist > limit:
                    continue
                if best is None or dist < best[0] or (dist == best[0] and df > best[1]):
                    best = (dist, df, key)
        if related is not None:
            return related[1], False
        return (best[2], True) if best else None
