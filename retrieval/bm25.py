"""BM25Okapi as rank_bm25 defines it, with guards against its known traps."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class BM25Params:
    """rank_bm25.BM25Okapi's parameters and defaults."""

    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25

    def __post_init__(self) -> None:
        # These ranges keep every term weight positive, which the idf guard relies on.
        if not (self.k1 >= 0 and 0 <= self.b <= 1 and self.epsilon > 0):
            raise ValueError(f"need k1 >= 0, 0 <= b <= 1 and epsilon > 0, got {self}")


def okapi_idf(doc_freqs: npt.NDArray[np.int64], n_passages: int, epsilon: float) -> FloatArray:
    """rank_bm25's idf (vocabulary in first-occurrence order), guarded to stay positive.

    rank_bm25 gives a term in exactly half the passages an idf of 0 and replaces a negative idf
    by `epsilon * average_idf`, which is itself <= 0 when most terms are common (every term of a
    one- or two-passage corpus). A term that occurs in a passage must never lower or zero its
    score, so wherever rank_bm25's idf is <= 0 we use the positive floor `epsilon * average_idf`
    if the average is positive, else `epsilon`. Where rank_bm25's idf is positive, ours is equal.
    """
    idf = np.empty(len(doc_freqs), dtype=np.float64)
    idf_sum = 0.0
    # A Python loop on purpose: rank_bm25 sums in this order, and so float rounding matches.
    for i, freq in enumerate(doc_freqs.tolist()):
        value = math.log(n_passages - freq + 0.5) - math.log(freq + 0.5)
        idf[i] = value
        idf_sum += value
    average = idf_sum / len(idf) if len(idf) else 0.0
    floor = idf_floor(average, epsilon)
    rank_bm25_floor = epsilon * average
    idf[idf < 0] = rank_bm25_floor
    idf[idf <= 0] = floor
    return idf


def idf_floor(average_idf: float, epsilon: float) -> float:
    """The idf `okapi_idf` gives a term whose rank_bm25 idf is <= 0 (see there)."""
    return epsilon * average_idf if epsilon * average_idf > 0 else epsilon


def length_norm(longest: int, avgdl: float, params: BM25Params) -> FloatArray:
    """rank_bm25's k1 * (1 - b + b * dl / avgdl), with its operations, for dl = 0..longest."""
    lengths = np.arange(longest + 1, dtype=np.float64)
    norm: FloatArray = params.k1 * (1 - params.b + params.b * lengths / avgdl)
    norm.flags.writeable = False
    return norm


def term_weights(
    idf: float | FloatArray,
    tf: FloatArray,
    doc_len: FloatArray,
    avgdl: float,
    params: BM25Params,
) -> FloatArray:
    """One query term's contribution, with rank_bm25's exact order of operations."""
    k1, b = params.k1, params.b
    weights: FloatArray = idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_len / avgdl)))
    return weights
