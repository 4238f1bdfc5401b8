"""A question answered with the best relevant passages, quoted, with their sources."""

from __future__ import annotations

import logging

from answers.models import AskAnswer, Citations, Quote
from answers.query import Query
from answers.questions import answer_spans
from answers.relevance import Within, find
from answers.sources import cited_sources, nothing_found, partly_found
from retrieval.corpus import Corpus, Hit

log = logging.getLogger(__name__)


def passage_quote(hit: Hit, marker: int, query: Query | None = None) -> Quote:
    """A passage as a verbatim quote (its span runs from its first to its last sentence), what
    it says in answer to the query emphasized."""
    first, last = hit.passage.sentences[0], hit.passage.sentences[-1]
    return Quote(
        text=hit.passage.text,
        source_id=hit.passage.doc_id,
        anchor=str(first.anchor),
        start=first.start,
        end=last.end,
        markers=(marker,),
        score=hit.score,
        emphasis=_emphasis(query, hit) if query else (),
    )


def _emphasis(query: Query, hit: Hit) -> tuple[tuple[int, int], ...]:
    """The spans of the passage's best-fitting sentences that answer the question."""
    question, base = query.question, hit.passage.sentences[0].start
    fits = [query.fit(s.text) for s in hit.passage.sentences]
    if question is None or max(fits) == 0:
        return ()
    return tuple(
        (s.start - base + lo, s.start - base + hi)
        for s, f in zip(hit.passage.sentences, fits, strict=True)
        if f == max(fits)
        for lo, hi in answer_spans(question, s.text, query.about)
    )


def answer_ask(
    corpus: Corpus, question: str, limit: int = 5, within: Within | None = None
) -> AskAnswer:
    """The `limit` best passages that pass the relevance rule, each marked with its source;
    first those that state what the question asks for (a count, a date, a name…), by BM25."""
    findings = find(corpus, question, within=within)
    fit = findings.query.fit
    hits = sorted(
        (h for d in findings.documents for h in d.hits),
        key=lambda h: (-max(fit(s.text) for s in h.passage.sentences), -h.score, h.passage.number),
    )[:limit]
    if not hits:
        return AskAnswer(question, notice=nothing_found(findings.query))
    sources = cited_sources(findings, (h.passage.doc_id for h in hits))
    numbers = Citations.of(sources)
    passages = tuple(passage_quote(h, numbers[h.passage.doc_id], findings.query) for h in hits)
    notice = partly_found(findings.query)
    return AskAnswer(question, sources=sources, passages=passages, notice=notice)
