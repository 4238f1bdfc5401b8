"""A summary of a topic: a few relevant sentences that do not repeat each other, cited.

A sentence's relevance blends its coverage of the topic with its centrality among the candidate
sentences (answers.centrality: LexRank, its random walk restarting on topic coverage and the
lead). Sentences are chosen by maximal marginal relevance: each pick maximizes
`LAMBDA * relevance - (1 - LAMBDA) * (its highest similarity to a sentence already picked)`.
A candidate that repeats a picked sentence is never picked; if it comes from another document,
that document's marker joins the picked sentence ("also reported by"). The picks are then
ordered by source rank and position in the document, so each source's sentences read in order.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from answers.centrality import centrality, similarity
from answers.figures import disagreeing_groups, group_figures, to_disagreements
from answers.models import Citations, Quote, SummaryAnswer
from answers.overlap import Weigher, containment, cosine, repeats, weigher
from answers.quotes import sentence_quote
from answers.relevance import Evidence, Findings, Within, find, sentence_evidence
from answers.sources import cited_sources, partly_found, unanswered
from retrieval.corpus import Corpus
from retrieval.documents import SentenceKind

log = logging.getLogger(__name__)

LAMBDA = 0.7
MIN_SENTENCES, MAX_SENTENCES = 3, 6
MIN_WORDS = 6
# A headline or bullet with this share of its idf weight in one body sentence adds nothing.
TAKEAWAY_SAID = 0.6
POOL = 150  # candidates at most: the similarity graph is quadratic
# Relevance = CENTRAL x topic-biased centrality + (1 - CENTRAL) x coverage; the walk restarts
# on coverage plus LEAD / (1 + position): news states its point first.
CENTRAL, LEAD = 0.5, 0.5


@dataclass(slots=True)
class _Pick:
    evidence: Evidence
    relevance: float
    also: list[str] = field(default_factory=list)  # ids of other documents reporting it


def _pool(findings: Findings, count: int, whole: bool) -> list[Evidence]:
    """The sentences that pass the relevance rule. When one document alone is relevant and
    they are fewer than MIN_SENTENCES, or fewer than `count` and the document is `whole`
    corpus (an article summarized under its headline), also its every other sentence."""
    # A sentence with no query term of its own is context for a figure, not a summary sentence
    # ("Separately, the weather…" after the bridge): only its surroundings made it relevant.
    pool = [e for e in findings.sentences if e.own > 0]
    wanted = count if whole else MIN_SENTENCES
    if len(pool) < wanted and len(findings.documents) == 1:
        seen = {(e.document.id, e.index) for e in pool}
        extra = sentence_evidence(findings.query, 0, findings.documents[0], floor=None)
        pool += [e for e in extra if (e.document.id, e.index) not in seen]
    return sorted(pool, key=lambda e: -e.score)[:POOL]


def _candidates(pool: list[Evidence], weight: Weigher) -> list[Evidence]:
    """Full sentences, no questions, and no headline or bullet that the body already says."""
    body = [e for e in pool if e.sentence.kind is SentenceKind.BODY]
    kept = []
    for e in pool:
        text = e.sentence.text.rstrip("”’\"' ")
        if len(text.split()) < MIN_WORDS or text.endswith("?"):
            continue
        said = (
            containment(e.terms, b.terms, weight) >= TAKEAWAY_SAID
            for b in body
            if b.document.id == e.document.id
        )
        if e.sentence.kind is not SentenceKind.BODY and any(said):
            continue
        kept.append(e)
    # A headline names the topic and a takeaway compresses the body: either is quoted only when
    # the body offers too few sentences of its own.
    body_kept = [e for e in kept if e.sentence.kind is SentenceKind.BODY]
    return body_kept if len(body_kept) >= MIN_SENTENCES else kept


def _relevance(candidates: list[Evidence], weight: Weigher) -> list[float]:
    """Each candidate's topic-biased centrality blended with its own coverage of the topic."""
    bias = [e.coverage + LEAD / (1 + e.index) for e in candidates]
    central = centrality(similarity([e.terms for e in candidates], weight), bias)
    top = max((e.score for e in candidates), default=1.0) or 1.0
    return [
        CENTRAL * float(c) + (1 - CENTRAL) * e.score / top
        for c, e in zip(central, candidates, strict=True)
    ]


def _select(findings: Findings, weight: Weigher, limit: int, whole: bool) -> list[_Pick]:
    """Pick up to `limit` sentences by MMR; fold repeats from other documents into picks."""
    candidates = _candidates(_pool(findings, limit, whole), weight)
    relevance = dict(zip(map(id, candidates), _relevance(candidates, weight), strict=True))
    pool = sorted(candidates, key=lambda e: -relevance[id(e)])
    picks: list[_Pick] = []
    while pool and len(picks) < limit:
        best, best_score = None, float("-inf")
        for e in pool:
            redundancy = max((cosine(e.terms, p.evidence.terms, weight) for p in picks), default=0)
            score = LAMBDA * relevance[id(e)] - (1 - LAMBDA) * redundancy
            if score > best_score:
                best, best_score = e, score
        assert best is not None
        pool.remove(best)
        if not _fold(best, picks, weight):
            picks.append(_Pick(best, relevance[id(best)]))
    for e in pool:  # every remaining report of a picked fact still earns its marker
        _fold(e, picks, weight)
    return picks


def _fold(e: Evidence, picks: Sequence[_Pick], weight: Weigher) -> bool:
    """If `e` repeats a pick, record its document on that pick and return True."""
    for p in picks:
        if repeats(e.terms, p.evidence.terms, weight):
            doc_id = e.document.id
            if doc_id != p.evidence.document.id and doc_id not in p.also:
                p.also.append(doc_id)
            return True
    return False


def answer_summary(
    corpus: Corpus, topic: str, limit: int = 5, within: Within | None = None
) -> SummaryAnswer:
    """3 to 6 verbatim, cited sentences on a topic (fewer if the documents hold fewer)."""
    return summarize(corpus, topic, max(MIN_SENTENCES, min(MAX_SENTENCES, limit)), within)


def summarize(
    corpus: Corpus, topic: str, count: int, within: Within | None = None
) -> SummaryAnswer:
    """`count` verbatim, cited sentences on a topic, if the documents hold that many."""
    limit = count
    findings = find(corpus, topic, within=within)
    weight = weigher(corpus)
    picks = _select(findings, weight, limit, corpus.document_count == 1)
    if not picks:
        spread = f"No single sentence covers “{topic.strip()}”; these documents discuss it."
        sources, notice = unanswered(findings, spread)
        return SummaryAnswer(topic, sources=sources, notice=notice)
    picks.sort(key=lambda p: (p.evidence.rank, p.evidence.index))
    found = disagreeing_groups(group_figures(findings.sentences), corpus)
    sides = [g.evidence.document.id for pair in found for g in pair[:2]]
    sources = cited_sources(
        findings, (d for p in picks for d in [p.evidence.document.id, *p.also, *sides])
    )
    numbers = Citations.of(sources)
    sentences: list[Quote] = []
    for p in picks:
        own = numbers[p.evidence.document.id]
        markers = (own, *sorted(numbers[d] for d in p.also))
        sentences.append(
            sentence_quote(p.evidence.document.id, p.evidence.sentence, markers, p.relevance)
        )
    notice = partly_found(findings.query)
    disagreements = to_disagreements(found, numbers)
    return SummaryAnswer(topic, sources, notice, tuple(sentences), disagreements)
