"""Text analysis: the one definition of how text becomes index terms.

The browser client (``kbgen/assets/search.js``) implements exactly the same steps, so a query
word the corpus never contained ("gefährlicher", "zurückgeschickt") is analysed in the browser
as Whoosh analyses it. ``tests/search/test_analysis_parity.py`` compares both on large word
lists; change this module and ``search.js`` together and bump :data:`ANALYZER_VERSION`.

Steps per language:

1. tokenize: maximal runs of Unicode letters and digits (``[^\\W_]+``);
2. fold: lowercase, NFKD, drop combining marks (é→e, ä→a), ß→ss, final sigma → sigma;
   German also folds the transliterations ae/oe/ue → a/o/u (not after a vowel or q, so
   "Feuer", "Bauer", "Quelle" keep their letters) — "Rückgabe", "Ruckgabe" and "Rueckgabe"
   become one word;
3. drop stop words and one-letter tokens, and tokens longer than 64 characters;
4. stem (Snowball German, Porter2 English) ASCII tokens;
5. German only: separable-verb participles and zu-infinitives ("zurückgeschickt",
   "zurückzuschicken") and weak ge-participles ("getestet") *also* yield the stem of the
   reconstructed infinitive ("zurückschicken", "testen"). Emitting both keeps exact matches
   while letting the forms meet; it never removes a match.

Besides the terms, two derived streams feed fields of their own:

* compound parts (German): :func:`split_compound` splits a folded word by greedy longest
  match against the corpus's own vocabulary, allowing the linking elements s, es, n, en, e
  ("testergebnis" → "test" + "ergebnis", "lieferungsstatus" → "lieferung" + "status"); the
  parts are indexed *in addition to* the whole word, in the lower-weighted ``parts`` field;
* word pairs: :func:`pair_terms` joins each term with the next one (stop words skipped), so a
  query whose words stand side by side in a document finds the pair ("paket verfolg").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter2 import stem as _porter2_stem
from whoosh.lang.snowball.german import GermanStemmer
from whoosh.lang.stopwords import stoplists

ANALYZER_VERSION = 2
STEMMED_LANGS = ("de", "en")
MAX_TOKEN_CHARS = 64

_WORD = re.compile(r"[^\W_]+")
_MARKS = "Mn"
_DE_DIGRAPH = re.compile(r"(?<![aeiouq])([aou])e")
_ASCII_WORD = re.compile(r"[a-z0-9]+")

# Question words and auxiliaries missing from Whoosh's German list; customers type questions
# ("Wann kommt mein Paket?"), and the English list already drops how/what/when/why.
_EXTRA_STOPWORDS = {
    "de": {
        "wann",
        "wer",
        "wem",
        "wen",
        "wessen",
        "warum",
        "wieso",
        "weshalb",
        "woher",
        "wohin",
        "womit",
        "wozu",
        "worauf",
        "wodurch",
        "gibt",
        "gilt",
        "bzw",
        "z",
        "b",
        "ca",
    },
    "en": {"can", "could", "would", "may", "might", "must", "shall", "get", "got", "also"},
}

# Separable verb prefixes (folded). Longest first so "zurück" wins over "zu".
_SEPARABLE = sorted(
    """ab an auf aus bei dar durch ein fest fort frei her heraus herein herunter hin hinaus
    hinein hoch los mit nach statt teil um vor voran vorbei weg weiter wieder zu zuruck
    zusammen""".split(),
    key=len,
    reverse=True,
)
_PREFIX_ALT = "|".join(_SEPARABLE)
# Applied to the *stem*, which already lost inflection endings ("zurückgeschickten").
_SEP_PARTICIPLE = re.compile(rf"^({_PREFIX_ALT})ge([a-z]{{3,}})$")
_SEP_ZU_INFINITIVE = re.compile(rf"^({_PREFIX_ALT})zu([a-z]{{3,}})$")
_WEAK_PARTICIPLE = re.compile(r"^ge([a-z]{3,}?)e?t$")

_german = GermanStemmer()


@lru_cache(maxsize=500_000)
def fold(word: str, lang: str) -> str:
    """Case and accent folding of one token; see the module docstring.

    Cached: a corpus repeats a small vocabulary millions of times, and folding character by
    character was the largest cost of indexing."""
    text = word.lower().replace("ς", "σ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != _MARKS)
    text = text.replace("ß", "ss")
    if lang == "de":
        text = _DE_DIGRAPH.sub(r"\1", text)
    return text


def tokenize(text: str) -> list[str]:
    """Surface words of ``text`` in order (no folding)."""
    return _WORD.findall(text)


@lru_cache(maxsize=16)
def stopwords(lang: str) -> frozenset[str]:
    """Folded stop words for ``lang`` (empty for languages without a list)."""
    if lang not in STEMMED_LANGS:
        return frozenset()
    words = set(stoplists[lang]) | _EXTRA_STOPWORDS.get(lang, set())
    return frozenset(fold(w, lang) for w in words)


def _stem(word: str, lang: str) -> str:
    if lang == "de":
        return _german.stem(word)
    return _porter2_stem(word)


def _german_variant(stem: str) -> str | None:
    """The infinitive's stem for participle-like stems, or None."""
    match = _SEP_PARTICIPLE.match(stem)
    if match:
        rest = match.group(2)
        # Weak participles keep their final -t/-et after stemming: zurückgeschickt.
        if rest.endswith("et") and len(rest) > 4:
            rest = rest[:-2]
        elif rest.endswith("t") and len(rest) > 3:
            rest = rest[:-1]
        return _german.stem(match.group(1) + rest + "en")
    match = _SEP_ZU_INFINITIVE.match(stem)
    if match:
        return _german.stem(match.group(1) + match.group(2) + "en")
    match = _WEAK_PARTICIPLE.match(stem)
    if match:
        return _german.stem(match.group(1) + "en")
    return None


@lru_cache(maxsize=200_000)
def word_terms(folded: str, lang: str) -> tuple[str, ...]:
    """Index terms for one folded token: () for stop words, usually one term, two for
    German participle-like forms."""
    if len(folded) < 2 or len(folded) > MAX_TOKEN_CHARS or folded in stopwords(lang):
        return ()
    if lang not in STEMMED_LANGS or not _ASCII_WORD.fullmatch(folded):
        return (folded,)
    stem = _stem(folded, lang)
    if lang != "de":
        return (stem,)
    variant = _german_variant(stem)
    return (stem, variant) if variant and variant != stem else (stem,)


COMPOUND_LANGS = ("de",)
MIN_PART = 4  # shorter parts are mostly noise ("ver", "tag"); compounds need two of them
LINKS = ("es", "en", "s", "n", "e")  # linking elements, longest first


def split_compound(folded: str, known: Callable[[str], bool], _depth: int = 0) -> tuple[str, ...]:
    """Parts of a folded compound by greedy longest match against ``known`` words, or ().

    The longest known head of at least :data:`MIN_PART` characters wins; the rest (after an
    optional linking element) must be a known word or split the same way. Deterministic and
    mirrored exactly in ``search.js`` (``splitCompound``)."""
    chars = len(folded)
    if chars < 2 * MIN_PART or _depth > 4 or not _ASCII_WORD.fullmatch(folded):
        return ()
    for cut in range(chars - MIN_PART, MIN_PART - 1, -1):
        head = folded[:cut]
        if not known(head):
            continue
        rest = folded[cut:]
        tails = [rest] + [rest[len(link) :] for link in LINKS if rest.startswith(link)]
        for tail in tails:
            if len(tail) >= MIN_PART and known(tail):
                return (head, tail)
        for tail in tails:
            deeper = split_compound(tail, known, _depth + 1)
            if deeper:
                return (head, *deeper)
    return ()


def part_terms(parts: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """Index terms of compound parts (each part analysed as a word), without duplicates."""
    out: list[str] = []
    for part in parts:
        for term in word_terms(part, lang):
            if term not in out:
                out.append(term)
    return tuple(out)


def primary_terms(text: str, lang: str) -> list[str]:
    """The first term of every non-stop word of ``text``, in order (for word pairs)."""
    out = []
    for word in tokenize(text):
        terms = word_terms(fold(word, lang), lang)
        if terms:
            out.append(terms[0])
    return out


def pair_terms(terms: list[str]) -> list[str]:
    """Adjacent pairs "a b" of a term sequence (a pair of one term twice is dropped)."""
    return [f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False) if a != b]


def analyze(text: str, lang: str) -> list[str]:
    """All index terms of ``text`` in order."""
    return [term for word in tokenize(text) for term in word_terms(fold(word, lang), lang)]


def query_words(text: str, lang: str) -> list[tuple[str, tuple[str, ...]]]:
    """(folded word, terms) for each word of a query, stop words included with no terms."""
    return [(f, word_terms(f, lang)) for f in (fold(w, lang) for w in tokenize(text))]


class KbAnalyzer(Tokenizer):
    """Whoosh analyzer for one language: the steps of :func:`analyze` as a token stream.

    It is pickled into the index's table of contents, so its constructor arguments are part of
    the index fingerprint.
    """

    def __init__(self, lang: str):
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KbAnalyzer) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash(("KbAnalyzer", self.lang))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for match in _WORD.finditer(value):
            for term in word_terms(fold(match.group(0), self.lang), self.lang):
                token.text = term
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = match.group(0)
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + match.start()
                    token.endchar = start_char + match.end()
                yield token
            pos += 1


class SurfaceAnalyzer(Tokenizer):
    """Lowercased surface words (stop words dropped) for the completion vocabulary."""

    def __init__(self, lang: str):
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SurfaceAnalyzer) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash(("SurfaceAnalyzer", self.lang))

    def __call__(  # type: ignore[override]
        self, value: str, positions: bool = False, chars: bool = False, **kwargs: object
    ) -> Iterator[Token]:
        token = Token(positions, chars, **{k: v for k, v in kwargs.items() if k == "mode"})
        for pos, word in enumerate(_WORD.findall(value)):
            folded = fold(word, self.lang)
            if not word_terms(folded, self.lang):
                continue
            token.text = word.lower()
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
            yield token


class PairAnalyzer(Tokenizer):
    """Adjacent word pairs of a text (see :func:`pair_terms`) for the proximity fields.

    Lines are separate runs: keywords, questions and title never pair across entries."""

    def __init__(self, lang: str):
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PairAnalyzer) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash(("PairAnalyzer", self.lang))

    def __call__(  # type: ignore[override]
        self, value: str, positions: bool = False, chars: bool = False, **kwargs: object
    ) -> Iterator[Token]:
        token = Token(positions, chars, **{k: v for k, v in kwargs.items() if k == "mode"})
        pos = 0
        for line in value.split("\n"):
            for pair in pair_terms(primary_terms(line, self.lang)):
                token.text = pair
                token.boost = 1.0
                token.stopped = False
                if positions:
                    token.pos = pos
                pos += 1
                yield token
