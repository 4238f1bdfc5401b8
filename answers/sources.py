"""The sources on a topic: the relevant documents ranked by their best relevant passage."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from answers.models import Source, SourcesAnswer
from answers.query import Query
from answers.relevance import Findings, Within, find
from retrieval.corpus import Corpus, DocumentHit
from retrieval.documents import Document, Sentence, SentenceKind
from retrieval.tokenizer import tokenize

log = logging.getLogger(__name__)

NOTHING_FOUND = "Nothing in the documents matches “{query}”."


def missing_words(query: Query) -> str:
    """ " No document mentions “x”, “y”." for the query's words that occur nowhere, else ""."""
    if not query.unknown:
        return ""
    return " No document mentions " + ", ".join(f"“{w}”" for w in query.unknown) + "."


def partly_found(query: Query) -> str | None:
    """For an answer that was found although some query words occur in no document."""
    if not query.unknown:
        return None
    words = ", ".join(f"“{w}”" for w in query.unknown)
    bridged = [w for w in query.unknown if any(t in query.alternatives for t in tokenize(w))]
    instead = (
        " (related words stand in for " + ", ".join(f"“{w}”" for w in bridged) + ")"
        if bridged
        else ""
    )
    return (
        f"No document mentions {words}{instead}; this answer covers the rest of "
        f"“{query.text.strip()}”."
    )


def nothing_found(query: Query) -> str:
    """Why an answer is empty, naming the words that no document contains."""
    return NOTHING_FOUND.format(query=query.text.strip()) + missing_words(query)


def _source(
    number: int, doc: Document, snippet: str, anchor: str, score: float, coverage: float = 0.0
) -> Source:
    return Source(
        number=number,
        id=doc.id,
        title=doc.title,
        outlet=doc.metadata.outlet,
        published=doc.metadata.published,
        url=doc.metadata.url,
        score=score,
        snippet=snippet,
        anchor=anchor,
        path=doc.path,
        coverage=coverage,
    )


def to_source(number: int, hit: DocumentHit, coverage: float = 0.0) -> Source:
    """A ranked document as a listed source, its best passage as the snippet.

    The headline is listed as the title already: a body passage that matched is the snippet
    even when the headline scored higher.
    """
    body = (h for h in hit.hits if h.passage.sentences[0].kind is not SentenceKind.HEADLINE)
    passage = next(body, hit.best).passage
    return _source(
        number, hit.document, passage.text, str(passage.sentences[0].anchor), hit.score, coverage
    )


def document_source(number: int, doc: Document, snippet: Sentence, score: float) -> Source:
    """A document as a listed source with a chosen sentence as its snippet."""
    return _source(number, doc, snippet.text, str(snippet.anchor), score)


def number_sources(hits: Sequence[DocumentHit]) -> tuple[Source, ...]:
    """Sources numbered 1.. in rank order."""
    return tuple(to_source(i, hit) for i, hit in enumerate(hits, start=1))


def cited_sources(findings: Findings, cited: Iterable[str]) -> tuple[Source, ...]:
    """The cited documents as sources, numbered 1.. in relevance order."""
    wanted = set(cited)
    hits = [h for h in findings.documents if h.document.id in wanted]
    return tuple(
        to_source(i, h, findings.coverage.get(h.document.id, 0.0))
        for i, h in enumerate(hits, start=1)
    )


def unanswered(findings: Findings, why: str) -> tuple[tuple[Source, ...], str | None]:
    """Sources and notice of an answer with nothing to show: none and "nothing found" when no
    document is about the topic, else the documents about it and `why`."""
    if not findings.found:
        return (), nothing_found(findings.query)
    return cited_sources(findings, (d.document.id for d in findings.documents)), why


def answer_sources(
    corpus: Corpus, topic: str, limit: int = 10, within: Within | None = None
) -> SourcesAnswer:
    """The documents on a topic, best first; an empty answer if none is about it."""
    findings = find(corpus, topic, limit=limit, within=within)
    sources = cited_sources(findings, (h.document.id for h in findings.documents))
    notice = partly_found(findings.query) if sources else nothing_found(findings.query)
    return SourcesAnswer(topic, sources=sources, notice=notice)
