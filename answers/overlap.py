"""How much two sentences say the same thing: idf-weighted overlap of their term sets.

Weighting by idf makes rare shared words ("2,850", "Tumen", "Shoigu") count and common ones
("North", "Korea", "said") barely, so two reports of one fact score high even when worded
differently, and two unrelated sentences about North Korea score low.
"""

from __future__ import annotations

import functools
import logging
import math
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
    """A term -> idf function, memoized for the life of one answer."""

    @functools.cache
    def weight(term: str) -> float:
        return idf(corpus, term)

    return weight


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
