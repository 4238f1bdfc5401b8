"""The live documents of several segments, seen as one corpus with exact global BM25 scores.

Deleted documents are invisible: documents and passages are numbered over the live ones only,
in path order, as a full build of the same files numbers them. Counts, `records`, `ids`, masks
over document numbers and passage numbers (and so ties, and rank_bm25's first-occurrence
order) all mean what they mean in a rebuilt corpus, so the answers layer uses a
`SegmentedCorpus` as any `Corpus`, and answers the same.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, overload

import numpy as np

from retrieval.bm25 import idf_floor, length_norm
from retrieval.corpus import BoolArray, Corpus, Passage
from retrieval.documents import Document
from retrieval.index import BM25Index, FloatArray, IntArray, Scored
from retrieval.metadata import Metadata
from retrieval.segments import Layout, Segment, Union, UnionVocab


class UnionIndex(BM25Index):
    """What the answers layer reads of an index (vocab, document frequencies through `indptr`,
    `passage_count`), over the live union; searches score each segment with global statistics.

    It holds no postings of its own: BM25Index's per-array methods are not available here.
    """

    def __init__(self, segments: Sequence[Segment], union: Union, compiled: bool) -> None:
        # Not BM25Index.__init__: the arrays live in the segments.
        first = segments[0].corpus.index
        self.params, self.compiled = first.params, compiled
        self._segments, self.union, self._stats = tuple(segments), union, union.stats
        self.vocab = UnionVocab(first.vocab, union.extras, union.doc_freqs, union.stats.terms)
        indptr = np.zeros(len(union.doc_freqs) + 1, dtype=np.int64)
        np.cumsum(union.doc_freqs, out=indptr[1:])
        self.indptr = indptr
        self.avgdl = union.stats.avgdl if union.stats.passages else 1.0
        longest = max(int(s.corpus.index.doc_len.max(initial=0)) for s in segments)
        self._norm = length_norm(longest, self.avgdl, self.params)
        self._floor = idf_floor(union.stats.average_idf, self.params.epsilon)
        self._local = [self._reverse(ids) for ids in union.maps]
        self.layout = Layout(segments)

    @staticmethod
    def _reverse(ids: IntArray | None) -> tuple[IntArray, IntArray] | None:
        if ids is None:
            return None
        order = np.argsort(ids, kind="stable")
        return ids[order], order

    @property
    def passage_count(self) -> int:
        return self._stats.passages

    @property
    def average_idf(self) -> float:
        """rank_bm25's average idf over the live union (its floor for guarded terms)."""
        return self._stats.average_idf

    def idf_of(self, uid: int) -> float:
        """rank_bm25's idf of a union term over the live passages, guarded as `okapi_idf` is."""
        n, df = self._stats.passages, int(self.union.doc_freqs[uid])
        value = math.log(n - df + 0.5) - math.log(df + 0.5)
        return value if value > 0 else self._floor

    def search(self, terms: Sequence[str], k: int = 10) -> list[Scored]:
        """The k best live passages (union numbers), best first, ties: lower number first."""
        return self.search_kept(terms, k, None)

    def search_kept(
        self, terms: Sequence[str], k: int, keep: Sequence[BoolArray | None] | None
    ) -> list[Scored]:
        """`search` over the passages each segment's `keep` mask (local passages) allows."""
        uids = np.asarray(self.term_ids(terms), dtype=np.int64)
        if not len(uids) or k <= 0:
            return []
        idfs = np.array([self.idf_of(u) for u in uids.tolist()], dtype=np.float64)
        found: list[Scored] = []
        for number, seg in enumerate(self._segments):
            local = self._local_ids(number, uids)
            present = local >= 0
            if not present.any():
                continue
            dead = seg.passage_dead
            if keep is not None and keep[number] is not None:
                allowed = keep[number]
                assert allowed is not None
                dead = ~allowed if dead is None else dead | ~allowed
            scored = seg.corpus.index.top_k(local[present], idfs[present], self._norm, k, dead)
            at = self.layout.union_passages(seg, np.array([s.passage for s in scored], np.int64))
            found += [Scored(int(n), s.score) for n, s in zip(at.tolist(), scored, strict=True)]
        found.sort(key=lambda s: (-s.score, s.passage))
        return found[:k]

    def _local_ids(self, number: int, uids: IntArray) -> IntArray:
        """Segment `number`'s term ids for union ids (-1 where the segment lacks the term)."""
        reverse = self._local[number]
        if reverse is None:
            base = len(self._segments[0].corpus.index.indptr) - 1
            return np.where(uids < base, uids, -1)
        ordered, order = reverse
        at = np.minimum(np.searchsorted(ordered, uids), len(ordered) - 1)
        return np.where(ordered[at] == uids, order[at], -1).astype(np.int64)

    def search_within(
        self, terms: Sequence[str], k: int, groups: Any, allowed: BoolArray
    ) -> list[Scored]:
        """`search` kept to live passages whose group (`groups[live passage]`) is allowed."""
        keep = np.asarray(allowed[groups], dtype=np.bool_)
        return self.search_kept(terms, k, self._split(keep))

    def _split(self, live_mask: BoolArray) -> list[BoolArray | None]:
        """A mask over live union passages as each segment's mask over its local passages."""
        masks: list[BoolArray | None] = []
        for seg in self._segments:
            live = np.flatnonzero(~seg.passage_dead) if seg.passage_dead is not None else None
            if live is None:
                live = np.arange(seg.corpus.passage_count, dtype=np.int64)
            local = np.zeros(seg.corpus.passage_count, dtype=np.bool_)
            local[live] = live_mask[self.layout.union_passages(seg, live)]
            masks.append(local)
        return masks

    def exact_scores(self, terms: Sequence[str], passages: IntArray) -> FloatArray:
        raise NotImplementedError("score a segmented index through search")

    def warm(self) -> None:
        for seg in self._segments:
            seg.corpus.index.warm()


class _LiveRecords(Sequence[dict[str, Any]]):
    """The live documents' records, in union order."""

    def __init__(self, corpus: SegmentedCorpus) -> None:
        self._corpus = corpus

    def __len__(self) -> int:
        return self._corpus.document_count

    @overload
    def __getitem__(self, number: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, number: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, number: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(number, slice):
            return [self[i] for i in range(*number.indices(len(self)))]
        seg, local = self._corpus.locate_document(number)
        return seg.corpus.records[local]


class SegmentedCorpus(Corpus):
    """Segments' live documents as one corpus (numbers over live documents, union order)."""

    def __init__(self, segments: Sequence[Segment], union: Union, compiled: bool = True) -> None:
        # Not Corpus.__init__: documents, texts and arrays stay in the segments.
        self.segments = tuple(segments)
        self.union_index = UnionIndex(segments, union, compiled)
        self.index = self.union_index
        self.arrays = {}
        self._texts = b""
        self.layout = self.union_index.layout
        self.records = _LiveRecords(self)
        self.ids = {}
        for seg in self.segments:
            order = seg.order.tolist()
            self.ids.update((i, order[n]) for i, n in seg.corpus.ids.items() if order[n] >= 0)

    def locate_document(self, number: int) -> tuple[Segment, int]:
        """The segment holding live document `number`, and its number there."""
        if not -self.document_count <= number < self.document_count:
            raise IndexError(number)
        return self.layout.locate_document(number % self.document_count)

    @property
    def document_count(self) -> int:
        return len(self.layout.owner)

    @property
    def passage_count(self) -> int:
        return self.index.passage_count

    @property
    def sentence_count(self) -> int:
        total = 0
        for seg in self.segments:
            ptr = seg.corpus.arrays["doc_sent_ptr"]
            counts = np.diff(ptr)
            total += int(counts.sum()) - int(counts[seg.deleted].sum())
        return total

    def metadata(self, number: int) -> Metadata:
        seg, local = self.locate_document(number)
        return seg.corpus.metadata(local)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - the corpus lives as long as its cache
    def document(self, number: int) -> Document:
        seg, local = self.locate_document(number)
        return seg.corpus.document(local)

    def passage(self, number: int) -> Passage:
        seg, local = self.layout.locate_passage(number)
        return replace(seg.corpus.passage(local), number=number)

    def score(
        self, terms: Sequence[str], k: int = 10, within: BoolArray | None = None
    ) -> list[Scored]:
        if within is None:
            return self.index.search(terms, k)
        return self.union_index.search_kept(terms, k, self._kept(within))

    def _kept(self, within: BoolArray) -> list[BoolArray | None]:
        """A mask over live document numbers as each segment's mask over its local passages."""
        masks: list[BoolArray | None] = []
        for seg in self.segments:
            allowed = np.zeros(seg.corpus.document_count, dtype=np.bool_)
            allowed[seg.live_docs] = within[seg.order[seg.live_docs]]
            masks.append(allowed[seg.corpus.arrays["passage_doc"]])
        return masks
