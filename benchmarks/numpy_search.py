"""The same exact search in plain numpy (no compiled kernel), to show what numba buys."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.index import BM25Index, Scored


def numpy_search(index: BM25Index, terms: Sequence[str], k: int = 10) -> list[Scored]:
    """Term-at-a-time exact scores with numpy fancy indexing, then argpartition for the top k."""
    return index.search_numpy(terms, k)
