"""Pruned search: the same top k, ids and scores bit for bit, as exhaustive scoring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval import index as index_module
from retrieval.bm25 import BM25Params
from retrieval.index import BM25Index, Scored

PARAMS = BM25Params()


def _zipf_corpus(rng: np.random.Generator, n_docs: int, vocab: int) -> list[list[str]]:
    """Zipf-distributed terms, some long passages with repeated terms, some empty ones."""
    return [
        [f"w{int(x) % vocab}" for x in rng.zipf(1.25, size=int(rng.integers(0, 80)))]
        for _ in range(n_docs)
    ]


def _queries(rng: np.random.Generator, vocab: int, count: int) -> list[list[str]]:
    """1-7 terms, frequent ones included, duplicates allowed (they count twice)."""
    out = []
    for _ in range(count):
        terms = [f"w{int(x) % vocab}" for x in rng.zipf(1.15, size=int(rng.integers(1, 8)))]
        if rng.random() < 0.2:
            terms.append(terms[0])
        out.append(terms)
    return out


def _both(
    index: BM25Index, tids: Any, idfs: Any, norm: Any, k: int, dead: Any = None
) -> tuple[list[Scored], list[Scored]]:
    index.prune = True
    pruned = index.top_k(tids, idfs, norm, k, dead)
    index.prune = False
    exhaustive = index.top_k(tids, idfs, norm, k, dead)
    index.prune = True
    return pruned, exhaustive


def _small_windows(monkeypatch: Any, shift: int, min_df: int) -> None:
    monkeypatch.setattr(index_module, "WINDOW_SHIFT", shift)
    monkeypatch.setattr(index_module, "WINDOW_MIN_DF", min_df)


@pytest.mark.parametrize(("shift", "min_df"), [(3, 0), (4, 1), (5, 4), (10, 4), (2, 10**9)])
@pytest.mark.parametrize("seed", range(4))
def test_pruned_search_equals_exhaustive_on_zipf_corpora(
    seed: int, shift: int, min_df: int, monkeypatch: Any
) -> None:
    """Own idfs and lengths, k from 1 to 50: same ids and the same float64 scores."""
    _small_windows(monkeypatch, shift, min_df)
    rng = np.random.default_rng(seed)
    vocab = 300
    index = BM25Index.build(_zipf_corpus(rng, 400 + 300 * seed, vocab), PARAMS)
    for query in _queries(rng, vocab, 60):
        tids = np.asarray(index.term_ids(query), dtype=np.int64)
        k = int(rng.integers(1, 51))
        pruned, exhaustive = _both(index, tids, index.idf[tids], index._norm, k)
        assert pruned == exhaustive


@pytest.mark.parametrize("seed", range(6))
def test_pruned_search_equals_exhaustive_with_outside_statistics_and_dead(
    seed: int, monkeypatch: Any
) -> None:
    """Any idf > 0, any length table that grows with length, any dead mask."""
    _small_windows(monkeypatch, 3 + seed % 3, seed % 2)
    rng = np.random.default_rng(100 + seed)
    vocab = 200
    docs = _zipf_corpus(rng, 700, vocab)
    index = BM25Index.build(docs, PARAMS)
    top = max(len(d) for d in docs) + 20
    for query in _queries(rng, vocab, 60):
        tids = np.asarray(index.term_ids(query), dtype=np.int64)
        idfs = rng.random(len(tids)) * rng.choice([0.01, 1.0, 30.0]) + 1e-6
        norm = np.cumsum(rng.random(top) * rng.choice([0.0, 0.01, 1.0]))
        norm += rng.random() * 2
        dead = rng.random(len(docs)) < rng.choice([0.0, 0.3, 0.95])
        k = int(rng.integers(1, 51))
        pruned, exhaustive = _both(index, tids, idfs, norm, k, dead)
        assert pruned == exhaustive


@pytest.mark.parametrize("k", [1, 2, 3, 10, 25])
def test_ties_at_the_kth_score_keep_the_lower_passage(k: int, monkeypatch: Any) -> None:
    """Many equal passages across windows: the lowest ids win, as in the exhaustive order."""
    _small_windows(monkeypatch, 2, 0)
    docs = [["a", "b"], ["c"], ["a", "x"]] * 30 + [["b", "b", "a"]] * 5 + [["a", "b"]] * 20
    index = BM25Index.build(docs, PARAMS)
    for query in (["a", "b"], ["b", "a", "a"], ["x", "a"], ["c", "b"], ["b"]):
        tids = np.asarray(index.term_ids(query), dtype=np.int64)
        pruned, exhaustive = _both(index, tids, index.idf[tids], index._norm, k)
        assert pruned == exhaustive
        assert len(pruned) == k


def test_a_length_table_that_falls_turns_pruning_off(monkeypatch: Any) -> None:
    """The bounds assume weights fall with length; a table where they do not is scored fully."""
    _small_windows(monkeypatch, 2, 0)
    rng = np.random.default_rng(5)
    docs = _zipf_corpus(rng, 300, 50)
    index = BM25Index.build(docs, PARAMS)
    norm = np.linspace(5.0, 0.01, max(len(d) for d in docs) + 1)
    for query in _queries(rng, 50, 30):
        tids = np.asarray(index.term_ids(query), dtype=np.int64)
        pruned, exhaustive = _both(index, tids, index.idf[tids], norm, 3)
        assert pruned == exhaustive


def test_a_loaded_index_prunes_as_the_built_one(tmp_path: Path, monkeypatch: Any) -> None:
    """Tables made at first use from mapped arrays equal the built index's; so do results."""
    _small_windows(monkeypatch, 3, 1)
    rng = np.random.default_rng(9)
    index = BM25Index.build(_zipf_corpus(rng, 500, 100), PARAMS)
    index.save(tmp_path)
    loaded = BM25Index.load(tmp_path)
    assert loaded.windows()[0] == index.windows()[0] == 3
    for mine, theirs in zip(index.windows()[1:], loaded.windows()[1:], strict=True):
        assert np.array_equal(mine, theirs)
    for query in _queries(rng, 100, 20):
        index.prune = loaded.prune = True
        pruned = loaded.search(query, 7)
        index.prune = False
        assert pruned == index.search(query, 7)


def test_pruning_is_off_unless_asked() -> None:
    """The exhaustive kernel is the default (faster on the benchmark); no tables are made."""
    index = BM25Index.build([["a", "b"], ["b"]], PARAMS)
    assert index.search(["b"], 1) == [Scored(1, index.search(["b"], 1)[0].score)]
    assert index.prune is False
    assert index._windows is None
