"""Which sentences the others echo: topic-biased PageRank over their similarity graph.

LexRank's idea (Erkan and Radev, 2004): a sentence that many others resemble states what the
documents are about. Similarity is the idf-weighted cosine of term sets (answers.overlap); edges
below `THRESHOLD` are dropped, and the random walk restarts on sentences in proportion to their
`bias` (coverage of the topic, plus a lead preference), so centrality leans toward the topic
(Otterbacher et al.'s topic-sensitive LexRank).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from answers.overlap import Weigher, cosine

log = logging.getLogger(__name__)

THRESHOLD = 0.1
DAMPING = 0.85
ITERATIONS = 50
_Vector = npt.NDArray[np.float64]


def similarity(terms: Sequence[frozenset[str]], weight: Weigher) -> _Vector:
    """The symmetric matrix of pairwise cosines, 0 on the diagonal and below THRESHOLD."""
    n = len(terms)
    matrix = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            value = cosine(terms[i], terms[j], weight)
            if value >= THRESHOLD:
                matrix[i, j] = matrix[j, i] = value
    return matrix


def centrality(matrix: _Vector, bias: Sequence[float]) -> _Vector:
    """Stationary scores of the biased walk, scaled so the most central sentence scores 1."""
    n = len(bias)
    if n == 0:
        return np.zeros(0)
    restart = np.asarray(bias, dtype=np.float64) + 1e-9
    restart /= restart.sum()
    sums = matrix.sum(axis=1, keepdims=True)
    # A sentence that resembles none restarts the walk, as a dangling page does.
    step = np.divide(matrix, sums, out=np.zeros_like(matrix), where=sums > 0)
    dangling = (sums[:, 0] == 0).astype(np.float64)
    scores = np.full(n, 1.0 / n)
    for _ in range(ITERATIONS):
        scores = DAMPING * (scores @ step + (scores @ dangling) * restart) + (1 - DAMPING) * restart
    top = float(scores.max())
    return scores / top if top > 0 else scores
