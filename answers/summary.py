"""A summary of a topic: a few relevant sentences that do not repeat each other, cited.

Sentences are chosen by maximal marginal relevance: each pick maximizes
`LAMBDA * relevance - (1 - LAMBDA) * (its highest similarity to a sentence already picked)`.
A candidate that repeats a picked sentence is never picked; if it comes from another document,
that document's marker joins the picked sentence ("also reported by"). The picks are then
ordered by source rank and position in the document, so each source's sentences read in order.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from answers.models import Quote, SummaryAnswer
from answers.overlap import Weigher, containment, cosine, repeats, weigher
from answers.quotes import sentence_quote
from answers.relevance import Evidence, Findings, Within, find
from answers.sources import cited_sources, nothing_found, partly_found
from retrieval.corpus import Corpus
from retrieval.documents import SentenceKind

log = logging.getLogger(__name__)

LAMBDA = 0.7
MIN_SENTENCES, MAX_SENTENCES = 3, 6
MIN_WORDS = 6
# A headline or bullet with this share of its idf weight in one body sentence adds nothing.
TAKEAWAY_SAID = 0.6


@dataclass(slots=True)
class _Pick:
    evidence: Evidence
    relevance: float
    also: list[str] = field(default_factory=list)  # ids of other documents reporting it


def _candidates(findings: Findings, weight: Weigher) -> list[Evidence]:
    """Full sentences, no questions, and no headline or bullet that the body already says."""
    body = [e for e in findings.sentences if e.sentence.kind is SentenceKind.BODY]
    kept = []
    for e in findings.sentences:
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
    return kept


def _select(findings: Findings, weight: Weigher, limit: int = 5) -> list[_Pick]:
    """Pick up to `limit` sentences by MMR; fold repeats from other documents into picks."""
    pool = sorted(_candidates(findings, weight), key=lambda e: -e.score)
    picks: list[_Pick] = []
    while pool and len(picks) < limit:
        best, best_score = None, float("-inf")
        for e in pool:
            redundancy = max((cosine(e.terms, p.evidence.terms, weight) for p in picks), default=0)
            score = LAMBDA * e.score - (1 - LAMBDA) * redundancy
            if score > best_score:
                best, best_score = e, score
        assert best is not None
        pool.remove(best)
        if not _fold(best, picks, weight):
            picks.append(_Pick(best, best.score))
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
    limit = max(MIN_SENTENCES, min(MAX_SENTENCES, limit))
    findings = find(corpus, topic, within=within)
    weight = weigher(corpus)
    picks = _select(findings, weight, limit)
    if not picks:
        if not findings.found:
            return SummaryAnswer(topic, notice=nothing_found(findings.query))
        sources = cited_sources(findings, (d.document.id for d in findings.documents))
        spread = f"No single sentence covers “{topic.strip()}”; these documents discuss it."
        return SummaryAnswer(topic, sources=sources, notice=spread)
    picks.sort(key=lambda p: (p.evidence.rank, p.evidence.index))
    sources = cited_sources(findings, (d for p in picks for d in [p.evidence.document.id, *p.also]))
    numbers = {s.id: s.number for s in sources}
    sentences: list[Quote] = []
    for p in picks:
        own = numbers[p.evidence.document.id]
        markers = (own, *sorted(numbers[d] for d in p.also))
        sentences.append(
            sentence_quote(p.evidence.document.id, p.evidence.sentence, markers, p.relevance)
        )
    notice = partly_found(findings.query)
    return SummaryAnswer(topic, sources=sources, sentences=tuple(sentences), notice=notice)
