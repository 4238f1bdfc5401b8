"""Safe dynamic pruning for the exact top k: window upper bounds, then MaxScore inside a window.

Passages are cut into windows of 2**shift consecutive ids. For each frequent term the index
keeps, per window, the largest term frequency and the shortest passage among its postings
there (`window_tables`, built once). A term's weight idf * tf*(k1+1) / (tf + norm[dl]) grows
with tf and falls with dl, so idf * t*(k1+1) / (t + norm[d]) with those two bounds the weight
of every posting in the window, whatever the idf (> 0) and whatever the length table, as long
as it does not decrease with dl (checked each query; otherwise nothing is pruned). Rare terms
need no table: their few postings give exact per-window maxima at query time.

A query visits windows best bound first and stops when the next bound is below the k-th score;
inside a window, terms whose bounds together stay below it are only looked up for passages
the others make promising (MaxScore). Pruning chooses which passages are scored, never how:
every score returned is summed term by term in query order with rank_bm25's operations, as
the exhaustive kernel does, so results are bit-identical to it. A bound is discarded only when
it is below the k-th score by a relative margin far larger than float rounding, so a passage
that could tie the k-th (and win on its lower id) is always scored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba
import numpy as np

from retrieval.kernels import _block_end, _compiled, _offer, _worse

# Bounds are compared as bound * (1 + _MARGIN) < threshold: rounding of a sum of n float64
# terms is below n * 2**-52 relatively, so any query shorter than a million terms is safe.
_MARGIN = 1e-9

_F = TypeVar("_F", bound=Callable[..., Any])


def _inlined(func: _F) -> _F:
    """Compiled into its caller: a call that passes arrays costs reference counting each time."""
    return numba.njit(cache=True, nogil=True, inline="always")(func)  # type: ignore[return-value]


@_compiled
def window_tables(
    indptr: Any, postings: Any, tfs: Any, doc_len: Any, shift: int, min_df: int
) -> Any:
    """Terms with at least min_df postings; per such term and window, max tf and min length."""
    n_windows = (len(doc_len) + (1 << shift) - 1) >> shift
    count = 0
    for t in range(len(indptr) - 1):
        if indptr[t + 1] - indptr[t] >= min_df:
            count += 1
    terms = np.empty(count, np.int32)
    top_tf = np.zeros((count, n_windows), tfs.dtype)
    min_dl = np.zeros((count, n_windows), doc_len.dtype)
    row = 0
    for t in range(len(indptr) - 1):
        if indptr[t + 1] - indptr[t] < min_df:
            continue
        terms[row] = t
        for j in range(indptr[t], indptr[t + 1]):
            p = postings[j]
            w = p >> shift
            dl = doc_len[p]
            if top_tf[row, w] == 0:
                top_tf[row, w] = tfs[j]
                min_dl[row, w] = dl
            else:
                top_tf[row, w] = max(top_tf[row, w], tfs[j])
                min_dl[row, w] = min(min_dl[row, w], dl)
        row += 1
    return terms, top_tf, min_dl


@_inlined
def _increasing(norm: Any) -> bool:
    # A loop, not all(generator): numba compiles no generator expressions.
    for i in range(1, len(norm)):  # noqa: SIM110
        if not norm[i] >= norm[i - 1]:
            return False
    return True


@_inlined
def _table_row(terms: Any, tid: int) -> int:
    """The row of tid in the sorted frequent terms, or -1."""
    i = _block_end(terms, 0, len(terms), tid)
    return i if i < len(terms) and terms[i] == tid else -1


@_inlined
def _advance(postings: Any, j: int, end: int, target: int) -> int:
    """First position from j (before end) holding a passage >= target, by galloping."""
    if j >= end or postings[j] >= target:
        return j
    step = 1
    while j + step < end and postings[j + step] < target:
        step *= 2
    return _block_end(postings, j + step // 2 + 1, min(j + step, end), target)


@_inlined
def _exact_score(
    p: int,
    lows: Any,
    highs: Any,
    weights: Any,
    postings: Any,
    tfs: Any,
    doc_len: Any,
    norm: Any,
    k1_plus_1: float,
) -> float:
    """Passage p's score, term by term in query order, as the exhaustive kernel sums it."""
    score = 0.0
    for i in range(len(lows)):
        j = _block_end(postings, lows[i], highs[i], p)
        if j < highs[i] and postings[j] == p:
            tf = float(tfs[j])
            score += weights[i] * (tf * k1_plus_1 / (tf + norm[doc_len[p]]))
    return score


@_inlined
def _threshold(scores: Any, filled: int) -> float:
    """The score to beat: the k-th best so far, or -inf while fewer than k are held."""
    return scores[0] if filled == len(scores) else -np.inf


@_inlined
def _window_bounds(
    w: int,
    rows: Any,
    weights: Any,
    k1_plus_1: float,
    norm: Any,
    top_tf: Any,
    min_dl: Any,
    out: Any,
    top_tfs: Any,
) -> None:
    """out[i]: no posting of query term i in window w weighs more (inf: term without a table);
    top_tfs[i]: its largest tf there."""
    for i in range(len(rows)):
        if rows[i] < 0:
            out[i] = np.inf
            continue
        tf = float(top_tf[rows[i], w])
        top_tfs[i] = tf
        out[i] = weights[i] * (tf * k1_plus_1 / (tf + norm[min_dl[rows[i], w]])) if tf else 0.0


@_inlined
def _lift(
    essential: Any, weights: Any, top_tfs: Any, k1_plus_1: float, length_norm: float
) -> float:
    """What the terms left out could add to a passage of this length, at most."""
    lift = 0.0
    for i in range(len(essential)):
        if not essential[i]:
            tf = top_tfs[i]
            lift += weights[i] * (tf * k1_plus_1 / (tf + length_norm))
    return lift


@_inlined
def _essential(bounds: Any, threshold: float, order: Any, essential: Any) -> float:
    """Mark the terms a window's candidates must hold one of; returns what the rest can add.

    The others, smallest bounds first, together stay below the threshold (MaxScore).
    """
    n = len(bounds)
    for i in range(n):  # insertion sort of a few terms by bound
        order[i] = i
        j = i
        while j > 0 and bounds[order[j - 1]] > bounds[order[j]]:
            order[j - 1], order[j] = order[j], order[j - 1]
            j -= 1
    essential[:] = True
    rest = 0.0
    for i in order:
        if (rest + bounds[i]) * (1 + _MARGIN) >= threshold:
            break
        rest += bounds[i]
        essential[i] = False
    return rest


@_inlined
def _scan(
    start: int,
    stop: int,
    essential: Any,
    lows: Any,
    highs: Any,
    cursors: Any,
    ends: Any,
    postings: Any,
    tfs: Any,
    doc_len: Any,
    norm: Any,
    weights: Any,
    k1_plus_1: float,
    acc: Any,
    touched: Any,
) -> int:
    """Accumulate the essential terms' postings in [start, stop), in query order."""
    count = 0
    for i in range(len(cursors)):
        if not essential[i]:
            lows[i] = -1  # found on demand, if a candidate needs it
            continue
        j = _advance(postings, cursors[i], ends[i], start)
        lows[i] = j
        wi = weights[i]
        while j < ends[i] and postings[j] < stop:
            p = postings[j]
            slot = p - start
            tf = float(tfs[j])
            if acc[slot] == 0.0:  # every weight is > 0, so zero means not yet touched
                touched[count] = slot
                count += 1
            acc[slot] += wi * (tf * k1_plus_1 / (tf + norm[doc_len[p]]))
            j += 1
        highs[i] = cursors[i] = j
    return count


@_inlined
def _ranges(
    start: int, stop: int, lows: Any, highs: Any, cursors: Any, ends: Any, postings: Any
) -> None:
    """Window ranges of the terms left out of the scan, for looking candidates up."""
    for i in range(len(cursors)):
        if lows[i] < 0:
            lows[i] = cursors[i] = _advance(postings, cursors[i], ends[i], start)
            highs[i] = _advance(postings, lows[i], ends[i], stop)


@_compiled
def _score_kept(
    start: int,
    stop: int,
    kept: Any,
    lows: Any,
    highs: Any,
    cursors: Any,
    ends: Any,
    weights: Any,
    postings: Any,
    tfs: Any,
    doc_len: Any,
    norm: Any,
    k1_plus_1: float,
    scores: Any,
    ids: Any,
    filled: int,
) -> int:
    """Score the window's kept passages exactly (every term, query order); offer them."""
    _ranges(start, stop, lows, highs, cursors, ends, postings)
    for slot in kept:
        p = start + slot
        score = _exact_score(p, lows, highs, weights, postings, tfs, doc_len, norm, k1_plus_1)
        if filled < len(scores) or _worse(scores[0], ids[0], score, p):
            filled = _offer(scores, ids, filled, score, p)
    return filled


@_compiled
def search_top_k_pruned(
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
    shift: int,
    terms: Any,
    top_tf: Any,
    min_dl: Any,
) -> Any:
    """The same k best as `kernels.search_top_k`, ids and scores bit for bit, reading less.

    Windows of 2**shift passages in order; `acc` and `touched` hold at least that many
    entries (acc zeroed, and left so).
    """
    n = len(tids)
    scores, ids = np.empty(k, np.float64), np.empty(k, np.int64)
    rows, cursors, ends = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64)
    lows, highs, order = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64)
    bounds, essential = np.empty(n, np.float64), np.empty(n, np.bool_)
    top_tfs = np.zeros(n, np.float64)
    usable = _increasing(norm)  # the bounds need weights that do not grow with length
    for i in range(n):
        rows[i] = _table_row(terms, tids[i]) if usable else -1
        cursors[i], ends[i] = indptr[tids[i]], indptr[tids[i] + 1]
    filled = 0
    for start in range(0, len(doc_len), 1 << shift):
        stop = min(start + (1 << shift), len(doc_len))
        threshold = _threshold(scores, filled)
        w = start >> shift
        _window_bounds(w, rows, weights, k1_plus_1, norm, top_tf, min_dl, bounds, top_tfs)
        if bounds.sum() * (1 + _MARGIN) < threshold:
            continue
        rest = _essential(bounds, threshold, order, essential)
        count = _scan(
            start,
            stop,
            essential,
            lows,
            highs,
            cursors,
            ends,
            postings,
            tfs,
            doc_len,
            norm,
            weights,
            k1_plus_1,
            acc,
            touched,
        )
        kept = 0  # passages the terms left out could lift to the threshold, kept in touched
        for c in range(count):
            slot = touched[c]
            score = acc[slot]
            acc[slot] = 0.0
            p = start + slot
            if len(dead) and dead[p]:
                continue
            if rest > 0.0:  # terms left out could add up to rest: score exactly if it may count
                lift = _lift(essential, weights, top_tfs, k1_plus_1, norm[doc_len[p]])
                if (score + lift) * (1 + _MARGIN) >= _threshold(scores, filled):
                    touched[kept] = slot
                    kept += 1
            elif filled < len(scores) or _worse(scores[0], ids[0], score, p):
                filled = _offer(scores, ids, filled, score, p)
        if kept:
            filled = _score_kept(
                start,
                stop,
                touched[:kept],
                lows,
                highs,
                cursors,
                ends,
                weights,
                postings,
                tfs,
                doc_len,
                norm,
                k1_plus_1,
                scores,
                ids,
                filled,
            )
    return ids[:filled], scores[:filled]
