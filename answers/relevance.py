"""Which documents and sentences are about a query: idf-weighted coverage of the query's terms.

BM25 ranks anything that shares a term with the query, so "Kursk region" would also list every
article that says "regional". The answer layer therefore asks a second question: how much of the
query's *information* does a passage or sentence carry? Each query term weighs its idf (rare
terms weigh more; a term no passage contains weighs most, so an off-topic query stays
uncovered); coverage is the share of that weight present. A passage or sentence is relevant when
its coverage, in context, reaches `MIN_COVERAGE`. "In context" means its own terms count fully
and the terms of its surroundings (the rest of its passage, the passage just before it) count
half, because news prose refers back: "the road bridge will be 850 meters long" follows "a road
bridge across the Tumen River".
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from answers.query import EXPANSION, Query, parse_query, terms_of
from retrieval.corpus import Corpus, DocumentHit, Hit, Passage
from retrieval.documents import Document, Sentence, SentenceKind
from retrieval.passages import group_passages
from retrieval.tokenizer import tokenize

log = logging.getLogger(__name__)

MIN_COVERAGE = 0.5
DEPTH = 200
_EPS = 1e-9  # coverage is a ratio of float sums: 0.5 must not come out as 0.4999…
# Headlines and bullet takeaways compress what the body says; prefer the body's own sentence.
_KIND_WEIGHT = {SentenceKind.BODY: 1.0, SentenceKind.BULLET: 0.85, SentenceKind.HEADLINE: 0.8}
Within = npt.NDArray[np.bool_]  # a mask over document numbers: the documents a search may use


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence of a relevant document, with how much of the query it covers."""

    document: Document
    rank: int  # the document's rank among the relevant ones, 0 = best
    index: int  # the sentence's position in its document
    sentence: Sentence
    terms: frozenset[str]
    coverage: float  # in context
    own: float  # by the sentence alone
    passage_score: float  # BM25 of the passage it stands in

    @property
    def score(self) -> float:
        """Coverage in context, with gentle preferences for body text over headlines and
        bullets, for better-ranked documents and for the lead of an article."""
        weight = _KIND_WEIGHT[self.sentence.kind] * (1 - 0.02 * min(self.rank, 10))
        return self.coverage * weight * (1 - 0.01 * min(self.index, 10))


@dataclass(frozen=True, slots=True)
class Findings:
    """What the corpus says on a query: relevant documents (ranked) and sentences."""

    query: Query
    documents: tuple[DocumentHit, ...] = ()
    coverage: dict[str, float] = field(default_factory=dict)  # doc id -> best passage's
    sentences: tuple[Evidence, ...] = ()  # document rank, then document order

    @property
    def found(self) -> bool:
        return bool(self.documents)


def _union(sentences: Iterable[Sentence]) -> frozenset[str]:
    out: set[str] = set()
    for s in sentences:
        out |= terms_of(s.text)
    return frozenset(out)


def _previous(corpus: Corpus, passage: Passage) -> Passage | None:
    if passage.number == 0:
        return None
    before = corpus.passage(passage.number - 1)
    return before if before.doc_id == passage.doc_id else None


def passage_coverage(corpus: Corpus, query: Query, passage: Passage) -> float:
    """A passage's coverage, the passage before it (same document) as context."""
    before = _previous(corpus, passage)
    context = _union(before.sentences) if before else frozenset()
    return query.in_context(_union(passage.sentences), context)


def sentence_evidence(
    query: Query, rank: int, doc_hit: DocumentHit, floor: float | None = MIN_COVERAGE
) -> list[Evidence]:
    """Every sentence of the document whose coverage in context reaches `floor` (the rule),
    in document order, from the passages that hold a query term; every sentence if None.

    All of the document's passages are read, not only those among the search's top hits: a
    figure may stand in a passage that ranks low on its own but follows one on the topic.
    """
    doc = doc_hit.document
    scores = {h.passage.sentences[0].anchor: h.score for h in doc_hit.hits}
    found: list[Evidence] = []
    previous: frozenset[str] = frozenset()
    for lo, hi in group_passages(doc.sentences):
        passage = _union(doc.sentences[lo:hi])
        around = passage | previous
        previous = passage
        if floor is not None and not query.touches(passage):
            continue
        for index in range(lo, hi):
            sentence = doc.sentences[index]
            own_terms = terms_of(sentence.text)
            coverage = query.in_context(own_terms, around)
            if floor is not None and coverage < floor - _EPS:
                continue
            found.append(
                Evidence(
                    document=doc,
                    rank=rank,
                    index=index,
                    sentence=sentence,
                    terms=own_terms,
                    coverage=coverage,
                    own=query.coverage(own_terms),
                    passage_score=scores.get(doc.sentences[lo].anchor, 0.0),
                )
            )
    return found


def _relevant_hits(
    corpus: Corpus, query: Query, doc_hits: Sequence[Hit]
) -> tuple[list[Hit], float]:
    """The document's passages that pass the rule (best BM25 first), and its best coverage."""
    kept, best = [], 0.0
    for hit in doc_hits:
        coverage = passage_coverage(corpus, query, hit.passage)
        best = max(best, coverage)
        if coverage >= MIN_COVERAGE - _EPS:
            kept.append(hit)
    return kept, best


def _candidates(
    corpus: Corpus, query: Query, depth: int, within: Within | None = None
) -> list[tuple[int, tuple[Hit, ...]]]:
    """Documents by BM25 of the query's own terms (exact), plus EXPANSION times the BM25 of
    the related terms looked for in their place; both searches kept `within` the mask."""
    terms = [t for t in tokenize(query.text) if t in query.weights]
    hits = {s.passage: s.score for s in corpus.score(terms, depth, within)}
    extra = sorted({a for alts in query.alternatives.values() for a in alts} - set(terms))
    for s in corpus.score(extra, depth, within) if extra else ():
        hits[s.passage] = hits.get(s.passage, 0.0) + EXPANSION * s.score
    return corpus.rank_hits([Hit(corpus.passage(p), score) for p, score in hits.items()], depth)


@dataclass(frozen=True, slots=True)
class Ranked:
    """The documents on a query, best first, before any is read whole: each one's number and
    relevant hits, and by document id its best passage's coverage."""

    query: Query
    documents: tuple[tuple[int, tuple[Hit, ...]], ...] = ()
    coverage: dict[str, float] = field(default_factory=dict)


def rank(
    corpus: Corpus,
    text: str,
    limit: int = 10,
    depth: int = DEPTH,
    expand_all: bool = False,
    within: Within | None = None,
) -> Ranked:
    """The documents (at most `limit`) that pass the coverage rule on `text`, as `find`."""
    query = parse_query(corpus, text, expand_all)
    vocab = corpus.index.vocab
    if query.missing_name or query.mass <= 0:
        return Ranked(query)
    if not any(t in vocab or t in query.alternatives for t in query.weights):
        return Ranked(query)
    ranked: list[tuple[float, float, int, list[Hit]]] = []
    coverage: dict[str, float] = {}
    top: list[float] = []  # the `limit` best scores of relevant documents so far (a heap)
    for number, doc_hits in _candidates(corpus, query, depth, within):
        # Candidates come best hit first, and a document's relevant hits score at most its
        # best: once one scores below the `limit` best so far, no later one can rank.
        if 0 < limit == len(top) and doc_hits[0].score < top[0]:
            break
        hits, best = _relevant_hits(corpus, query, doc_hits)
        if not hits:
            continue
        coverage[hits[0].passage.doc_id] = best
        rest = sum(h.score for h in hits[1:])
        ranked.append((-hits[0].score, -rest, number, hits))
        if limit > 0:
            (heapq.heappush if len(top) < limit else heapq.heappushpop)(top, hits[0].score)
    ranked.sort(key=lambda item: item[:3])
    kept = tuple((number, tuple(hits)) for _, _, number, hits in ranked[:limit])
    return Ranked(
        query, kept, {hits[0].passage.doc_id: coverage[hits[0].passage.doc_id] for _, hits in kept}
    )


def read(corpus: Corpus, number: int, hits: tuple[Hit, ...]) -> DocumentHit:
    """A ranked document read whole, with its relevant hits."""
    return DocumentHit(corpus.document(number), hits[0].score, hits)


def find(
    corpus: Corpus,
    text: str,
    limit: int = 10,
    depth: int = DEPTH,
    expand_all: bool = False,
    within: Within | None = None,
) -> Findings:
    """The documents (at most `limit`) and sentences on `text` that pass the coverage rule;
    `expand_all` looks for every term's related words, not only the rare terms' (cite);
    `within` (a mask over document numbers) keeps the search to the documents it selects."""
    ranked = rank(corpus, text, limit, depth, expand_all, within)
    # Only the documents shown are read whole (their every sentence is weighed next).
    documents = tuple(read(corpus, number, hits) for number, hits in ranked.documents)
    query = ranked.query
    evidence = [e for at, d in enumerate(documents) for e in sentence_evidence(query, at, d)]
    return Findings(query, documents, ranked.coverage, tuple(evidence))
