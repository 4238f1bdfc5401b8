"""Segments of an incremental index and the statistics of their live union.

An incremental index is a list of segments (each an ordinary corpus folder, as a full build
writes) with, per segment, the documents deleted from it since (removed files, old versions of
changed ones). Scores stay BM25Okapi over the live union as rank_bm25 would compute it over
the live passages in segment order: N, the average length and each term's document frequency
are summed over segments minus deletions, and the average idf (the floor of guarded terms) is
summed in the union's first-occurrence order of terms, as rank_bm25 sums it. That order is
worked out once per commit (`union_stats`) and only its result is stored.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.corpus import Corpus
from retrieval.tokenizer import tokenize

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_NOWHERE = np.iinfo(np.int64).max


class Segment:
    """One segment's corpus and, for this commit, each document's number in the union (-1:
    deleted). The union numbers live documents in path order, as a full build would."""

    def __init__(self, name: str, corpus: Corpus, order: npt.ArrayLike) -> None:
        self.name, self.corpus = name, corpus
        self.order: IntArray = np.asarray(order, dtype=np.int64)
        if self.order.shape != (corpus.document_count,):
            raise ValueError(f"segment {name}: the document order does not fit")
        passage_doc = corpus.arrays["passage_doc"]
        self.live_docs: IntArray = np.flatnonzero(self.order >= 0)
        if np.any(np.diff(self.order[self.live_docs]) <= 0):
            raise ValueError(f"segment {name}: documents are not in union order")
        self.deleted: IntArray = np.flatnonzero(self.order < 0)
        self.live_documents = len(self.live_docs)
        # Each document's first passage (its passages are contiguous, in document order).
        self.doc_start: IntArray = np.searchsorted(
            passage_doc, np.arange(corpus.document_count + 1)
        ).astype(np.int64)
        counts = np.diff(self.doc_start)
        self.live_passages = int(counts[self.live_docs].sum())
        self.passage_dead: BoolArray | None = None  # None while nothing is deleted
        if len(self.deleted):
            self.passage_dead = (self.order < 0)[passage_doc]

    def dead_ranges(self) -> tuple[IntArray, IntArray]:
        """The deleted documents' passages as sorted, disjoint [lo, hi) ranges."""
        return self.doc_start[self.deleted], self.doc_start[self.deleted + 1]

    def live_length(self) -> int:
        """The total length (tokens) of the live passages."""
        lengths = self.corpus.index.doc_len
        total = int(lengths.sum(dtype=np.int64))
        for lo, hi in zip(*self.dead_ranges(), strict=True):
            total -= int(lengths[lo:hi].sum(dtype=np.int64))
        return total


class Layout:
    """Where the union's live documents and passages are: union numbers <-> (segment, local)."""

    def __init__(self, segments: Sequence[Segment]) -> None:
        size = sum(s.live_documents for s in segments)
        self.owner = np.zeros(size, dtype=np.int64)  # union document -> segment
        self.local = np.zeros(size, dtype=np.int64)  # union document -> its number there
        counts = np.zeros(size, dtype=np.int64)
        for number, seg in enumerate(segments):
            union = seg.order[seg.live_docs]
            self.owner[union], self.local[union] = number, seg.live_docs
            counts[union] = np.diff(seg.doc_start)[seg.live_docs]
        if (
            len(segments)
            and len(np.unique(np.concatenate([s.order[s.live_docs] for s in segments]))) != size
        ):
            raise ValueError("the segments' document orders overlap")
        self.start = np.zeros(size + 1, dtype=np.int64)  # union document -> first union passage
        np.cumsum(counts, out=self.start[1:])
        self.segments = tuple(segments)

    @property
    def passages(self) -> int:
        return int(self.start[-1])

    def union_passages(self, seg: Segment, local: IntArray) -> IntArray:
        """Union numbers of a segment's live passages (given by local number)."""
        doc = seg.corpus.arrays["passage_doc"][local]
        union: IntArray = self.start[seg.order[doc]] + (local - seg.doc_start[doc])
        return union

    def locate_document(self, number: int) -> tuple[Segment, int]:
        """The segment holding union document `number`, and its number there."""
        return self.segments[int(self.owner[number])], int(self.local[number])

    def locate_passage(self, number: int) -> tuple[Segment, int]:
        """The segment holding union passage `number`, and its number there."""
        if not 0 <= number < self.passages:
            raise IndexError(number)
        doc = int(np.searchsorted(self.start, number, "right")) - 1
        seg, local = self.locate_document(doc)
        return seg, int(seg.doc_start[local]) + number - int(self.start[doc])


@dataclass(frozen=True, slots=True)
class UnionStats:
    """What scoring needs of the live union: N, total length, rank_bm25's average idf, terms."""

    passages: int
    length: int
    average_idf: float
    terms: int

    @property
    def avgdl(self) -> float:
        # As BM25Index.from_ids and rank_bm25 divide: the integer sum by the passage count.
        return float(self.length) / self.passages


@dataclass(frozen=True, slots=True)
class Union:
    """Union term ids (segment 0's ids, then terms new to later segments), live document
    frequency per union id, each later segment's local -> union id map, and the stats."""

    extras: tuple[str, ...]
    maps: tuple[IntArray | None, ...]
    doc_freqs: IntArray
    stats: UnionStats


def union_of(
    segments: Sequence[Segment],
    known: Mapping[str, IntArray] | None = None,
    extras: Sequence[str] = (),
) -> Union:
    """The union's term ids, live document frequencies and statistics (once per commit).

    `known` and `extras`: the previous commit's term maps (by segment name) and extra terms,
    valid while its first segment is this one's, so only a new segment's terms are looked up.
    """
    base = segments[0].corpus.index.vocab
    added = {term: i for i, term in enumerate(extras)}
    maps: list[IntArray | None] = [None]
    for seg in segments[1:]:
        if known is not None and seg.name in known:
            maps.append(known[seg.name])
            continue
        terms = list(seg.corpus.index.vocab)  # in id order, dict or mapped
        ids = np.empty(len(terms), dtype=np.int64)
        for tid, (term, found) in enumerate(zip(terms, ids_of(base, terms), strict=True)):
            ids[tid] = (
                found if found is not None else len(base) + added.setdefault(term, len(added))
            )
        maps.append(ids)
    doc_freqs, stats = union_stats(segments, maps, len(base) + len(added))
    return Union(tuple(added), tuple(maps), doc_freqs, stats)


def ids_of(vocab: Mapping[str, int], terms: Sequence[str]) -> list[int | None]:
    """vocab.get for many terms: a mapped vocabulary looks them up in one pass."""
    lookup = getattr(vocab, "ids_of", None)
    if lookup is not None:
        found: list[int | None] = lookup(terms)
        return found
    return [vocab.get(term) for term in terms]


def union_stats(
    segments: Sequence[Segment], maps: Sequence[IntArray | None], size: int
) -> tuple[IntArray, UnionStats]:
    """Live document frequency per union id, and rank_bm25's N, length and average idf.

    rank_bm25 sums idf over its vocabulary in first-occurrence order: by the first passage a
    term occurs in (in the union's order), then by token position in that passage. Within a
    segment, term ids follow first occurrence already (and passages from different segments
    never tie); a term whose first passage was deleted moves to its first live passage, and
    those passages are tokenized again to place it.
    """
    layout = Layout(segments)
    doc_freqs = np.zeros(size, dtype=np.int64)
    first = np.full(size, _NOWHERE, dtype=np.int64)  # union passage of the first occurrence
    second = np.zeros(size, dtype=np.int64)  # token position there, or the local term id
    for number, seg in enumerate(segments):
        local_df, firsts, secondary = _segment_terms(seg)
        ids = np.arange(len(local_df), dtype=np.int64) if maps[number] is None else maps[number]
        assert ids is not None
        doc_freqs[ids] += local_df
        live_here = np.flatnonzero(local_df > 0)
        union = layout.union_passages(seg, firsts[live_here])
        earlier = union < first[ids[live_here]]
        at, terms = ids[live_here[earlier]], live_here[earlier]
        first[at], second[at] = union[earlier], secondary[terms]
    passages = layout.passages
    length = sum(seg.live_length() for seg in segments)
    live = doc_freqs > 0
    order = np.lexsort((second[live], first[live]))
    average = _average_idf(doc_freqs[live][order], passages)
    return doc_freqs, UnionStats(passages, length, average, int(live.sum()))


def _average_idf(ordered: IntArray, passages: int) -> float:
    """rank_bm25's average idf: math.log as it computes, summed one by one in this order."""
    if not len(ordered):
        return 0.0
    unique, inverse = np.unique(ordered, return_inverse=True)
    values = np.array(
        [math.log(passages - f + 0.5) - math.log(f + 0.5) for f in unique.tolist()], np.float64
    )
    # add.accumulate adds strictly left to right (np.sum pairs, Python's sum compensates).
    return float(np.add.accumulate(values[inverse])[-1]) / len(ordered)


def _segment_terms(seg: Segment) -> tuple[IntArray, IntArray, IntArray]:
    """Per local term: live document frequency, first live passage, and the order key within it."""
    index = seg.corpus.index
    local_df = np.diff(index.indptr).astype(np.int64)
    firsts = np.where(
        local_df > 0, index.postings[np.minimum(index.indptr[:-1], len(index.postings) - 1)], -1
    ).astype(np.int64)
    secondary = np.arange(len(local_df), dtype=np.int64)
    if seg.passage_dead is None:
        return local_df, firsts, secondary
    lo, hi = seg.dead_ranges()
    moved: set[int] = set()
    for tid in _terms_of(seg, lo, hi):
        plist = index.postings[int(index.indptr[tid]) : int(index.indptr[tid + 1])]
        local_df[tid] -= int((np.searchsorted(plist, hi) - np.searchsorted(plist, lo)).sum())
        live_first = _first_live(plist, lo, hi)
        if live_first != firsts[tid]:
            firsts[tid] = live_first
            if live_first >= 0:
                moved.add(live_first)
    # Place every term first seen in those passages by token position (one batched lookup).
    passages = sorted(moved)
    firsts_seen = [list(dict.fromkeys(tokenize(seg.corpus.passage_text(p)))) for p in passages]
    found = iter(ids_of(index.vocab, [term for terms in firsts_seen for term in terms]))
    for passage, terms in zip(passages, firsts_seen, strict=True):
        for position, term_id in zip(range(len(terms)), found, strict=False):
            if term_id is not None and firsts[term_id] == passage:
                secondary[term_id] = position
    return local_df, firsts, secondary


def _terms_of(seg: Segment, lo: IntArray, hi: IntArray) -> list[int]:
    """Local ids of the terms of the deleted passages, ascending."""
    terms: set[str] = set()
    for start, end in zip(lo.tolist(), hi.tolist(), strict=True):
        for passage in range(start, end):
            terms.update(tokenize(seg.corpus.passage_text(passage)))
    return sorted({tid for tid in ids_of(seg.corpus.index.vocab, sorted(terms)) if tid is not None})


def _first_live(plist: npt.NDArray[Any], lo: IntArray, hi: IntArray) -> int:
    """The first passage of a posting list outside the dead ranges, or -1."""
    at = 0
    while at < len(plist):
        passage = int(plist[at])
        dead = int(np.searchsorted(lo, passage, "right")) - 1
        if dead < 0 or passage >= int(hi[dead]):
            return passage
        at = int(np.searchsorted(plist, hi[dead]))
    return -1


class UnionVocab(Mapping[str, int]):
    """term -> union id, for live terms only: segment 0's vocabulary, then the extras."""

    def __init__(
        self, base: Mapping[str, int], extras: Sequence[str], doc_freqs: IntArray, terms: int
    ) -> None:
        self._base, self._doc_freqs, self._terms = base, doc_freqs, terms
        self._extras = {term: len(base) + i for i, term in enumerate(extras)}

    def __getitem__(self, term: str) -> int:
        found = self._base.get(term)
        uid = found if found is not None else self._extras[term]
        if not self._doc_freqs[uid]:
            raise KeyError(term)  # every passage holding it was deleted
        return uid

    def __len__(self) -> int:
        return self._terms

    def __iter__(self) -> Iterator[str]:
        for term in [*self._base, *self._extras]:
            if term in self:
                yield term


def save_union(folder: Path, union: Union) -> dict[str, Any]:
    """Write the union's arrays into a commit folder; returns what the manifest records."""
    np.save(folder / "doc_freqs.npy", union.doc_freqs, allow_pickle=False)
    for number, ids in enumerate(union.maps):
        if ids is not None:
            np.save(folder / f"terms-{number}.npy", ids, allow_pickle=False)
    (folder / "extras.json").write_text(json.dumps(list(union.extras), ensure_ascii=False), "utf-8")
    s = union.stats
    return {
        "passages": s.passages,
        "length": s.length,
        "average_idf": s.average_idf,
        "terms": s.terms,
    }


def load_union(folder: Path, segments: int, stats: dict[str, Any]) -> Union:
    """Read a commit folder's union arrays (see `save_union`)."""
    extras = json.loads((folder / "extras.json").read_text("utf-8"))
    if not isinstance(extras, list):
        raise ValueError("extras.json is not a list")
    maps: list[IntArray | None] = [None]
    maps += [np.load(folder / f"terms-{n}.npy", allow_pickle=False) for n in range(1, segments)]
    doc_freqs = np.load(folder / "doc_freqs.npy", mmap_mode="r", allow_pickle=False)
    parsed = UnionStats(
        int(stats["passages"]),
        int(stats["length"]),
        float(stats["average_idf"]),
        int(stats["terms"]),
    )
    return Union(tuple(extras), tuple(maps), np.asarray(doc_freqs), parsed)
