"""One entry point from a typed request to its typed answer, shared by every front end.

Each request type knows its composer, so `compose(opened, BriefingRequest(...))` is typed as a
`BriefingAnswer`, and a front end never passes options it cannot check.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

# Each request imports its composer when it answers: a one-shot `search` in a fresh process
# then loads no briefing, figures or timeline code (about a tenth of its start).
from answers.defaults import DEFAULT_HOURS, MAX_EVENTS, MAX_FIGURES
from answers.filters import NO_DOCUMENT, NO_FILTERS, Filters
from answers.filters import prepare as prepare_filters
from answers.models import (
    Answer,
    AskAnswer,
    BriefingAnswer,
    CitationAnswer,
    FiguresAnswer,
    SourcesAnswer,
    SummaryAnswer,
    TimelineAnswer,
)
from answers.moments import moments
from answers.passages import answer_ask
from answers.relevance import Within
from answers.sources import answer_sources
from retrieval.corpus import Corpus
from retrieval.store import OpenedCorpus

A_co = TypeVar("A_co", bound=Answer, covariant=True)
A = TypeVar("A", bound=Answer)


class Request(Protocol[A_co]):
    """A question of one kind, with its options; `answer` composes it over a corpus."""

    def answer(self, corpus: Corpus) -> A_co:
        """The answer to this request over `corpus`."""
        ...


def within(
    corpus: Corpus,
    filters: Filters,
    query: str,
    empty: type[A],
    run: Callable[[Within | None], A],
) -> A:
    """`run` over the documents the filters keep, its notice saying which filter applied."""
    if not filters.active:
        return run(None)
    mask = filters.mask(corpus)
    if not mask.any():
        return empty(query, notice=NO_DOCUMENT.format(what=filters.describe()))
    answer = run(mask)
    notice = " ".join(n for n in (filters.notice(), answer.notice) if n)
    return dataclasses.replace(answer, notice=notice)


@dataclass(frozen=True, slots=True)
class SummaryRequest:
    """A summary of `topic` in up to `limit` sentences (3 to 6)."""

    topic: str
    limit: int = 5
    filters: Filters = NO_FILTERS

    def answer(self, corpus: Corpus) -> SummaryAnswer:
        """The summary over `corpus`."""
        from answers.summary import answer_summary

        return within(
            corpus,
            self.filters,
            self.topic,
            SummaryAnswer,
            lambda w: answer_summary(corpus, self.topic, self.limit, w),
        )


@dataclass(frozen=True, slots=True)
class FiguresRequest:
    """The figures on `topic`, at most `limit`."""

    topic: str
    limit: int = MAX_FIGURES
    filters: Filters = NO_FILTERS

    def answer(self, corpus: Corpus) -> FiguresAnswer:
        """The figures over `corpus`."""
        from answers.figures import answer_figures

        return within(
            corpus,
            self.filters,
            self.topic,
            FiguresAnswer,
            lambda w: answer_figures(corpus, self.topic, self.limit, w),
        )


@dataclass(frozen=True, slots=True)
class SourcesRequest:
    """The documents on `topic`, at most `limit`."""

    topic: str
    limit: int = 10
    filters: Filters = NO_FILTERS

    def answer(self, corpus: Corpus) -> SourcesAnswer:
        """The sources over `corpus`."""
        return within(
            corpus,
            self.filters,
            self.topic,
            SourcesAnswer,
            lambda w: answer_sources(corpus, self.topic, self.limit, w),
        )


@dataclass(frozen=True, slots=True)
class CitationRequest:
    """The quotes that back `claim`."""

    claim: str
    filters: Filters = NO_FILTERS

    def answer(self, corpus: Corpus) -> CitationAnswer:
        """The citation over `corpus`."""
        from answers.citations import answer_cite

        return within(
            corpus,
            self.filters,
            self.claim,
            CitationAnswer,
            lambda w: answer_cite(corpus, self.claim, w),
        )


@dataclass(frozen=True, slots=True)
class AskRequest:
    """`question` answered with up to `limit` passages."""

    question: str
    limit: int = 5
    filters: Filters = NO_FILTERS

    def answer(self, corpus: Corpus) -> AskAnswer:
        """The passages over `corpus`."""
        return within(
            corpus,
            self.filters,
            self.question,
            AskAnswer,
            lambda w: answer_ask(corpus, self.question, self.limit, w),
        )


@dataclass(frozen=True, slots=True)
class BriefingRequest:
    """What is new in [since, now) (default: the last `hours`), optionally on `topic`."""

    topic: str = ""
    since: dt.datetime | None = None
    now: dt.datetime | None = None
    hours: float = DEFAULT_HOURS

    def answer(self, corpus: Corpus) -> BriefingAnswer:
        """The briefing over `corpus`."""
        from answers.briefing import answer_briefing

        return answer_briefing(corpus, self.topic, self.since, self.now, self.hours)


@dataclass(frozen=True, slots=True)
class TimelineRequest:
    """The dated events of `topic`, oldest first, at most `limit`."""

    topic: str
    limit: int = MAX_EVENTS
    filters: Filters = NO_FILTERS

    def answer(self, corpus: Corpus) -> TimelineAnswer:
        """The timeline over `corpus`."""
        from answers.timeline import answer_timeline

        return within(
            corpus,
            self.filters,
            self.topic,
            TimelineAnswer,
            lambda w: answer_timeline(corpus, self.topic, self.limit, w),
        )


def prepare(opened: OpenedCorpus) -> None:
    """Read now what answers over this corpus read once and reuse: when each document was
    published and first seen, and its filter columns (every record, 0.5 s at a million
    passages). Without it the first briefing or filtered answer after a reload waits for them."""
    moments(opened.corpus)
    prepare_filters(opened.corpus)


def compose(opened: OpenedCorpus, request: Request[A]) -> A:
    """The answer to `request` over the opened corpus."""
    return request.answer(opened.corpus)
