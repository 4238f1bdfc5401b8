"""Typed requests: each composes the answer its own composer gives, with its options."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from answers.briefing import answer_briefing
from answers.citations import answer_cite
from answers.compose import (
    AskRequest,
    BriefingRequest,
    CitationRequest,
    FiguresRequest,
    Request,
    SourcesRequest,
    SummaryRequest,
    TimelineRequest,
)
from answers.figures import answer_figures
from answers.models import ANSWER_TYPES, Answer
from answers.passages import answer_ask
from answers.sources import answer_sources
from answers.summary import answer_summary
from answers.timeline import answer_timeline
from retrieval.corpus import Corpus

NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)
TOPIC = "Tumen River bridge"
CASES: list[tuple[Request[Answer], Callable[[Corpus], Answer]]] = [
    (SummaryRequest(TOPIC, limit=3), lambda c: answer_summary(c, TOPIC, 3)),
    (FiguresRequest(TOPIC, limit=2), lambda c: answer_figures(c, TOPIC, 2)),
    (SourcesRequest(TOPIC, limit=1), lambda c: answer_sources(c, TOPIC, 1)),
    (
        CitationRequest("The bridge will be 850 meters long"),
        lambda c: answer_cite(c, "The bridge will be 850 meters long"),
    ),
    (AskRequest(TOPIC, limit=1), lambda c: answer_ask(c, TOPIC, 1)),
    (
        BriefingRequest(TOPIC, now=NOW, hours=1e6),
        lambda c: answer_briefing(c, TOPIC, now=NOW, hours=1e6),
    ),
    (TimelineRequest(TOPIC, limit=2), lambda c: answer_timeline(c, TOPIC, 2)),
]


@pytest.mark.parametrize(("request_", "direct"), CASES, ids=lambda c: type(c).__name__)
def test_request_composes_its_kind(
    seeds: Corpus, request_: Request[Answer], direct: Callable[[Corpus], Answer]
) -> None:
    """The request's answer equals the composer's, options passed through."""
    answer = request_.answer(seeds)
    assert answer == direct(seeds) and answer.found


def test_every_answer_type_has_a_request() -> None:
    """No kind of answer is out of reach of a request."""
    assert {t.__name__ for t in ANSWER_TYPES} == {
        r.answer.__annotations__["return"] for r, _ in CASES
    }
