"""Tokenizer variants measured on SciFact (benchmarks/scifact.py --variants), not used by the bot.

Each is retrieval.tokenizer with one change, so a gain can be traced to that change. Indexing
hyphenated compounds also whole was one of these (0.6871 -> 0.6918); it is now the tokenizer's
own rule, so it is no longer listed. The variants that re-split words themselves (stopwords,
stemmer) do not apply that rule, so they also lose its gain.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import Stemmer

from retrieval.tokenizer import STOPWORDS, normalize, tokenize

_WORD = re.compile(r"[^\W_]+(?:[.,'][^\W_]+)*")
_COMPOUND = re.compile(r"[^\W_]+(?:-[^\W_]+)+")

# Lucene's English stop set (Elasticsearch's "english" analyzer): 33 words.
_LUCENE_TEXT = (
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with"
)
LUCENE_STOPWORDS = frozenset(_LUCENE_TEXT.split())


def _with_stopwords(stopwords: frozenset[str]) -> Callable[[str], list[str]]:
    """retrieval.tokenizer with another stopword list (other terms as it makes them)."""
    stemmer = Stemmer.Stemmer("english")

    def run(text: str) -> list[str]:
        out: list[str] = []
        for raw in _WORD.findall(normalize(text)):
            if raw.isalpha():
                if raw not in stopwords:
                    out.append(stemmer.stemWord(raw))
            else:
                out.extend(tokenize(raw))
        return out

    return run


def _stemmer(name: str) -> Callable[[str], list[str]]:
    """retrieval.tokenizer with another Snowball stemmer for plain words."""
    stemmer = Stemmer.Stemmer(name)

    def run(text: str) -> list[str]:
        out: list[str] = []
        for raw in _WORD.findall(normalize(text)):
            if raw.isalpha():
                if raw not in STOPWORDS:
                    out.append(stemmer.stemWord(raw))
            else:
                out.extend(tokenize(raw))
        return out

    return run


def compounds_whole_only(text: str) -> list[str]:
    """Index a hyphenated compound only whole: "covid-19" gives covid19."""
    glued = _COMPOUND.sub(lambda m: m.group(0).replace("-", ""), normalize(text))
    return tokenize(glued)


def no_single_characters(text: str) -> list[str]:
    """Drop one-character terms, as bm25s' default pattern does."""
    return [t for t in tokenize(text) if len(t) > 1]


def unstemmed(text: str) -> list[str]:
    """No stemming at all (stopwords still removed)."""
    return [w for w in _WORD.findall(normalize(text)) if w not in STOPWORDS]


VARIANTS: list[tuple[str, Callable[[str], list[str]]]] = [
    ("Lucene's 33 stopwords", _with_stopwords(LUCENE_STOPWORDS)),
    ("no stopwords", _with_stopwords(frozenset())),
    ("Porter stemmer", _stemmer("porter")),
    ("hyphenated compounds only whole", compounds_whole_only),
    ("no one-character terms", no_single_characters),
    ("no stemming", unstemmed),
]
