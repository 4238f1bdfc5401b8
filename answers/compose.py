"""One entry point from a typed request to its typed answer, shared by every front end.

Each request type knows its composer, so `compose(opened, BriefingRequest(...))` is typed as a
`BriefingAnswer`, and a front end never passes options it cannot check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol, TypeVar

from answers.briefing import DEFAULT_HOURS, answer_briefing
from answers.citations import answer_cite
from answers.figures import LIMIT, answer_figures
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
from answers.passages import answer_ask
from answers.sources import answer_sources
from answers.summary import answer_summary
from answers.timeline import MAX_EVENTS, answer_timeline
from retrieval.corpus import Corpus
from retrieval.store import OpenedCorpus

A_co = TypeVar("A_co", bound=Answer, covariant=True)
A = TypeVar("A", bound=Answer)


class Request(Protocol[A_co]):
    """A question of one kind, with its options; `answer` composes it over a corpus."""

    def answer(self, corpus: Corpus) -> A_co:
        """The answer to this request over `corpus`."""
        ...


@dataclass(frozen=True, slots=True)
class SummaryRequest:
    """A summary of `topic` in up to `limit` sentences (3 to 6)."""

    topic: str
    limit: int = 5

    def answer(self, corpus: Corpus) -> SummaryAnswer:
        """The summary over `corpus`."""
        return answer_summary(corpus, self.topic, self.limit)


@dataclass(frozen=True, slots=True)
class FiguresRequest:
    """The figures on `topic`, at most `limit`."""

    topic: str
    limit: int = LIMIT

    def answer(self, corpus: Corpus) -> FiguresAnswer:
        """The figures over `corpus`."""
        return answer_figures(corpus, self.topic, self.limit)


@dataclass(frozen=True, slots=True)
class SourcesRequest:
    """The documents on `topic`, at most `limit`."""

    topic: str
    limit: int = 10

    def answer(self, corpus: Corpus) -> SourcesAnswer:
        """The sources over `corpus`."""
        return answer_sources(corpus, self.topic, self.limit)


@dataclass(frozen=True, slots=True)
class CitationRequest:
    """The quotes that back `claim`."""

    claim: str

    def answer(self, corpus: Corpus) -> CitationAnswer:
        """The citation over `corpus`."""
        return answer_cite(corpus, self.claim)


@dataclass(frozen=True, slots=True)
class AskRequest:
    """`question` answered with up to `limit` passages."""

    question: str
    limit: int = 5

    def answer(self, corpus: Corpus) -> AskAnswer:
        """The passages over `corpus`."""
        return answer_ask(corpus, self.question, self.limit)


@dataclass(frozen=True, slots=True)
class BriefingRequest:
    """What is new in [since, now) (default: the last `hours`), optionally on `topic`."""

    topic: str = ""
    since: dt.datetime | None = None
    now: dt.datetime | None = None
    hours: float = DEFAULT_HOURS

    def answer(self, corpus: Corpus) -> BriefingAnswer:
        """The briefing over `corpus`."""
        return answer_briefing(corpus, self.topic, self.since, self.now, self.hours)


@dataclass(frozen=True, slots=True)
class TimelineRequest:
    """The dated events of `topic`, oldest first, at most `limit`."""

    topic: str
    limit: int = MAX_EVENTS

    def answer(self, corpus: Corpus) -> TimelineAnswer:
        """The timeline over `corpus`."""
        return answer_timeline(corpus, self.topic, self.limit)


def compose(opened: OpenedCorpus, request: Request[A]) -> A:
    """The answer to `request` over the opened corpus."""
    return request.answer(opened.corpus)
