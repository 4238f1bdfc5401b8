"""One tokenizer for passages and queries: normalize, fold, split, drop stopwords, stem."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable
from typing import TypeVar

import Stemmer

log = logging.getLogger(__name__)
T = TypeVar("T")

# Bump when the output of `tokenize` changes for any input: persisted indexes embed it.
_RULES_VERSION = "6"

# A token is a run of letters/digits, optionally joined by . , or an apostrophe
# between two such runs ("u.s", "2,850", "1.5", "korea's"); hyphens and slashes split.
_TOKEN = re.compile(r"[^\W_]+(?:[.,'][^\W_]+)*")
# `_TOKEN` on ASCII text: `[^\W_]` is [A-Za-z0-9] there, and a plain class matches faster.
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[.,'][A-Za-z0-9]+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
# A hyphenated compound is also indexed whole ("covid-19" -> covid, 19 and covid19): on SciFact
# this lifted nDCG@10 from 0.687 to 0.692 (benchmarks/scifact.py --variants).
_COMPOUND = re.compile(r"(?<![\w.,'])[^\W_]+(?:-[^\W_]+)+")
_SEPARATORS = re.compile(r"[.,']")

# Invisible format characters would otherwise split or glue words unpredictably.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E, 0x061C, 0x200E, 0x200F],
)
# Combining diacritics that NFKC could not compose: casefold turns "İ" into "i" + U+0307, and
# a mark is not a word character, so "İstanbul" would split into "i" + "stanbul".
_MARKS = dict.fromkeys(range(0x0300, 0x0370))
_APOSTROPHES = {0x2019: "'", 0x2018: "'", 0x02BC: "'", 0xFF07: "'", 0x0060: "'"}
_TRANSLATE = {**_INVISIBLE, **_MARKS, **_APOSTROPHES}

STOPWORDS: frozenset[str] = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "he'd",
        "he'll",
        "he's",
        "her",
        "here",
        "here's",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "how's",
        "i",
        "i'd",
        "i'll",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "let's",
        "me",
        "more",
        "most",
        "mustn't",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shan't",
        "she",
        "she'd",
        "she'll",
        "she's",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "they'd",
        "they'll",
        "they're",
        "they've",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "wasn't",
        "we",
        "we'd",
        "we'll",
        "we're",
        "we've",
        "were",
        "weren't",
        "what",
        "what's",
        "when",
        "when's",
        "where",
        "where's",
        "which",
        "while",
        "who",
        "who's",
        "whom",
        "why",
        "why's",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "you'd",
        "you'll",
        "you're",
        "you've",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "s",
        "t",
    ]
)

TOKENIZER_VERSION = (
    _RULES_VERSION + "-" + hashlib.sha256(" ".join(sorted(STOPWORDS)).encode()).hexdigest()[:12]
)

_stemmer = Stemmer.Stemmer("english")
# Raw token -> final terms. News vocabulary is Zipfian, so nearly every lookup hits. Bounded:
# hostile queries full of invented words must not grow a long-running bot's memory.
_cache: dict[str, tuple[str, ...]] = {}
_CACHE_LIMIT = 500_000


def normalize(text: str) -> str:
    """NFKC-normalize, case-fold and drop invisible characters and stray combining marks."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_TRANSLATE)


def _terms_of(raw: str) -> tuple[str, ...]:
    """Turn one raw token into its index terms (possibly none)."""
    if raw.isalpha():
        return () if raw in STOPWORDS else (_stemmer.stemWord(raw),)
    if raw[0].isdigit() or raw[-1].isdigit():
        if _THOUSANDS.fullmatch(raw):
            return (raw.replace(",", ""),)
        if _DECIMAL.fullmatch(raw):
            return (raw,)
    if "'" in raw:
        if raw in STOPWORDS:
            return ()
        # Possessive "korea's" -> "korea"; elision "o'brien" -> "obrien".
        raw = raw[:-2] if raw.endswith("'s") else raw
        raw = raw.replace("'", "")
        if raw.isalpha() and "." not in raw:
            return () if raw in STOPWORDS else (_stemmer.stemWord(raw),)
    if (
        "." in raw
        and all(len(part) <= 2 for part in raw.split("."))
        and raw.replace(".", "").isalpha()
    ):
        # Dotted acronym (u.s, e.u): kept whole even if it spells a stopword ("us").
        return (raw.replace(".", ""),)
    parts = [p for p in _SEPARATORS.split(raw) if p]
    if len(parts) == 1:
        word = parts[0]
        return () if word in STOPWORDS else (_stemmer.stemWord(word),)
    return tuple(t for p in parts for t in _terms_of(p))


def _terms_cached(raw: str) -> tuple[str, ...]:
    terms = _cache.get(raw)
    if terms is None:
        terms = _terms_of(raw)
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()  # cheaper than LRU bookkeeping on every hit; refills in a moment
        _cache[raw] = terms
    return terms


def _raw_tokens(text: str) -> list[str]:
    """The raw tokens whose terms, in order, are `tokenize(text)`: the words, then the
    hyphenated compounds whole."""
    if text.isascii():
        # What `normalize` makes of ASCII (NFKC keeps it, case-folding is lower(), only the
        # backtick is translated), and `_TOKEN` with ASCII classes: the same tokens, faster.
        norm = text.lower().replace("`", "'")
        raws: list[str] = _ASCII_TOKEN.findall(norm)
    else:
        norm = normalize(text)
        raws = _TOKEN.findall(norm)
    if "-" in norm:
        raws += [c.replace("-", "") for c in _COMPOUND.findall(norm)]
    return raws


def _looked_up(
    table: dict[str, tuple[T, ...]], raws: list[str], miss: Callable[[str], tuple[T, ...]]
) -> list[tuple[T, ...]]:
    """table[raw] for each raw token, else `miss(raw)`: the lookups run in C (`map`), with a
    Python step per token absent rather than per token (the tokenizer's main cost)."""
    found = list(map(table.get, raws))
    if None in found:  # rare once the table is warm: vocabulary is Zipfian
        at = 0
        with contextlib.suppress(ValueError):  # no None left
            while True:
                at = found.index(None, at)
                found[at] = miss(raws[at])
    return found  # type: ignore[return-value]


def tokenize(text: str) -> list[str]:
    """Split text into index terms; the same function serves passages and queries."""
    found = _looked_up(_cache, _raw_tokens(text), _terms_cached)
    return list(itertools.chain.from_iterable(found))


def token_ids(texts: Iterable[str]) -> tuple[list[str], array[int], array[int]]:
    """`tokenize` each text, its terms numbered in order of first occurrence over all of them:
    (the terms by number, every text's term numbers, terms per text). The same as numbering
    `tokenize`'s output, but each raw token is looked up once, in C, straight to its numbers."""
    numbers: dict[str, int] = {}
    raw_numbers: dict[str, tuple[int, ...]] = {}

    def _number(raw: str) -> tuple[int, ...]:
        known = raw_numbers.get(raw)
        if known is None:  # a raw token seen earlier in the same text
            terms = _terms_cached(raw)
            known = raw_numbers[raw] = tuple(numbers.setdefault(t, len(numbers)) for t in terms)
        return known

    flat, lengths = array("i"), array("q")
    for text in texts:
        before = len(flat)
        flat.extend(
            itertools.chain.from_iterable(_looked_up(raw_numbers, _raw_tokens(text), _number))
        )
        lengths.append(len(flat) - before)
    return list(numbers), flat, lengths
