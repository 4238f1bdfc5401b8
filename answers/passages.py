"""A question answered with the best passages, quoted, with their sources."""

from __future__ import annotations

from answers.models import Answer, Kind, Quote
from answers.sources import NOTHING_FOUND, number_sources
from retrieval.corpus import Corpus, Hit


def passage_quote(hit: Hit, marker: int) -> Quote:
    """A passage as a verbatim quote (its span runs from its first to its last sentence)."""
    first, last = hit.passage.sentences[0], hit.passage.sentences[-1]
    return Quote(
        text=hit.passage.text,
        source_id=hit.passage.doc_id,
        anchor=str(first.anchor),
        start=first.start,
        end=last.end,
        markers=(marker,),
        score=hit.score,
    )


def answer_ask(corpus: Corpus, question: str, limit: int = 5, kind: Kind = Kind.ASK) -> Answer:
    """The `limit` best passages for a question, each marked with its numbered source."""
    hits = corpus.search(question, k=limit)
    if not hits:
        return Answer(kind, question, notice=NOTHING_FOUND.format(query=question.strip()))
    ranked = corpus.rank_documents(question, k=len({h.passage.doc_id for h in hits}))
    keep = {h.passage.doc_id for h in hits}
    sources = number_sources([d for d in ranked if d.document.id in keep])
    numbers = {s.id: s.number for s in sources}
    passages = tuple(passage_quote(h, numbers[h.passage.doc_id]) for h in hits)
    return Answer(kind, question, sources=sources, passages=passages)
