"""Stories: documents about the same event grouped together, each headed by its clearest sentence.

A document is a tf-idf vector of its terms, its lead counted twice (news states the event first).
Documents are grouped by average-link agglomerative clustering on the cosine of those vectors,
merging while the closest pair of groups is at least `SAME_STORY` alike. A sentence's centrality
is its idf-weighted cosine to the story's centroid. The headline is the most central of the
documents' leads (their first full body sentence: a lead is written to be read alone and to say
what happened); the quotes are the most central
sentences that repeat neither the headline nor each other, one per other document first.
With a topic, only the sentences relevant to it count, each weighted by its coverage.
"""

from __future__ import annotations

import collections
import logging
import math
import weakref
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from answers.overlap import Weigher, repeats
from answers.query import terms_of, tokens_of
from answers.relevance import Evidence
from retrieval.documents import Document, SentenceKind

log = logging.getLogger(__name__)

SAME_STORY = 0.35
LEAD_SENTENCES = 2
MIN_WORDS = 6
QUOTES_PER_STORY = 2

Vector = dict[str, float]
Focus = Mapping[tuple[str, int], float]  # (doc id, sentence index) -> coverage of the topic


@dataclass(frozen=True, slots=True)
class Grouped:
    """One story: its documents (most central first), headline, quotes, and every sentence."""

    documents: tuple[Document, ...]
    headline: Evidence
    quotes: tuple[Evidence, ...]
    sentences: tuple[Evidence, ...]  # most central first; `coverage` holds the centrality


def _leads(doc: Document) -> set[int]:
    """Indexes of the headline and the first body sentences."""
    body = [i for i, s in enumerate(doc.sentences) if s.kind is SentenceKind.BODY]
    heads = [i for i, s in enumerate(doc.sentences) if s.kind is SentenceKind.HEADLINE]
    return set(heads + body[:LEAD_SENTENCES])


def _first_body(doc: Document) -> int:
    """The lead: the first full body sentence (the headline if there is none)."""
    return next(
        (
            i
            for i, s in enumerate(doc.sentences)
            if s.kind is SentenceKind.BODY and len(s.text.split()) >= MIN_WORDS
        ),
        0,
    )


def document_vector(doc: Document, weight: Weigher) -> Vector:
    """Log tf times idf over the document's sentences, lead sentences counted twice."""
    vectors = _VECTORS.setdefault(weight, collections.OrderedDict())
    key = (doc.id, doc.text)
    found = vectors.get(key)
    if found is not None:
        vectors.move_to_end(key)
        return found
    counts: Counter[str] = Counter()
    leads = _leads(doc)
    for i, sentence in enumerate(doc.sentences):
        tokens = tokens_of(sentence.text)
        counts.update(tokens * (2 if i in leads else 1))
    vector = {t: (1 + math.log(n)) * weight(t) for t, n in counts.items()}
    vectors[key] = vector
    if len(vectors) > VECTORS_KEPT:
        vectors.popitem(last=False)
    return vector


# Document vectors by document (id and text), per weigher (one per corpus, see
# `answers.overlap.weigher`): briefings draw on the same recent documents again and again.
VECTORS_KEPT = 256
_VECTORS: weakref.WeakKeyDictionary[Weigher, collections.OrderedDict[tuple[str, str], Vector]] = (
    weakref.WeakKeyDictionary()
)


def cosine(a: Mapping[str, float], b: Mapping[str, float], b_squares: float | None = None) -> float:
    """Cosine of two sparse vectors; `b_squares`, the sum of b's squares, if known already."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    dot = sum(v * large.get(t, 0.0) for t, v in small.items())
    if b_squares is None:
        b_squares = sum(v * v for v in b.values())
    norm = math.sqrt(sum(v * v for v in a.values()) * b_squares)
    return dot / norm if norm else 0.0


def _cosines(vectors: Sequence[Vector]) -> npt.NDArray[np.float64]:
    """All pairwise cosines: the products of the row-normalized weights of each shared term,
    summed by pair.

    Not a dense matrix product: a briefing's 120 documents hold tens of thousands of terms
    between them, and BLAS's threads stall for half a second on a busy machine multiplying
    a matrix that is nearly all zeros. A term held by one vector alone adds to no pair.
    """
    n = len(vectors)
    index: dict[str, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    for number, v in enumerate(vectors):
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        rows += [number] * len(v)
        columns += [index.setdefault(t, len(index)) for t in v]
        values += [x / norm for x in v.values()]
    order = np.argsort(np.asarray(columns, dtype=np.int64), kind="stable")
    col = np.asarray(columns, dtype=np.int64)[order]
    sizes = np.bincount(col, minlength=len(index))
    keep = sizes[col] > 1
    row = np.asarray(rows, dtype=np.int64)[order][keep]
    value = np.asarray(values, dtype=np.float64)[order][keep]
    size = sizes[col][keep]
    # Entry e pairs with every entry of its term's run: `size[e]` pairs, from the run's start.
    starts = np.arange(len(row)) - _rank_in_run(col[keep])
    left = np.repeat(np.arange(len(row)), size)
    right = np.repeat(starts, size) + (
        np.arange(len(left)) - np.repeat(np.cumsum(size) - size, size)
    )
    sim = np.bincount(
        row[left] * n + row[right], weights=value[left] * value[right], minlength=n * n
    )
    out: npt.NDArray[np.float64] = sim.astype(np.float64, copy=False).reshape(n, n)
    return out


def _rank_in_run(sorted_keys: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Each element's position within its run of equal keys (the keys sorted)."""
    if not len(sorted_keys):
        return np.zeros(0, dtype=np.int64)
    first = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    lengths = np.diff(np.r_[first, len(sorted_keys)])
    ranks: npt.NDArray[np.int64] = np.arange(len(sorted_keys)) - np.repeat(first, lengths)
    return ranks


def cluster(vectors: Sequence[Vector], threshold: float = SAME_STORY) -> list[list[int]]:
    """Average-link clustering: groups of indexes, each in index order, groups by first index.

    Group similarities are kept in a matrix and updated by the Lance-Williams rule (the average
    link of a merged group is the size-weighted mean of its parts' links), so each merge costs
    one pass over the matrix.
    """
    n = len(vectors)
    sim = _cosines(vectors)
    np.fill_diagonal(sim, -np.inf)
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    while len(groups) > 1:
        a, b = divmod(int(np.argmax(sim)), n)
        if sim[a, b] < threshold:
            break
        a, b = min(a, b), max(a, b)
        size_a, size_b = len(groups[a]), len(groups[b])
        merged = (size_a * sim[a] + size_b * sim[b]) / (size_a + size_b)
        sim[a], sim[:, a] = merged, merged
        sim[a, a] = -np.inf
        sim[b], sim[:, b] = -np.inf, -np.inf
        groups[a] = sorted(groups[a] + groups.pop(b))
    return sorted(groups.values())


def _readable(e: Evidence) -> bool:
    text = e.sentence.text.rstrip("”’\"' ")
    return len(text.split()) >= MIN_WORDS and not text.endswith("?")


def _centrality(
    docs: Sequence[Document], centroid: Vector, weight: Weigher, rank: int, focus: Focus | None
) -> list[Evidence]:
    scored = []
    squares = sum(v * v for v in centroid.values())  # once, not once a sentence
    for doc in docs:
        for i, sentence in enumerate(doc.sentences):
            share = 1.0 if focus is None else focus.get((doc.id, i), 0.0)
            if share <= 0:
                continue
            terms = terms_of(sentence.text)
            score = cosine({t: weight(t) for t in terms}, centroid, squares) * share
            scored.append(Evidence(doc, rank, i, sentence, terms, score, score, 0.0))
    return sorted(scored, key=lambda e: (-e.coverage, e.document.id, e.index))


def _adds(e: Evidence, chosen: Sequence[Evidence], weight: Weigher) -> bool:
    """A readable body sentence that repeats nothing already chosen."""
    if e.sentence.kind is not SentenceKind.BODY or not _readable(e):
        return False
    return not any(e is c or repeats(e.terms, c.terms, weight) for c in chosen)


def group_story(
    docs: Sequence[Document],
    vectors: Sequence[Vector],
    weight: Weigher,
    rank: int,
    focus: Focus | None = None,
) -> Grouped | None:
    """The story these documents tell, or None if no sentence of theirs is on the topic."""
    centroid: Vector = {}
    for v in vectors:
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        for t, x in v.items():
            centroid[t] = centroid.get(t, 0.0) + x / norm
    sentences = _centrality(docs, centroid, weight, rank, focus)
    if not sentences:
        return None
    readable = [e for e in sentences if _readable(e)] or sentences
    firsts = {(d.id, _first_body(d)) for d in docs}
    headline = next((e for e in readable if (e.document.id, e.index) in firsts), readable[0])
    order = list(dict.fromkeys(e.document.id for e in sentences))
    order += [d.id for d in docs if d.id not in order]
    quotes: list[Evidence] = []
    by_document: dict[str, list[Evidence]] = {}
    for e in sentences:
        by_document.setdefault(e.document.id, []).append(e)
    for doc_id in order:  # other documents' most central new sentence, then any document's
        if len(quotes) >= QUOTES_PER_STORY:
            break
        if doc_id != headline.document.id:
            pick = next(
                (e for e in by_document.get(doc_id, []) if _adds(e, [headline, *quotes], weight)),
                None,
            )
            quotes += [pick] if pick else []
    for e in sentences:
        if len(quotes) >= QUOTES_PER_STORY:
            break
        if _adds(e, [headline, *quotes], weight):
            quotes.append(e)
    by_id = {d.id: d for d in docs}
    return Grouped(tuple(by_id[i] for i in order), headline, tuple(quotes), tuple(sentences))
