"""A citation for a claim: the sentences that back it, quoted exactly, with a full reference.

Support is measured, not guessed: a sentence's support is the share of the claim's idf weight it
carries (the same coverage rule as every other answer, its passage and the passage before it
counting half). A sentence is STRONG support when it covers at least `STRONG_COVERAGE` of the
claim in context and at least `MIN_COVERAGE` by itself, and states every number of the claim; it
is WEAK support when it merely passes the relevance rule. Weak matches are only ever shown
labelled as weak, under a notice that nothing backs the claim fully.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from answers.disagreements import mismatches
from answers.models import CitationAnswer, Citations, Quote, Support
from answers.query import Query
from answers.quotes import format_reference, sentence_quote
from answers.relevance import MIN_COVERAGE, Evidence, Within, find
from answers.sources import cited_sources, missing_words
from retrieval.corpus import Corpus

log = logging.getLogger(__name__)

STRONG_COVERAGE = 0.7
MAX_STRONG, MAX_WEAK = 3, 2
NOTHING_SUPPORTS = "Nothing in the documents supports “{claim}”."
ONLY_WEAK = (
    "No sentence fully backs “{claim}”. The closest matches below are weak support: "
    "they share some of its terms, not the whole claim."
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
Graded = tuple[Support, Evidence]


def support(query: Query, e: Evidence) -> Support | None:
    """How well one sentence backs the claim, or None if it does not."""
    numbers = {t for t in query.weights if _NUMBER.fullmatch(t)}
    if e.coverage >= STRONG_COVERAGE and e.own >= MIN_COVERAGE and numbers <= e.terms:
        return Support.STRONG
    return Support.WEAK if e.coverage >= MIN_COVERAGE else None


def _ranked(candidates: Sequence[Graded], cap: int) -> list[Graded]:
    """Best first, one sentence per document before a second from any, at most `cap`."""
    order = sorted(candidates, key=lambda c: (-c[1].coverage, -c[1].own, c[1].rank, c[1].index))
    firsts: dict[str, Graded] = {}
    for c in order:
        firsts.setdefault(c[1].document.id, c)
    first = list(firsts.values())
    rest = [c for c in order if all(c is not f for f in first)]
    return (first + rest)[:cap]


def answer_cite(corpus: Corpus, claim: str, within: Within | None = None) -> CitationAnswer:
    """The sentences that best back `claim`, each quoted with its reference and support."""
    findings = find(corpus, claim, expand_all=True, within=within)
    graded = [(support(findings.query, e), e) for e in findings.sentences]
    strong: list[Graded] = [(s, e) for s, e in graded if s is Support.STRONG]
    weak: list[Graded] = [(s, e) for s, e in graded if s is Support.WEAK]
    chosen = _ranked(strong, MAX_STRONG) if strong else _ranked(weak, MAX_WEAK)
    text = claim.strip()
    notice: str | None
    if not chosen:
        notice = NOTHING_SUPPORTS.format(claim=text) + missing_words(findings.query)
        return CitationAnswer(claim, notice=notice)
    sources = cited_sources(findings, (e.document.id for _, e in chosen))
    numbers = Citations.of(sources)
    quotes: list[Quote] = [
        sentence_quote(
            e.document.id,
            e.sentence,
            (numbers[e.document.id],),
            score=e.coverage,
            reference=format_reference(e.document, e.sentence),
            support=s,
        )
        for s, e in chosen
    ]
    verdict = Support.STRONG if strong else Support.WEAK
    notice = None if strong else ONLY_WEAK.format(claim=text)
    return CitationAnswer(
        claim,
        sources=sources,
        quotes=tuple(quotes),
        notice=notice,
        support=verdict,
        mismatches=mismatches(claim, quotes),
    )
