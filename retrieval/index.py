"""An exact BM25Okapi index over passages: a term-ordered inverted index of numpy arrays."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from retrieval.bm25 import BM25Params, okapi_idf, term_weights

log = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]

_ARRAYS = ("indptr", "postings", "tfs", "impacts", "doc_len", "idf")


@dataclass(frozen=True, slots=True)
class Scored:
    """A passage number and its exact BM25Okapi score."""

    passage: int
    score: float


class BM25Index:
    """Postings per term (passage ids ascending) with their term frequencies and float32 impacts.

    Impacts make the candidate pass one gather-add per posting; the final scores of the top
    candidates are recomputed in float64 from the term frequencies, with rank_bm25's formula,
    so what callers see equals `BM25Okapi.get_scores` (with the idf guards of `okapi_idf`).
    """

    def __init__(
        self,
        vocab: dict[str, int],
        arrays: dict[str, npt.NDArray[np.generic]],
        avgdl: float,
        params: BM25Params,
    ) -> None:
        self.vocab = vocab
        self.indptr: IntArray = arrays["indptr"]  # type: ignore[assignment]
        self.postings: Int32Array = arrays["postings"]  # type: ignore[assignment]
        self.tfs: Int32Array = arrays["tfs"]  # type: ignore[assignment]
        self.impacts: Float32Array = arrays["impacts"]  # type: ignore[assignment]
        self.doc_len: Int32Array = arrays["doc_len"]  # type: ignore[assignment]
        self.idf: FloatArray = arrays["idf"]  # type: ignore[assignment]
        self.avgdl = avgdl
        self.params = params

    @property
    def passage_count(self) -> int:
        return len(self.doc_len)

    @classmethod
    def build(cls, tokenized: Iterable[Sequence[str]], params: BM25Params) -> BM25Index:
        """Index tokenized passages (term ids in first-occurrence order, as rank_bm25 does)."""
        vocab: dict[str, int] = {}
        flat: list[int] = []
        lengths: list[int] = []
        for tokens in tokenized:
            flat.extend([vocab.setdefault(t, len(vocab)) for t in tokens])
            lengths.append(len(tokens))
        return cls.from_ids(
            vocab, np.asarray(flat, np.int32), np.asarray(lengths, np.int64), params
        )

    @classmethod
    def from_ids(
        cls, vocab: dict[str, int], flat: Int32Array, lengths: IntArray, params: BM25Params
    ) -> BM25Index:
        """Index passages given as one flat array of term ids and each passage's length."""
        n_passages, n_terms = len(lengths), len(vocab)
        if n_passages == 0:
            raise ValueError("cannot index zero passages")
        pids = np.repeat(np.arange(n_passages, dtype=np.int64), lengths)
        keys = np.unique(pids * max(n_terms, 1) + flat.astype(np.int64), return_counts=True)
        pair_pid = (keys[0] // max(n_terms, 1)).astype(np.int32)
        pair_tid = (keys[0] % max(n_terms, 1)).astype(np.int32)
        order = np.argsort(pair_tid, kind="stable")  # by term, passages stay ascending
        postings = pair_pid[order]
        tfs = keys[1][order].astype(np.int32)
        doc_freqs = np.bincount(pair_tid, minlength=n_terms).astype(np.int64)
        indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(doc_freqs, out=indptr[1:])
        doc_len = lengths.astype(np.int32)
        avgdl = float(lengths.sum()) / n_passages
        if avgdl == 0:
            avgdl = 1.0  # every passage empty: nothing can match, avoid a division by zero
        idf = okapi_idf(doc_freqs, n_passages, params.epsilon)
        term_of_posting = np.repeat(np.arange(n_terms), doc_freqs)
        impacts = term_weights(
            idf[term_of_posting],
            tfs.astype(np.float64),
            doc_len[postings].astype(np.float64),
            avgdl,
            params,
        ).astype(np.float32)
        arrays = {
            "indptr": indptr,
            "postings": postings,
            "tfs": tfs,
            "impacts": impacts,
            "doc_len": doc_len,
            "idf": idf,
        }
        return cls(vocab, arrays, avgdl, params)  # type: ignore[arg-type]

    def term_ids(self, terms: Sequence[str]) -> list[int]:
        """Ids of the query terms the index knows, in query order, duplicates kept."""
        return [self.vocab[t] for t in terms if t in self.vocab]

    def exact_scores(self, terms: Sequence[str], passages: IntArray) -> FloatArray:
        """rank_bm25's float64 scores of the given passages, summed in query order."""
        scores = np.zeros(len(passages), dtype=np.float64)
        dl = self.doc_len[passages].astype(np.float64)
        for term in terms:
            tid = self.vocab.get(term)
            if tid is None:
                continue
            lo, hi = int(self.indptr[tid]), int(self.indptr[tid + 1])
            plist = self.postings[lo:hi]
            where = np.searchsorted(plist, passages)
            where_clipped = np.minimum(where, hi - lo - 1)
            found = plist[where_clipped] == passages
            tf = np.where(found, self.tfs[lo:hi][where_clipped], 0).astype(np.float64)
            scores += term_weights(float(self.idf[tid]), tf, dl, self.avgdl, self.params)
        return scores

    def search(self, terms: Sequence[str], k: int = 10) -> list[Scored]:
        """The k best passages that contain a query term, best first (ties: lower id first)."""
        tids = self.term_ids(terms)
        if not tids or k <= 0:
            return []
        approx = np.zeros(self.passage_count, dtype=np.float32)
        bound = 0.0
        for tid in tids:
            lo, hi = int(self.indptr[tid]), int(self.indptr[tid + 1])
            approx[self.postings[lo:hi]] += self.impacts[lo:hi]
            bound += float(self.impacts[lo:hi].max())
        matched = np.flatnonzero(approx > 0)
        if len(matched) > k:
            part = np.argpartition(-approx[matched], k - 1)[:k]
            # float32 sums can misorder near-ties: keep all within rounding of the k-th.
            kth = float(approx[matched[part]].min())
            matched = matched[approx[matched] >= kth - bound * 1e-5 - 1e-9]
        exact = self.exact_scores(terms, matched.astype(np.int64))
        order = np.lexsort((matched, -exact))[:k]
        return [Scored(int(matched[i]), float(exact[i])) for i in order]

    def save(self, folder: Path) -> None:
        """Write the index as .npy arrays and JSON (nothing that needs unpickling)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (folder / "vocab.json").write_text(json.dumps(terms, ensure_ascii=False), "utf-8")
        meta = {
            "avgdl": self.avgdl,
            "k1": self.params.k1,
            "b": self.params.b,
            "epsilon": self.params.epsilon,
        }
        (folder / "bm25.json").write_text(json.dumps(meta), "utf-8")

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        """Map a saved index into memory (read-only, no pickle)."""
        arrays = {
            name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in _ARRAYS
        }
        terms = json.loads((folder / "vocab.json").read_text("utf-8"))
        meta = json.loads((folder / "bm25.json").read_text("utf-8"))
        params = BM25Params(meta["k1"], meta["b"], meta["epsilon"])
        return cls({t: i for i, t in enumerate(terms)}, arrays, float(meta["avgdl"]), params)
