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
    """One segment's corpus, the documents deleted from it, and its live numbering."""

    def __init__(self, name: str, corpus: Corpus, deleted: Sequence[int] = ()) -> None:
        self.name, self.corpus = name, corpus
        self.deleted: IntArray = np.unique(np.asarray(deleted, dtype=np.int64))
        docs = corpus.document_count
        if len(self.deleted) and not 0 <= int(self.deleted[0]) <= int(self.deleted[-1]) < docs:
            raise ValueError(f"segment {name}: deleted documents out of range")
        self.live_documents = docs - len(self.deleted)
        # None while nothing is deleted: the identity, which costs nothing at 1M passages.
        self.live_docs: IntArray | None = None
        self.passage_dead: BoolArray | None = None
        self.passage_rank: IntArray | None = None
        self.live_passage_ids: IntArray | None = None
        self.live_passages = corpus.passage_count
        if len(self.deleted):
            alive = np.ones(docs, dtype=np.bool_)
            alive[self.deleted] = False
            self.live_docs = np.flatnonzero(alive)
            dead = ~alive[corpus.arrays["passage_doc"]]
            self.passage_dead = dead
            self.passage_rank = np.cumsum(~dead, dtype=np.int64) - 1
            self.live_passage_ids = np.flatnonzero(~dead)
            self.live_passages = len(self.live_passage_ids)

    def dead_ranges(self) -> tuple[IntArray, IntArray]:
        """The deleted documents' passages as sorted, disjoint [lo, hi) ranges."""
        passage_doc = self.corpus.arrays["passage_doc"]
        lo = np.searchsorted(passage_doc, self.deleted, "left").astype(np.int64)
        hi = np.searchsorted(passage_doc, self.deleted, "right").astype(np.int64)
        return lo, hi

    def live_length(self) -> int:
        """The total length (tokens) of the live passages."""
        lengths = self.corpus.index.doc_len
        total = int(lengths.sum(dtype=np.int64))
        for lo, hi in zip(*self.dead_ranges(), strict=True):
            total -= int(lengths[lo:hi].sum(dtype=np.int64))
        return total


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


def union_of(segments: Sequence[Segment]) -> Union:
    """The union's term ids, live document frequencies and statistics (once per commit)."""
    base = segments[0].corpus.index.vocab
    extras: dict[str, int] = {}
    maps: list[IntArray | None] = [None]
    for seg in segments[1:]:
        vocab = seg.corpus.index.vocab
        ids = np.empty(len(vocab), dtype=np.int64)
        for term, tid in vocab.items():
            found = base.get(term)
            ids[tid] = (
                found if found is not None else len(base) + extras.setdefault(term, len(extras))
            )
        maps.append(ids)
    doc_freqs, stats = union_stats(segments, maps, len(base) + len(extras))
    return Union(tuple(extras), tuple(maps), doc_freqs, stats)


def union_stats(
    segments: Sequence[Segment], maps: Sequence[IntArray | None], size: int
) -> tuple[IntArray, UnionStats]:
    """Live document frequency per union id, and rank_bm25's N, length and average idf.

    rank_bm25 sums idf over its vocabulary in first-occurrence order: by the first passage a
    term occurs in (in the union's order), then by token position in that passage. Within a
    segment, term ids follow first occurrence already; a term whose first passage was deleted
    moves to its first live passage, and those passages are tokenized again to place it.
    """
    doc_freqs = np.zeros(size, dtype=np.int64)
    where = np.full(size, _NOWHERE, dtype=np.int64)  # segment of the first live occurrence
    first = np.zeros(size, dtype=np.int64)  # the passage, local to that segment
    second = np.zeros(size, dtype=np.int64)  # token position there, or the local term id
    for number, seg in enumerate(segments):
        local_df, firsts, secondary = _segment_terms(seg)
        ids = np.arange(len(local_df), dtype=np.int64) if maps[number] is None else maps[number]
        assert ids is not None
        doc_freqs[ids] += local_df
        new = (local_df > 0) & (where[ids] == _NOWHERE)
        where[ids[new]], first[ids[new]], second[ids[new]] = number, firsts[new], secondary[new]
    passages = sum(seg.live_passages for seg in segments)
    length = sum(seg.live_length() for seg in segments)
    live = doc_freqs > 0
    order = np.lexsort((second[live], first[live], where[live]))
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
    for passage in sorted(moved):  # place every term first seen there by token position
        tokens = tokenize(seg.corpus.passage(passage).text)
        for position, term in reversed(list(enumerate(tokens))):
            found = index.vocab.get(term)
            if found is not None and firsts[found] == passage:
                secondary[found] = position
    return local_df, firsts, secondary


def _terms_of(seg: Segment, lo: IntArray, hi: IntArray) -> list[int]:
    """Local ids of the terms of the deleted passages, ascending."""
    found: set[int] = set()
    vocab = seg.corpus.index.vocab
    for start, end in zip(lo.tolist(), hi.tolist(), strict=True):
        for passage in range(start, end):
            for term in set(tokenize(seg.corpus.passage(passage).text)):
                tid = vocab.get(term)
                if tid is not None:
                    found.add(tid)
    return sorted(found)


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
