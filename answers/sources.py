"""The sources on a topic: documents ranked by their best passage."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from answers.models import Answer, Kind, Source
from retrieval.corpus import Corpus, DocumentHit

log = logging.getLogger(__name__)

NOTHING_FOUND = "Nothing in the documents matches “{query}”."


def to_source(number: int, hit: DocumentHit) -> Source:
    """A ranked document as a listed source."""
    doc, best = hit.document, hit.best
    return Source(
        number=number,
        id=doc.id,
        title=doc.title,
        outlet=doc.metadata.outlet,
        published=doc.metadata.published,
        url=doc.metadata.url,
        score=hit.score,
        snippet=best.passage.text,
        anchor=str(best.passage.sentences[0].anchor),
        path=doc.path,
    )


def number_sources(hits: Sequence[DocumentHit]) -> tuple[Source, ...]:
    """Sources numbered 1.. in rank order."""
    return tuple(to_source(i, hit) for i, hit in enumerate(hits, start=1))


def answer_sources(corpus: Corpus, topic: str, limit: int = 10) -> Answer:
    """The documents on a topic, best first; an empty answer if none matches."""
    sources = number_sources(corpus.rank_documents(topic, k=limit))
    notice = None if sources else NOTHING_FOUND.format(query=topic.strip())
    return Answer(Kind.SOURCES, topic, sources=sources, notice=notice)
