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

from typing import Any

import numpy as np

from retrieval.kernels import _block_end, _compiled, _offer, _worse

# Bounds are compared as bound * (1 + _MARGIN) < threshold: rounding of a sum of n float64
# terms is below n * 2**-52 relatively, so any query shorter than a million terms is safe.
_MARGIN = 1e-9


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


@_compiled
def _increasing(norm: Any) -> bool:
    # A loop, not all(generator): numba compiles no generator expressions.
    for i in range(1, len(norm)):  # noqa: SIM110
        if not norm[i] >= norm[i - 1]:
            return False
    return True


@_compiled
def _table_row(terms: Any, tid: int) -> int:
    """The row of tid in the sorted frequent terms, or -1."""
    i = _block_end(terms, 0, len(terms), tid)
    return i if i < len(terms) and terms[i] == tid else -1


@_compiled
def _term_bounds(
    indptr: Any,
    postings: Any,
    tfs: Any,
    doc_len: Any,
    norm: Any,
    weights: Any,
    k1_plus_1: float,
    tids: Any,
    shift: int,
    terms: Any,
    top_tf: Any,
    min_dl: Any,
    n_windows: int,
) -> Any:
    """bounds[i, w]: no posting of query term i in window w weighs more (0: none there)."""
    bounds = np.zeros((len(tids), n_windows), np.float64)
    for i in range(len(tids)):
        w8 = weights[i]
        row = _table_row(terms, tids[i])
        if row >= 0:
            for w in range(n_windows):
                tf = float(top_tf[row, w])
                if tf > 0:
                    bounds[i, w] = w8 * (tf * k1_plus_1 / (tf + norm[min_dl[row, w]]))
            continue
        for j in range(indptr[tids[i]], indptr[tids[i] + 1]):
            p = postings[j]
            tf = float(tfs[j])
            weight = w8 * (tf * k1_plus_1 / (tf + norm[doc_len[p]]))
            if weight > bounds[i, p >> shift]:
                bounds[i, p >> shift] = weight
    return bounds


@_compiled
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


@_compiled
def _threshold(scores: Any, filled: int) -> float:
    """The score to beat: the k-th best so far, or -inf while fewer than k are held."""
    return scores[0] if filled == len(scores) else -np.inf


@_compiled
def _essential(column: Any, threshold: float) -> Any:
    """Which terms a window's candidates must come from: the rest together stay below."""
    order = np.argsort(column)
    essential = np.ones(len(column), np.bool_)
    total = 0.0
    for i in order:
        total += column[i]
        if total * (1 + _MARGIN) >= threshold:
            break
        essential[i] = False
    return essential


@_compiled
def _window(
    w: int,
    shift: int,
    bounds: Any,
    indptr: Any,
    postings: Any,
    tfs: Any,
    doc_len: Any,
    norm: Any,
    weights: Any,
    k1_plus_1: float,
    tids: Any,
    acc: Any,
    touched: Any,
    dead: Any,
    scores: Any,
    ids: Any,
    filled: int,
) -> int:
    """Score one window's promising passages exactly and offer them to the heap."""
    start, stop = w << shift, min((w + 1) << shift, len(doc_len))
    n = len(tids)
    lows, highs = np.empty(n, np.int64), np.empty(n, np.int64)
    for i in range(n):
        lo, hi = indptr[tids[i]], indptr[tids[i] + 1]
        lows[i] = _block_end(postings, lo, hi, start)
        highs[i] = _block_end(postings, lows[i], hi, stop)
    column = bounds[:, w].copy()
    essential = _essential(column, _threshold(scores, filled))
    rest = 0.0  # what the terms left out could add, at most
    for i in range(n):
        if not essential[i]:
            rest += column[i]
    count = 0
    for i in range(n):
        if not essential[i]:
            continue
        wi = weights[i]
        for j in range(lows[i], highs[i]):
            p = postings[j]
            slot = p - start
            tf = float(tfs[j])
            if acc[slot] == 0.0:
                touched[count] = slot
                count += 1
            acc[slot] += wi * (tf * k1_plus_1 / (tf + norm[doc_len[p]]))
    for c in range(count):
        slot = touched[c]
        partial = acc[slot]
        acc[slot] = 0.0
        p = start + slot
        if len(dead) and dead[p]:
            continue
        if rest == 0.0:
            score = partial  # every term was summed, in query order: the exact score
        else:
            if (partial + rest) * (1 + _MARGIN) < _threshold(scores, filled):
                continue
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

    `acc` and `touched` hold at least 2**shift entries (acc zeroed, and left so).
    """
    n_windows = (len(doc_len) + (1 << shift) - 1) >> shift
    scores = np.empty(k, np.float64)
    ids = np.empty(k, np.int64)
    if not _increasing(norm):  # the bounds need weights that fall with length
        bounds = np.full((len(tids), n_windows), np.inf)
    else:
        bounds = _term_bounds(
            indptr,
            postings,
            tfs,
            doc_len,
            norm,
            weights,
            k1_plus_1,
            tids,
            shift,
            terms,
            top_tf,
            min_dl,
            n_windows,
        )
    totals = bounds.sum(axis=0)
    filled = 0
    for w in np.argsort(-totals):
        if totals[w] == 0.0:
            break  # no query term in this window, nor in any after it in this order
        if totals[w] * (1 + _MARGIN) < _threshold(scores, filled):
            break
        filled = _window(
            w,
            shift,
            bounds,
            indptr,
            postings,
            tfs,
            doc_len,
            norm,
            weights,
            k1_plus_1,
            tids,
            acc,
            touched,
            dead,
            scores,
            ids,
            filled,
        )
    return ids[:filled], scores[:filled]
