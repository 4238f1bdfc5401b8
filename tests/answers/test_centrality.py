"""Centrality: the sentence the others resemble ranks first; the restart bias leans the walk."""

from __future__ import annotations

from answers.centrality import THRESHOLD, centrality, similarity


def _one(term: str) -> float:
    return 1.0


TERMS = [
    frozenset({"bridge", "river", "road"}),
    frozenset({"bridge", "river"}),
    frozenset({"bridge", "road"}),
    frozenset({"weather", "cold"}),
]


def test_similarity_is_symmetric_and_thresholded() -> None:
    """Cosine on both sides of the diagonal, zero on it and between unrelated sentences."""
    matrix = similarity(TERMS, _one)
    assert (matrix == matrix.T).all() and (matrix.diagonal() == 0).all()
    assert matrix[0, 3] == 0 and matrix[0, 1] > THRESHOLD


def test_the_hub_is_most_central_and_the_bias_moves_the_rest() -> None:
    """Sentence 0 shares with 1 and 2; the lone sentence rises only with its restart weight."""
    matrix = similarity(TERMS, _one)
    even = centrality(matrix, [1, 1, 1, 1])
    assert even.argmax() == 0 and even.max() == 1.0
    leaning = centrality(matrix, [1, 1, 1, 10])
    assert leaning[3] > even[3]
