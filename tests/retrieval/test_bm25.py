"""BM25Okapi's idf and term weights: equal to rank_bm25 where it is sound, guarded where not."""

from __future__ import annotations

import math

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval.bm25 import BM25Params, okapi_idf, term_weights


def _doc_freqs(corpus: list[list[str]]) -> tuple[list[str], np.ndarray]:
    """Terms in first-occurrence order and their document frequencies."""
    df: dict[str, int] = {}
    for doc in corpus:
        for term in dict.fromkeys(doc):
            df[term] = df.get(term, 0) + 1
    return list(df), np.asarray(list(df.values()), dtype=np.int64)


def _random_corpus(seed: int, n_docs: int, vocab: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    return [
        [f"t{int(x) % vocab}" for x in rng.zipf(1.4, size=int(rng.integers(1, 40)))]
        for _ in range(n_docs)
    ]


@pytest.mark.parametrize("seed", range(8))
def test_idf_equals_rank_bm25_wherever_its_idf_is_positive(seed: int) -> None:
    """Same logs, same summation order, same epsilon floor: equal floats, not just close."""
    corpus = _random_corpus(seed, n_docs=50 + 40 * seed, vocab=300)
    terms, df = _doc_freqs(corpus)
    ours = okapi_idf(df, len(corpus), 0.25)
    reference = BM25Okapi(corpus).idf
    positive = [i for i, t in enumerate(terms) if reference[t] > 0]
    assert positive, "the corpus must exercise the unguarded case"
    assert all(ours[i] == reference[terms[i]] for i in positive)


def test_idf_by_hand_on_a_three_document_corpus() -> None:
    """idf = ln(N - n + 0.5) - ln(n + 0.5); the common term gets epsilon * average idf."""
    ours = okapi_idf(np.array([1, 2], dtype=np.int64), 3, 0.25)
    rare = math.log(2.5) - math.log(1.5)
    common = math.log(1.5) - math.log(2.5)
    assert ours[0] == rare
    assert rare + common == 0.0
    assert ours[1] == 0.25  # average idf 0.0: rank_bm25's floor would be 0, the guard's is epsilon


def test_term_in_exactly_half_the_passages_gets_a_positive_idf() -> None:
    """rank_bm25 gives such a term ln(2.5) - ln(2.5) = 0 (issue #39); ours is positive."""
    corpus = [["war", "kursk"], ["war", "seoul"], ["peace"], ["trade"]]
    terms, df = _doc_freqs(corpus)
    assert BM25Okapi(corpus).idf["war"] == 0.0
    ours = okapi_idf(df, len(corpus), 0.25)
    average = float(np.mean([math.log(4 - n + 0.5) - math.log(n + 0.5) for n in df]))
    assert ours[terms.index("war")] == 0.25 * average > 0


def test_two_document_corpus_has_no_zero_idf() -> None:
    """In two documents every term has idf 0 or below in rank_bm25 (issue #43); ours are > 0."""
    corpus = [["north", "korea", "troops"], ["korea", "russia"]]
    terms, df = _doc_freqs(corpus)
    reference = BM25Okapi(corpus).idf
    assert all(value <= 0 for value in reference.values())
    ours = okapi_idf(df, 2, 0.25)
    assert (ours > 0).all()
    assert ours[terms.index("korea")] == 0.25  # average idf is negative: floor falls to epsilon


def test_one_document_corpus_has_positive_idf() -> None:
    """A single document: every term is in all of it, rank_bm25's idf and floor are negative."""
    corpus = [["kursk", "region", "kursk"]]
    assert all(v < 0 for v in BM25Okapi(corpus).idf.values())
    assert (okapi_idf(np.array([1, 1], dtype=np.int64), 1, 0.25) == 0.25).all()


def test_negative_average_idf_gives_epsilon_not_a_negative_floor() -> None:
    """Five documents sharing most terms: rank_bm25's floor epsilon*average is negative (#29)."""
    corpus = [["a", "b", "c"], ["a", "b", "c"], ["a", "b"], ["a", "c"], ["a", "b", "c", "d"]]
    reference = BM25Okapi(corpus)
    assert reference.average_idf < 0 and reference.idf["a"] < 0
    terms, df = _doc_freqs(corpus)
    ours = okapi_idf(df, 5, 0.25)
    assert ours[terms.index("d")] == reference.idf["d"] > 0
    assert all(ours[terms.index(t)] == 0.25 for t in "abc")


def test_positive_average_keeps_rank_bm25s_epsilon_floor() -> None:
    """A common term in a corpus of rare ones gets rank_bm25's own floor, epsilon * average."""
    corpus = [["common", f"rare{i}"] for i in range(9)] + [["rare9"]]
    reference = BM25Okapi(corpus)
    terms, df = _doc_freqs(corpus)
    ours = okapi_idf(df, len(corpus), 0.25)
    assert ours[terms.index("common")] == reference.idf["common"] == 0.25 * reference.average_idf


def test_term_weights_by_hand() -> None:
    """idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)), in rank_bm25's order."""
    got = term_weights(2.0, np.array([0.0, 1.0, 3.0]), np.array([4.0, 4.0, 2.0]), 4.0, BM25Params())
    want = [0.0, 2.0 * (2.5 / (1 + 1.5)), 2.0 * (3 * 2.5 / (3 + 1.5 * (0.25 + 0.75 * 0.5)))]
    assert got.tolist() == want


@pytest.mark.parametrize(
    "params", [{"k1": -0.1}, {"b": 1.5}, {"b": -0.1}, {"epsilon": 0.0}, {"epsilon": -1.0}]
)
def test_params_that_could_make_a_weight_non_positive_are_refused(
    params: dict[str, float],
) -> None:
    """Guarded idf only helps if every weight stays positive; these settings would break it."""
    with pytest.raises(ValueError):
        BM25Params(**params)
