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
def _offer(scores: Any, ids: Any, filled: int, score: float, passage: int) -> int:
    """Offer a result to the heap of the best (worst at the root); returns the new fill."""
    if filled < len(scores):
        scores[filled] = score
        ids[filled] = passage
        _sift_up(scores, ids, filled)
        return filled + 1
    if _worse(scores[0], ids[0], score, passage):
        scores[0] = score
        ids[0] = passage
        _sift_down(scores, ids, filled, 0)
    return filled


@_compiled
def _block_end(postings: Any, lo: int, hi: int, bound: int) -> int:
    """First position in postings[lo:hi] (ascending) holding a passage >= bound."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if postings[mid] < bound:
            lo = mid + 1
        else:
            hi = mid
    return lo


@_compiled
def _score_block(
    start: int,
    cursors: Any,
    ends: Any,
    weights: Any,
    postings: Any,
    tfs: Any,
    doc_len: Any,
    norm: Any,
    k1_plus_1: float,
    acc: Any,
    touched: Any,
) -> int:
    """Add each query term's weight to the block's passages that hold it, in query order."""
    count = 0
    for i in range(len(cursors)):
        w = weights[i]
        stop = _block_end(postings, cursors[i], ends[i], start + len(acc))
        for j in range(cursors[i], stop):
            p = postings[j]
            slot = p - start
            tf = float(tfs[j])
            if acc[slot] == 0.0:  # every weight is > 0, so zero means not yet touched
                touched[count] = slot
                count += 1
            acc[slot] += w * (tf * k1_plus_1 / (tf + norm[doc_len[p]]))
        cursors[i] = stop
    return count


@_compiled
def _term_cursors(indptr: Any, tids: Any) -> Any:
    """Where each query term's postings start and end, in query order."""
    cursors = np.empty(len(tids), np.int64)
    ends = np.empty(len(tids), np.int64)
    for i in range(len(tids)):
        cursors[i] = indptr[tids[i]]
        ends[i] = indptr[tids[i] + 1]
    return cursors, ends


@_compiled
def _collect(
    acc: Any, touched: Any, count: int, start: int, scores: Any, ids: Any, filled: int, dead: Any
) -> int:
    """Offer the block's touched passages (not `dead` ones) to the heap; zero their accumulators."""
    for i in range(count):
        slot = touched[i]
        score = acc[slot]
        acc[slot] = 0.0
        if len(dead) and dead[start + slot]:
            continue
        # Test before the call: passing arrays to a function costs reference counting.
        if filled < len(scores) or _worse(scores[0], ids[0], score, start + slot):
            filled = _offer(scores, ids, filled, score, start + slot)
    return filled


@_compiled
def search_top_k(
    indptr: Any,
    postings: Any,
    tfs: Any,
    doc_len: Any,
    norm: Any,
    weights: Any,
    k1_plus_1: float,
    tids: Any,
    k: int,
    acc: Any,
    touched: Any,
    dead: Any,
) -> Any:
    """Exact BM25Okapi scores of every passage holding a query term; the k best, unordered.

    `weights[i]` is query term i's idf; `dead` (empty, or a flag per passage) marks passages
    that are never returned (deleted from an incremental index).

    Passages are scored a block at a time (the length of `acc`, zeros, scratch space left as it
    came in), so the accumulators stay in cache while every term's postings in the block are
    added. Within a passage, terms are still summed in query order, as rank_bm25 does, so the
    float64 sums are identical. `norm[dl]` is rank_bm25's k1 * (1 - b + b * dl / avgdl).
    """
    cursors, ends = _term_cursors(indptr, tids)
    scores = np.empty(k, np.float64)
    ids = np.empty(k, np.int64)
    filled = 0
    for start in range(0, len(doc_len), len(acc)):
        count = _score_block(
            start,
            cursors,
            ends,
            weights,
            postings,
            tfs,
            doc_len,
            norm,
            k1_plus_1,
            acc,
            touched,
        )
        filled = _collect(acc, touched, count, start, scores, ids, filled, dead)
    return ids[:filled], scores[:filled]
