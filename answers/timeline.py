"""The timeline of a topic: its dated sentences in calendar order, each quoted with its source.

Every relevant sentence that states a date (`answers.dates`) is an event at that date; a sentence
stating two dates stands at both. Events sort by the first day of their span, a coarser span
first at the same start ("2024" before "June 2024" before "19 June 2024"), so the precision is
explicit rather than a year posing as its first day. Reports of one event from several documents
at the same date merge into the first, whose markers then list the others ("also reported by"):
same date and precision, and sentences that share a good part of their idf weight. Dates that
could not be placed (a relative date in an undated document) are listed apart, saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from answers.dates import stated_dates
from answers.defaults import MAX_EVENTS
from answers.models import Citations, Event, StatedDate, TimelineAnswer
from answers.overlap import Weigher, cosine, weigher
from answers.quotes import sentence_quote
from answers.relevance import Evidence, Within, find
from answers.sources import cited_sources, nothing_found, partly_found
from retrieval.corpus import Corpus
from retrieval.documents import SentenceKind

log = logging.getLogger(__name__)

MAX_DOCUMENTS = 20
# Two documents' sentences at one date report the same event at this idf-weighted cosine.
SAME_EVENT = 0.2
NO_DATES = "The documents on “{topic}” state no dates."


@dataclass(slots=True)
class _Entry:
    """An event being assembled: its date, its sentence, and other documents' reports."""

    date: StatedDate
    evidence: Evidence
    also: list[Evidence] = field(default_factory=list)


def _order(entry: _Entry) -> tuple[object, ...]:
    d, e = entry.date, entry.evidence
    assert d.first is not None and d.last is not None
    return (d.first, -(d.last - d.first).days, e.rank, e.index, d.start)


def _dated(sentences: Sequence[Evidence]) -> list[_Entry]:
    """Every (sentence, stated date) pair of body sentences, one per distinct date a sentence
    states (a sentence naming "Wednesday" twice is one event)."""
    entries, seen = [], set()
    for e in sentences:
        if e.sentence.kind is SentenceKind.HEADLINE:
            continue
        for d in stated_dates(e.sentence.text, e.document.metadata.published):
            key = (e.document.id, e.index, d.first, d.last, d.label if d.first is None else "")
            if key not in seen:
                seen.add(key)
                entries.append(_Entry(d, e))
    return entries


def _merge(entries: list[_Entry], weight: Weigher) -> list[_Entry]:
    """Fold another document's report of an event at the same date into the first report."""
    kept: list[_Entry] = []
    for entry in sorted(entries, key=_order):
        d, e = entry.date, entry.evidence
        same = (
            k
            for k in kept
            if (k.date.first, k.date.last, k.date.precision) == (d.first, d.last, d.precision)
            and e.document.id not in {k.evidence.document.id, *(a.document.id for a in k.also)}
            and cosine(e.terms, k.evidence.terms, weight) >= SAME_EVENT
        )
        match = next(same, None)
        if match is None:
            kept.append(entry)
        elif all(a.document.id != e.document.id for a in match.also):
            match.also.append(e)
    return kept


def _event(entry: _Entry, numbers: Citations) -> Event:
    e = entry.evidence
    own = numbers[e.document.id]
    also = [a for a in entry.also if a.document.id in numbers]
    quote = sentence_quote(e.document.id, e.sentence, (own,), e.score)
    return Event(
        date=entry.date,
        quote=quote,
        markers=(own, *(numbers[a.document.id] for a in also)),
        also=tuple(
            sentence_quote(a.document.id, a.sentence, (numbers[a.document.id],), a.score)
            for a in also
        ),
    )


def answer_timeline(
    corpus: Corpus, topic: str, limit: int = MAX_EVENTS, within: Within | None = None
) -> TimelineAnswer:
    """The dated events of a topic, oldest first, then the dates that could not be placed."""
    findings = find(corpus, topic, limit=MAX_DOCUMENTS, within=within)
    if not findings.found:
        return TimelineAnswer(topic, notice=nothing_found(findings.query))
    entries = _dated(findings.sentences)
    if not entries:
        sources = cited_sources(findings, (d.document.id for d in findings.documents))
        return TimelineAnswer(topic, sources=sources, notice=NO_DATES.format(topic=topic.strip()))
    placed = _merge([x for x in entries if x.date.resolved], weigher(corpus))[:limit]
    rest = [x for x in entries if not x.date.resolved][: max(0, limit - len(placed))]
    cited = (e.document.id for x in [*placed, *rest] for e in [x.evidence, *x.also])
    sources = cited_sources(findings, cited)
    numbers = Citations.of(sources)
    return TimelineAnswer(
        topic,
        sources=sources,
        notice=partly_found(findings.query),
        events=tuple(_event(x, numbers) for x in placed),
        unresolved=tuple(_event(x, numbers) for x in rest),
    )
