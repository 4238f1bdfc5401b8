"""rank_bm25's BM25Okapi with the idf guards of retrieval.bm25.okapi_idf: the reference scores."""

from __future__ import annotations

from typing import Any

from rank_bm25 import BM25Okapi


class GuardedBM25Okapi(BM25Okapi):  # type: ignore[misc]
    """rank_bm25 itself, except that an idf <= 0 becomes a positive floor.

    The floor is epsilon * average_idf when that is positive, else epsilon: a term that occurs
    in a passage never lowers or zeroes its score (rank_bm25 issues #39, #43, #29).
    """

    def _calc_idf(self, nd: dict[Any, int]) -> None:
        super()._calc_idf(nd)
        floor = self.epsilon * self.average_idf
        floor = floor if floor > 0 else self.epsilon
        for word, value in self.idf.items():
            if value <= 0:
                self.idf[word] = floor
