"""The figures on a topic: every number the relevant sentences state, ranked, each with its proof.

A figure is listed once however many times it is reported: the same number with the same unit
(after folding synonyms: "2,850 people" and "2,850 individuals") is one figure, quoted from the
sentence that ties it most closely to the topic, with the markers of every document stating it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from answers.defaults import MAX_FIGURES
from answers.disagreements import disagreeing, measure, side_date
from answers.models import Category, Citations, Difference, Disagreement, Figure, FiguresAnswer
from answers.overlap import weigher
from answers.quantities import Mention, extract
from answers.query import Query
from answers.quotes import sentence_quote
from answers.relevance import Evidence, Within, find
from answers.sources import cited_sources, partly_found, unanswered
from retrieval.corpus import Corpus

log = logging.getLogger(__name__)

LIMIT = MAX_FIGURES
MAX_OTHERS = 3
_SYNONYMS = {"individuals": "people", "persons": "people", "person": "people"}
# At equal relevance, a measured or counted figure says more than a date or a bare number.
_PLAIN = frozenset({Category.DATE, Category.YEAR, Category.ORDINAL, Category.NUMBER})
_PLAIN_WEIGHT = 0.9

FigureKey = tuple[Category, float, float | None, str | None]


def figure_key(m: Mention) -> FigureKey:
    """What makes two mentions the same figure: category, number, range and unit."""
    if m.category in (Category.DATE, Category.YEAR):
        return (m.category, m.number, m.upper, m.iso)
    unit = m.unit.lower() if m.unit else None
    return (m.category, m.number, m.upper, _SYNONYMS.get(unit, unit) if unit else None)


@dataclass(slots=True)
class _Group:
    """Every statement of one figure, the best first."""

    mention: Mention
    evidence: Evidence
    score: float
    others: list[Evidence] = field(default_factory=list)
    values: set[str] = field(default_factory=set)  # the phrasings shown so far

    def add(self, m: Mention, e: Evidence) -> None:
        """Keep another statement if it comes from a new document or words the figure anew
        ("2,850 people" beside "2,850 individuals"), at most `MAX_OTHERS`."""
        shown = [self.evidence, *self.others]
        documents = {o.document.id for o in shown}
        fresh = e.document.id not in documents or m.value.lower() not in self.values
        again = any((o.document.id, o.index) == (e.document.id, e.index) for o in shown)
        if fresh and not again and len(self.others) < MAX_OTHERS:
            self.others.append(e)
            self.values.add(m.value.lower())


def group_figures(
    evidence: Iterable[Evidence], score: Callable[[Evidence], float] = lambda e: e.score
) -> list[_Group]:
    """Figures of the given sentences, one group per distinct figure, best scored first."""
    groups: dict[FigureKey, _Group] = {}
    ordered = sorted(evidence, key=lambda e: (-score(e), e.rank, e.index))
    for e in ordered:
        for m in extract(e.sentence.text):
            key = figure_key(m)
            group = groups.get(key)
            if group is None:
                weight = _PLAIN_WEIGHT if m.category in _PLAIN else 1.0
                groups[key] = _Group(m, e, score(e) * weight, values={m.value.lower()})
            else:
                group.add(m, e)
    return sorted(groups.values(), key=lambda g: (-g.score, g.evidence.rank, g.evidence.index))


def to_figures(groups: Iterable[_Group], numbers: Citations) -> tuple[Figure, ...]:
    """Groups as figures whose markers point into the numbered sources."""
    figures = []
    for g in groups:
        own = numbers[g.evidence.document.id]
        others = [e for e in g.others if e.document.id in numbers]
        markers = (own, *sorted({numbers[e.document.id] for e in others} - {own}))
        quote = sentence_quote(g.evidence.document.id, g.evidence.sentence, markers, g.score)
        figures.append(
            Figure(
                value=g.mention.value,
                number=g.mention.number,
                unit=g.mention.unit,
                category=g.mention.category,
                sentence=quote,
                markers=markers,
                approximate=g.mention.approximate,
                upper=g.mention.upper,
                iso=g.mention.iso,
                others=tuple(
                    sentence_quote(e.document.id, e.sentence, (numbers[e.document.id],), score=0)
                    for e in others
                ),
                score=g.score,
            )
        )
    return tuple(figures)


def _asked_first(query: Query, groups: list[_Group]) -> list[_Group]:
    """Figures of the asked type first ("how long will it take": durations), those whose unit
    the question is about first among them ("how many trucks": "300 vehicles"); stable."""
    wanted = query.question.categories if query.question else frozenset()
    if not wanted:
        return groups

    def rank(g: _Group) -> int:
        typed = g.mention.category in wanted
        return -(typed + (typed and bool(g.mention.unit) and query.about(g.mention.unit or "")))

    return sorted(groups, key=rank)


Disagreeing = list[tuple["_Group", "_Group", Difference]]


def disagreeing_groups(groups: Sequence[_Group], corpus: Corpus) -> Disagreeing:
    """The pairs of figure groups that disagree or changed (see `answers.disagreements`)."""
    pairs = disagreeing([(g.mention, g.evidence) for g in groups], weigher(corpus))
    return [(groups[i], groups[j], difference) for i, j, difference in pairs]


def to_disagreements(found: Disagreeing, numbers: Citations) -> tuple[Disagreement, ...]:
    """Disagreeing groups as notices, each side a figure cited into the numbered sources."""
    notices = []
    for a, b, difference in found:
        first, second = to_figures([a, b], numbers)
        dates = (side_date(a.evidence), side_date(b.evidence))
        what = measure(a.mention)
        name = what[1] if what else first.unit or ""
        notices.append(Disagreement(name, (first, second), difference, dates))
    return tuple(notices)


def answer_figures(
    corpus: Corpus, topic: str, limit: int = LIMIT, within: Within | None = None
) -> FiguresAnswer:
    """The figures the relevant sentences state, most relevant first, each with its sources."""
    findings = find(corpus, topic, within=within)
    groups = _asked_first(findings.query, group_figures(findings.sentences))
    shown = groups[:limit]
    if not shown:
        none = f"The documents on “{topic.strip()}” state no figures."
        sources, notice = unanswered(findings, none)
        return FiguresAnswer(topic, sources=sources, notice=notice)
    cited = (e.document.id for g in shown for e in [g.evidence, *g.others])
    sources = cited_sources(findings, cited)
    numbers = Citations.of(sources)
    figures = to_figures(shown, numbers)
    notice = partly_found(findings.query)
    disagreements = to_disagreements(disagreeing_groups(shown, corpus), numbers)
    return FiguresAnswer(
        topic, sources, notice, figures, total=len(groups), disagreements=disagreements
    )
