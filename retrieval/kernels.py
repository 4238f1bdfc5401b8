"""Compiled loops of the BM25 index: building postings, scoring and top-k selection.

Compiled with numba and cached on disk, so a restarted process loads machine code instead of
compiling. Every score is computed with rank_bm25's operations in rank_bm25's order, in float64,
so the results are bit-identical to `BM25Okapi.get_scores` (numba does not reassociate or fuse
floating-point operations unless asked to with fastmath, which we never do).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import numba
import numpy as np

log = logging.getLogger(__name__)

_F = TypeVar("_F", bound=Callable[..., Any])


def _compiled(func: _F) -> _F:
    """Compile lazily with an on-disk cache; without a writable cache folder, compile anyway."""
    try:
        return numba.njit(cache=True, nogil=True)(func)  # type: ignore[return-value]
    except RuntimeError as err:  # no writable cache location (read-only install, no HOME)
        log.warning("numba cache unavailable (%s); set NUMBA_CACHE_DIR to keep compiled code", err)
        return numba.njit(nogil=True)(func)  # type: ignore[return-value]


@_compiled
def build_postings(flat: Any, lengths: Any, n_terms: int) -> Any:
    """Term-ordered postings (passages ascending) and term frequencies, by two counting passes."""
    last = np.full(n_terms, -1, np.int64)
    indptr = np.zeros(n_terms + 1, np.int64)
    pos = 0
    for p in range(len(lengths)):
        for j in range(pos, pos + lengths[p]):
            t = flat[j]
            if last[t] != p:
                last[t] = p
                indptr[t + 1] += 1
        pos += lengths[p]
    for t in range(n_terms):
        indptr[t + 1] += indptr[t]
    fill = indptr[:-1].copy()
    postings = np.empty(indptr[n_terms], np.int32)
    tfs = np.zeros(indptr[n_terms], np.int32)
    last[:] = -1
    pos = 0
    for p in range(len(lengths)):
        for j in range(pos, pos + lengths[p]):
            t = flat[j]
            if last[t] != p:
                last[t] = p
                postings[fill[t]] = p
                fill[t] += 1
            tfs[fill[t] - 1] += 1
        pos += lengths[p]
    return indptr, postings, tfs


@_compiled
def _worse(score_a: float, id_a: int, score_b: float, id_b: int) -> bool:
    """Whether a ranks after b: lower score, or the same score and a higher passage id."""
    return score_a < score_b or (score_a == score_b and id_a > id_b)


@_compiled
def _sift_down(scores: Any, ids: Any, size: int, i: int) -> None:
    """Restore the heap (worst result at the root) below position i."""
    while True:
        child = 2 * i + 1
        if child >= size:
            return
        right = child + 1
        if right < size and _worse(scores[right], ids[right], scores[child], ids[child]):
            child = right
        if not _worse(scores[child], ids[child], scores[i], ids[i]):
            return
        scores[i], scores[child] = scores[child], scores[i]
        ids[i], ids[child] = ids[child], ids[i]
        i = child


@_compiled
def _sift_up(scores: Any, ids: Any, i: int) -> None:
    while i > 0:
        parent = (i - 1) // 2
        if not _worse(scores[i], ids[i], scores[parent], ids[parent]):
            return
        scores[i], scores[parent] = scores[parent], scores[i]
        ids[i], ids[parent] = ids[parent], ids[i]
        i = parent


@_compiled
def _top_k(acc: Any, touched: Any, count: int, k: int) -> Any:
    """The k best of the touched passages (unordered), resetting their accumulators to zero."""
    size = min(k, count)
    scores = np.empty(size, np.float64)
    ids = np.empty(size, np.int64)
    filled = 0
    for i in range(count):
        p = touched[i]
        s = acc[p]
        acc[p] = 0.0
        if filled < size:
            scores[filled] = s
            ids[filled] = p
            _sift_up(scores, ids, filled)
            filled += 1
        elif _worse(scores[0], ids[0], s, p):
            scores[0] = s
            ids[0] = p
            _sift_down(scores, ids, size, 0)
    return ids, scores


@_compiled
def search_top_k(
    indptr: Any,
    postings: Any,
    tfs: Any,
    norm: Any,
    idf: Any,
    k1_plus_1: float,
    tids: Any,
    k: int,
    acc: Any,
    touched: Any,
) -> Any:
    """Exact BM25Okapi scores of every passage holding a query term, term by term; the k best.

    `acc` (zeros, one per passage) and `touched` are scratch space, left as they came in.
    Terms are summed in query order, as rank_bm25 does, so the float64 sums are identical.
    """
    count = 0
    for t in tids:
        w = idf[t]
        for j in range(indptr[t], indptr[t + 1]):
            p = postings[j]
            tf = float(tfs[j])
            if acc[p] == 0.0:  # every weight is > 0, so zero means not yet touched
                touched[count] = p
                count += 1
            acc[p] += w * (tf * k1_plus_1 / (tf + norm[p]))
    return _top_k(acc, touched, count, k)
