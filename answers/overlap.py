"""How much two sentences say the same thing: idf-weighted overlap of their term sets.

Weighting by idf makes rare shared words ("2,850", "Tumen", "Shoigu") count and common ones
("North", "Korea", "said") barely, so two reports of one fact score high even when worded
differently, and two unrelated sentences about North Korea score low.
"""

from __future__ import annotations

import functools
import logging
import math
import weakref
from collections.abc import Callable, Collection

from answers.query import idf
from retrieval.corpus import Corpus

log = logging.getLogger(__name__)

# Cosine at or above this: the second sentence repeats the first (same fact, maybe reworded).
SAME_FACT = 0.5
# A headline or bullet whose weight is this much inside a body sentence adds nothing to it.
CONTAINED = 0.7

Weigher = Callable[[str], float]


def weigher(corpus: Corpus) -> Weigher:
    """The corpus's term -> idf function, memoized for the life of the corpus (one a corpus:
    what is cached by weigher, such as document vectors, lives as long)."""
    found = _WEIGHERS.get(corpus)
    if found is None:
        found = _weigher(weakref.ref(corpus))
        _WEIGHERS[corpus] = found
    return found


def _weigher(corpus: weakref.ref[Corpus]) -> Weigher:
    # A weak reference: the corpus's cache entry must not keep the corpus alive.
    @functools.lru_cache(maxsize=WEIGHTS_KEPT)
    def weight(term: str) -> float:
        alive = corpus()
        assert alive is not None, "a weigher outlived its corpus"
        return idf(alive, term)

    return weight


WEIGHTS_KEPT = 1 << 16  # bounded: hostile queries full of invented words
_WEIGHERS: weakref.WeakKeyDictionary[Corpus, Weigher] = weakref.WeakKeyDictionary()


def cosine(a: Collection[str], b: Collection[str], weight: Weigher) -> float:
    """Cosine of two term sets with idf weights (binary term frequency)."""
    if not a or not b:
        return 0.0
    shared = sum(weight(t) ** 2 for t in a if t in b)
    if shared == 0:
        return 0.0
    norm_a = math.sqrt(sum(weight(t) ** 2 for t in a))
    norm_b = math.sqrt(sum(weight(t) ** 2 for t in b))
    return shared / (norm_a * norm_b)


def containment(part: Collection[str], whole: Collection[str], weight: Weigher) -> float:
    """The share of `part`'s idf weight that `whole` also carries."""
    total = sum(weight(t) for t in part)
    return sum(weight(t) for t in part if t in whole) / total if total else 0.0


def repeats(a: Collection[str], b: Collection[str], weight: Weigher) -> bool:
    """True when two sentences report the same fact (or one holds the other)."""
    return (
        cosine(a, b, weight) >= SAME_FACT
        or containment(a, b, weight) >= CONTAINED
        or containment(b, a, weight) >= CONTAINED
    )
