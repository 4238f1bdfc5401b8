"""An exact BM25Okapi index over passages: a term-ordered inverted index of numpy arrays."""

from __future__ import annotations

import bisect
import json
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from retrieval.bm25 import BM25Params, okapi_idf, term_weights

log = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
AnyArray = npt.NDArray[np.generic]

# Bumped when the saved arrays change meaning; an index of another format is rebuilt, not misread.
FORMAT = 3
_ARRAYS = ("indptr", "postings", "tfs", "doc_len", "idf")
_VOCAB_ARRAYS = ("term_offsets", "term_ids")
# Passages scored at a time: 256 KB of float64 accumulators, which stay in a core's L2 cache.
BLOCK = 1 << 15
_NO_DEAD = np.zeros(0, dtype=np.bool_)
# Pruning (retrieval.pruning, opt-in): windows of 2**WINDOW_SHIFT passages (at most BLOCK); a
# term gets a table of bounds per window when it has at least WINDOW_MIN_DF postings per window
# on average: below that its postings are few enough to read whole, and the tables stay small.
WINDOW_SHIFT = 10
WINDOW_MIN_DF = 4


@dataclass(frozen=True, slots=True)
class Scored:
    """A passage number and its exact BM25Okapi score."""

    passage: int
    score: float


def _smallest_uint(values: npt.NDArray[np.integer]) -> AnyArray:
    """Counts in the narrowest type that holds them (one byte for most passages)."""
    top = int(values.max()) if len(values) else 0
    dtype = np.uint8 if top <= 0xFF else np.uint16 if top <= 0xFFFF else np.int32
    return values.astype(dtype)


class _MappedVocab(Mapping[str, int]):
    """term -> id, read from the saved index by binary search: a restart parses no vocabulary.

    Terms are stored sorted by their UTF-8 bytes, concatenated, with their offsets and ids; a
    query looks up a few terms (about 20 probes each) instead of building a dict of 400k.
    """

    def __init__(self, blob: bytes | AnyArray, offsets: IntArray, ids: Int32Array) -> None:
        self._blob, self._offsets, self._ids = blob, offsets, ids

    def _term(self, i: int) -> bytes:
        return bytes(self._blob[int(self._offsets[i]) : int(self._offsets[i + 1])])

    def __getitem__(self, term: str) -> int:
        key, lo, hi = term.encode("utf-8", "surrogatepass"), 0, len(self._ids)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._term(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self._ids) and self._term(lo) == key:
            return int(self._ids[lo])
        raise KeyError(term)

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        """Terms in id order (first occurrence), as the dict of a built index."""
        for i in np.argsort(self._ids, kind="stable").tolist():
            yield self._term(i).decode("utf-8", "surrogatepass")

    def ids_of(self, terms: Sequence[str]) -> list[int | None]:
        """Many lookups at once (an incremental commit's thousands): the sorted terms are read
        into Python once, then each is a bisection over plain bytes."""
        blob, offsets, ids = bytes(self._blob), self._offsets.tolist(), self._ids
        size = len(ids)

        def term(i: int) -> bytes:
            return blob[offsets[i] : offsets[i + 1]]

        found: list[int | None] = []
        for text in terms:
            key = text.encode("utf-8", "surrogatepass")
            at = bisect.bisect_left(range(size), key, key=term)
            found.append(int(ids[at]) if at < size and term(at) == key else None)
        return found

    def to_dict(self) -> dict[str, int]:
        """The whole vocabulary as a dict in id order: for a process that answers many queries."""
        return {term: i for i, term in enumerate(self)}


def _save_vocab(folder: Path, vocab: Mapping[str, int]) -> None:
    encoded = sorted((t.encode("utf-8", "surrogatepass"), i) for t, i in vocab.items())
    (folder / "terms.bin").write_bytes(b"".join(t for t, _ in encoded))
    offsets = np.cumsum([0, *(len(t) for t, _ in encoded)], dtype=np.int64)
    np.save(folder / "term_offsets.npy", offsets, allow_pickle=False)
    np.save(
        folder / "term_ids.npy", np.array([i for _, i in encoded], np.int32), allow_pickle=False
    )


def _load_vocab(folder: Path) -> _MappedVocab:
    offsets, ids = (
        np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _VOCAB_ARRAYS
    )
    size = (folder / "terms.bin").stat().st_size
    if len(offsets) != len(ids) + 1 or int(offsets[-1]) != size:
        raise ValueError("the saved vocabulary's files do not agree")
    blob = np.memmap(folder / "terms.bin", dtype=np.uint8, mode="r") if size else b""
    return _MappedVocab(blob, offsets, ids)


class BM25Index:
    """Postings per term (passage ids ascending) with their term frequencies.

    `search` scores every passage that holds a query term with rank_bm25's formula in float64,
    term by term in a compiled loop, so what callers see equals `BM25Okapi.get_scores` (with
    the idf guards of `okapi_idf`), bit for bit. With `compiled=False` the same operations run in
    plain numpy: slower per query, but a one-shot process never imports numba (a third of a
    second) nor loads the kernel's machine code.
    """

    def __init__(
        self,
        vocab: Mapping[str, int],
        arrays: dict[str, AnyArray],
        avgdl: float,
        params: BM25Params,
        compiled: bool = True,
    ) -> None:
        self.vocab = vocab
        self.compiled = compiled
        # Read-only plain ndarrays whether built or memory-mapped: one compiled signature.
        ro = {name: np.asarray(arrays[name]) for name in _ARRAYS}
        for array in ro.values():
            array.flags.writeable = False
        self.indptr: IntArray = ro["indptr"]  # type: ignore[assignment]
        self.postings: Int32Array = ro["postings"]  # type: ignore[assignment]
        self.tfs: AnyArray = ro["tfs"]
        self.doc_len: AnyArray = ro["doc_len"]
        self.idf: FloatArray = ro["idf"]  # type: ignore[assignment]
        # Off by default: on the synthetic benchmark the pruned kernel reads fewer postings but
        # takes longer than scoring them all (README, Speed); its tables are made at first use.
        self.prune = False
        self._windows: tuple[int, AnyArray, AnyArray, AnyArray] | None = None
        self.avgdl = avgdl
        self.params = params
        # rank_bm25's length normalization k1 * (1 - b + b * dl / avgdl), with its operations,
        # for every passage length: a table small enough to stay in cache while scoring.
        lengths = np.arange(int(self.doc_len.max(initial=0)) + 1, dtype=np.float64)
        norm: FloatArray = params.k1 * (1 - params.b + params.b * lengths / avgdl)
        norm.flags.writeable = False
        self._norm = norm
        self._scratch = threading.local()

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
        from retrieval import kernels  # numba: only building and compiled search need it

        n_passages = len(lengths)
        if n_passages == 0:
            raise ValueError("cannot index zero passages")
        lengths = np.ascontiguousarray(lengths, dtype=np.int64)
        flat = np.ascontiguousarray(flat, dtype=np.int32)
        indptr, postings, tfs = kernels.build_postings(flat, lengths, len(vocab))
        avgdl = float(lengths.sum()) / n_passages
        if avgdl == 0:
            avgdl = 1.0  # every passage empty: nothing can match, avoid a division by zero
        arrays = {
            "indptr": indptr,
            "postings": postings,
            "tfs": _smallest_uint(tfs),
            "doc_len": _smallest_uint(lengths),
            "idf": okapi_idf(np.diff(indptr), n_passages, params.epsilon),
        }
        return cls(vocab, arrays, avgdl, params)

    def term_ids(self, terms: Sequence[str]) -> list[int]:
        """Ids of the query terms the index knows, in query order, duplicates kept."""
        found = (self.vocab.get(t) for t in terms)
        return [tid for tid in found if tid is not None]

    def exact_scores(self, terms: Sequence[str], passages: IntArray) -> FloatArray:
        """rank_bm25's float64 scores of the given passages, summed in query order."""
        scores = np.zeros(len(passages), dtype=np.float64)
        dl = self.doc_len[passages].astype(np.float64)
        for tid in self.term_ids(terms):
            lo, hi = int(self.indptr[tid]), int(self.indptr[tid + 1])
            plist = self.postings[lo:hi]
            where = np.minimum(np.searchsorted(plist, passages), hi - lo - 1)
            found = plist[where] == passages
            tf = np.where(found, self.tfs[lo:hi][where], 0).astype(np.float64)
            scores += term_weights(float(self.idf[tid]), tf, dl, self.avgdl, self.params)
        return scores

    def search(self, terms: Sequence[str], k: int = 10) -> list[Scored]:
        """The k best passages that contain a query term, best first (ties: lower id first)."""
        tids = np.asarray(self.term_ids(terms), dtype=np.int64)
        return self.top_k(tids, self.idf[tids], self._norm, k)

    def top_k(
        self,
        tids: IntArray,
        idfs: FloatArray,
        norm: FloatArray,
        k: int,
        dead: BoolArray | None = None,
    ) -> list[Scored]:
        """The k best passages for query terms given by id (query order, duplicates kept).

        Term i weighs `idfs[i]`, and `norm[dl]` is rank_bm25's k1 * (1 - b + b * dl / avgdl):
        both come from outside, so a segment of a larger corpus scores with the whole corpus's
        statistics. Passages flagged in `dead` are never returned. Best first, ties: lower id.
        """
        if not len(tids) or k <= 0:
            return []
        k = min(k, self.passage_count)
        if not self.compiled:
            return self._top_k_numpy(tids, idfs, norm, k, dead)
        from retrieval import kernels, pruning

        acc, touched = self._buffers()
        common = (
            self.indptr,
            self.postings,
            self.tfs,
            self.doc_len,
            np.ascontiguousarray(norm, dtype=np.float64),
            np.ascontiguousarray(idfs, dtype=np.float64),
            self.params.k1 + 1,
            np.ascontiguousarray(tids, dtype=np.int64),
            k,
        )
        live = _NO_DEAD if dead is None else np.ascontiguousarray(dead, dtype=np.bool_)
        if self.prune:
            ids, scores = pruning.search_top_k_pruned(*common, acc, touched, live, *self.windows())
        else:
            block = min(BLOCK, self.passage_count)  # the buffers may be longer, for windows
            ids, scores = kernels.search_top_k(*common, acc[:block], touched[:block], live)
        order = np.lexsort((ids, -scores))
        return [Scored(int(ids[i]), float(scores[i])) for i in order]

    def search_within(
        self, terms: Sequence[str], k: int, groups: AnyArray, allowed: BoolArray
    ) -> list[Scored]:
        """The k best passages whose group (`groups[passage]`, e.g. its document) is allowed,
        among those that contain a query term, scored exactly as `search` scores them.

        Only the query terms' postings in allowed groups are read and scored (term by term, in
        query order, with rank_bm25's float64 operations), so other passages are never ranked
        and a narrow filter still gets its k best.
        """
        tids = self.term_ids(terms)
        if not tids or k <= 0:
            return []
        found = []  # each term's allowed postings, their weights
        for tid in tids:
            lo, hi = int(self.indptr[tid]), int(self.indptr[tid + 1])
            keep = allowed[groups[self.postings[lo:hi]]]
            plist = self.postings[lo:hi][keep]
            tf = self.tfs[lo:hi][keep].astype(np.float64)
            dl = self.doc_len[plist].astype(np.float64)
            found.append(
                (plist, term_weights(float(self.idf[tid]), tf, dl, self.avgdl, self.params))
            )
        # Few postings (a narrow filter): accumulate over their own sorted set; many: over an
        # array of every passage, where one pass over its flags beats sorting them.
        if sum(len(p) for p, _ in found) * 16 < self.passage_count:
            candidates = np.unique(np.concatenate([p for p, _ in found])).astype(np.int64)
            scores = np.zeros(len(candidates), dtype=np.float64)
            for plist, weights in found:  # in query order, as rank_bm25 sums
                scores[np.searchsorted(candidates, plist)] += weights
        else:
            acc = np.zeros(self.passage_count, dtype=np.float64)
            touched = np.zeros(self.passage_count, dtype=np.bool_)
            for plist, weights in found:
                acc[plist] += weights
                touched[plist] = True
            candidates = np.flatnonzero(touched)
            scores = acc[candidates]
        if len(candidates) > k:  # keep the k best and every passage tied with the k-th
            kth = np.partition(scores, len(scores) - k)[len(scores) - k]
            best = scores >= kth
            candidates, scores = candidates[best], scores[best]
        order = np.lexsort((candidates, -scores))[:k]
        return [Scored(int(candidates[i]), float(scores[i])) for i in order]

    def search_numpy(self, terms: Sequence[str], k: int = 10) -> list[Scored]:
        """`search` without the compiled kernel: its operations in numpy, term by term."""
        tids = np.asarray(self.term_ids(terms), dtype=np.int64)
        if not len(tids) or k <= 0:
            return []
        return self._top_k_numpy(tids, self.idf[tids], self._norm, min(k, self.passage_count), None)

    def _top_k_numpy(
        self, tids: IntArray, idfs: FloatArray, norm: FloatArray, k: int, dead: BoolArray | None
    ) -> list[Scored]:
        acc = np.zeros(self.passage_count, dtype=np.float64)
        for tid, idf in zip(tids.tolist(), idfs.tolist(), strict=True):
            lo, hi = int(self.indptr[tid]), int(self.indptr[tid + 1])
            plist = self.postings[lo:hi]
            tf = self.tfs[lo:hi].astype(np.float64)
            # A passage is in a posting list once, so += on the fancy index adds each once.
            acc[plist] += idf * (tf * (self.params.k1 + 1) / (tf + norm[self.doc_len[plist]]))
        if dead is not None:
            acc[dead] = 0.0
        matched = np.flatnonzero(acc)  # every weight is > 0 (the idf guard), so matched == hit
        if len(matched) > k:
            # argpartition(-x, k-1), not argpartition(x, -k): ~20x faster on mostly-equal values.
            top = np.argpartition(-acc[matched], k - 1)[:k]
            matched = matched[acc[matched] >= acc[matched[top]].min()]
        order = np.lexsort((matched, -acc[matched]))[:k]
        return [Scored(int(matched[i]), float(acc[matched[i]])) for i in order]

    def windows(self) -> tuple[int, AnyArray, AnyArray, AnyArray]:
        """The pruning windows' shift and bound tables (retrieval.pruning), made at first use.

        Per term with at least WINDOW_MIN_DF postings a window, and per window: the largest tf
        and the shortest passage among its postings there. They hold for any idf and length
        table, so an index scored with outside statistics keeps them. One pass over the
        postings: 0.18 s at 2.85M passages (52M postings), 4 MB.
        """
        if self._windows is None:
            from retrieval import pruning

            n_windows = -(-self.passage_count // (1 << WINDOW_SHIFT))
            min_df = max(1, WINDOW_MIN_DF * n_windows)
            tables = pruning.window_tables(
                self.indptr, self.postings, self.tfs, self.doc_len, WINDOW_SHIFT, min_df
            )
            self._windows = (WINDOW_SHIFT, *tables)
        return self._windows

    def _buffers(self) -> tuple[FloatArray, Int32Array]:
        """This thread's scratch: zeroed accumulators for a block of passages, the touched ones."""
        scratch = self._scratch
        if not hasattr(scratch, "acc"):
            size = min(max(BLOCK, 1 << WINDOW_SHIFT), self.passage_count)
            scratch.acc = np.zeros(size, dtype=np.float64)
            scratch.touched = np.empty(size, dtype=np.int32)
        return scratch.acc, scratch.touched

    def warm(self) -> None:
        """Load (or compile) the search kernel for this index's array types, without searching."""
        self.search([next(iter(self.vocab))] if self.vocab else [], 1)

    def save(self, folder: Path) -> None:
        """Write the index as .npy arrays and JSON (nothing that needs unpickling)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)
        _save_vocab(folder, self.vocab)
        meta = {
            "format": FORMAT,
            "avgdl": self.avgdl,
            "k1": self.params.k1,
            "b": self.params.b,
            "epsilon": self.params.epsilon,
        }
        (folder / "bm25.json").write_text(json.dumps(meta), "utf-8")

    @classmethod
    def load(cls, folder: Path, compiled: bool = True) -> BM25Index:
        """Map a saved index into memory (read-only, no pickle), ready to answer at once."""
        meta = json.loads((folder / "bm25.json").read_text("utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"index format {meta.get('format')} is not {FORMAT}")
        arrays = {
            name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in _ARRAYS
        }
        params = BM25Params(meta["k1"], meta["b"], meta["epsilon"])
        mapped = _load_vocab(folder)
        # A long-running process pays for the dict once and then looks terms up in a hash
        # table; a one-shot one binary-searches the few terms of its query.
        vocab: Mapping[str, int] = mapped.to_dict() if compiled else mapped
        index = cls(vocab, arrays, float(meta["avgdl"]), params, compiled)
        if compiled:
            index.warm()
        return index
