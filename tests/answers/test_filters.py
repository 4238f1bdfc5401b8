"""Filters by date and outlet: documents selected before ranking, and the answer says so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from answers.compose import (
    AskRequest,
    CitationRequest,
    FiguresRequest,
    SourcesRequest,
    SummaryRequest,
    TimelineRequest,
    compose,
)
from answers.filters import Filters, document_day, outlets
from answers.relevance import find
from retrieval.store import OpenedCorpus, open_corpus
from tests.helpers import WriteCorpus

TODAY = dt.datetime.now(dt.UTC).date()
HARBOUR = "Harbour Gazette"
A1 = "The ferry strike closed the port of Kellan for three days. Crews asked for 12 percent more."
A2 = "The ferry strike ended after talks. The operator agreed to 8 percent more pay."
B1 = "Islanders waited for the ferry strike to end. Shops ran short of milk and bread."
C1 = "A ferry strike was announced on the radio today. Nobody knew for how long."


def article(outlet: str | None, published: str | None, body: str) -> str:
    meta = "".join(
        f"{key}: {value}\n"
        for key, value in (("outlet", outlet), ("published", published))
        if value
    )
    return f"---\ntitle: {body.split('.')[0]}\n{meta}---\n\n{body}\n"


@pytest.fixture
def opened(write_corpus: WriteCorpus, tmp_path: Path) -> OpenedCorpus:
    corpus = write_corpus(
        {
            "a1.md": article(HARBOUR, "2026-03-14", A1),
            "a2.md": article(HARBOUR, "2026-03-16", A2),
            "b1.md": article("Island Times", "2026-03-15", B1),
            "c1.md": article(None, None, C1),
        }
    )
    return open_corpus(corpus, tmp_path / "data")


def titles(opened: OpenedCorpus, filters: Filters) -> list[str]:
    answer = compose(opened, SourcesRequest("ferry strike", filters=filters))
    return [s.title for s in answer.sources]


def test_outlet_keeps_that_outlets_documents_ignoring_case(opened: OpenedCorpus) -> None:
    """Only the outlet's documents are ranked; the notice names the filter."""
    answer = compose(
        opened, SourcesRequest("ferry strike", filters=Filters(outlet="harbour  GAZETTE"))
    )
    assert {s.outlet for s in answer.sources} == {"Harbour Gazette"} and len(answer.sources) == 2
    assert answer.notice == (
        "Filtered: only documents from “harbour  GAZETTE” (date: published, else first seen)."
    )


def test_since_and_until_are_inclusive_published_dates(opened: OpenedCorpus) -> None:
    """2026-03-15..2026-03-16 keeps the documents published on those days, both ends included."""
    window = Filters(since=dt.date(2026, 3, 15), until=dt.date(2026, 3, 16))
    assert sorted(titles(opened, window)) == [
        "Islanders waited for the ferry strike to end",
        "The ferry strike ended after talks",
    ]
    only_until = Filters(until=dt.date(2026, 3, 14))
    assert titles(opened, only_until) == [
        "The ferry strike closed the port of Kellan for three days"
    ]


def test_a_document_without_a_date_is_dated_when_first_seen(opened: OpenedCorpus) -> None:
    """The undated document counts as of the day it was indexed (today)."""
    assert titles(opened, Filters(since=TODAY)) == [
        "A ferry strike was announced on the radio today"
    ]
    assert document_day({"published": None, "first_seen": 0.0}) == dt.date(1970, 1, 1)
    assert document_day({"published": "2026-03-14", "first_seen": 0.0}) == dt.date(2026, 3, 14)


REQUESTS = [
    SummaryRequest,
    FiguresRequest,
    SourcesRequest,
    AskRequest,
    CitationRequest,
    TimelineRequest,
]


@pytest.mark.parametrize("request_type", REQUESTS)
def test_every_answer_kind_is_filtered_and_says_so(opened: OpenedCorpus, request_type: Any) -> None:
    """Summary, figures, sources, ask, cite and timeline draw only on the kept documents."""
    island = Filters(outlet="Island Times")
    answer = compose(opened, request_type("ferry strike", filters=island))
    assert answer.notice is not None and answer.notice.startswith("Filtered: only documents")
    assert {s.outlet for s in answer.sources} == {"Island Times"}
    unfiltered = compose(opened, request_type("ferry strike"))
    assert unfiltered.notice is None or "Filtered" not in unfiltered.notice


def test_a_filter_no_document_passes_says_so(opened: OpenedCorpus) -> None:
    """An outlet the corpus does not have: no sources, and the notice says why."""
    answer = compose(opened, SummaryRequest("ferry strike", filters=Filters(outlet="Daily Planet")))
    assert answer.sources == () and answer.notice == (
        "No document matches the filter: from “Daily Planet”."
    )


def test_documents_are_selected_before_ranking(opened: OpenedCorpus) -> None:
    """With a search depth of one passage, the filter still finds its outlet's document."""
    corpus = opened.corpus
    best = find(corpus, "ferry strike", depth=1)
    assert [d.document.metadata.outlet for d in best.documents] != ["Island Times"]
    within = Filters(outlet="Island Times").mask(corpus)
    kept = find(corpus, "ferry strike", depth=1, within=within)
    assert [d.document.metadata.outlet for d in kept.documents] == ["Island Times"]


def test_related_words_are_looked_for_only_in_the_kept_documents(opened: OpenedCorpus) -> None:
    """A word that occurs nowhere ("walkout") is searched as "strike", filtered too."""
    corpus = opened.corpus
    assert len(find(corpus, "walkout").documents) == 4
    within = Filters(outlet="Island Times").mask(corpus)
    kept = find(corpus, "walkout", within=within)
    assert [d.document.metadata.outlet for d in kept.documents] == ["Island Times"]


def test_a_range_that_ends_before_it_starts_is_refused() -> None:
    """since after until is a ValueError, not an empty answer."""
    with pytest.raises(ValueError, match="is after until"):
        Filters(since=dt.date(2026, 3, 16), until=dt.date(2026, 3, 1))


def test_outlets_are_listed_most_documents_first(opened: OpenedCorpus) -> None:
    """For autocomplete: each outlet once, the commonest first."""
    assert outlets(opened.corpus) == ("Harbour Gazette", "Island Times")
