"""The timeline: dated sentences in calendar order, relative dates resolved or honestly not."""

from __future__ import annotations

import datetime as dt

from answers.models import Kind, Precision
from answers.timeline import answer_timeline
from retrieval.corpus import Corpus
from tests.helpers import MakeCorpus


def test_seed_timeline_is_chronological_and_verbatim(seeds: Corpus) -> None:
    """Events are sorted by their span's start, coarser first, and every quote is the text."""
    answer = answer_timeline(seeds, "North Korea Russia")
    assert answer.kind is Kind.TIMELINE and answer.events
    keys = [(e.date.first, -(e.date.last - e.date.first).days) for e in answer.events]  # type: ignore[operator]
    assert keys == sorted(keys)
    for e in (*answer.events, *answer.unresolved):
        doc = seeds.document_by_id(e.quote.source_id)
        assert doc.text[e.quote.start : e.quote.end] == e.quote.text
        assert e.quote.text[e.date.start : e.date.end] == e.date.phrase


def test_dated_article_resolves_and_undated_does_not(seeds: Corpus) -> None:
    """003 (29 May 2025) places "Wednesday"; 000 (undated) keeps "Tuesday" unresolved."""
    answer = answer_timeline(seeds, "North Korea Russia")
    wednesday = [e for e in answer.events if e.date.phrase == "Wednesday"]
    assert wednesday and all(e.date.first == dt.date(2025, 5, 28) for e in wednesday)
    assert wednesday[0].date.how == "Wednesday → 28 May 2025, from the article's date"
    tuesday = [e for e in answer.unresolved if e.date.phrase == "Tuesday"]
    assert tuesday and tuesday[0].quote.source_id.startswith("000") and not tuesday[0].date.resolved


def test_same_day_reports_merge_with_also_reported_by(make_corpus: MakeCorpus) -> None:
    """Two documents reporting one event on one day are one event with both markers."""
    corpus = make_corpus(
        {
            "a.md": "---\npublished: 2025-05-29\n---\nBridge opening\n\n"
            "The Tumen bridge ceremony was held on Wednesday in Rason with officials.\n",
            "b.md": "---\npublished: 2025-05-30\n---\nBridge opened\n\n"
            "Officials held the Tumen bridge ceremony in Rason on 28 May 2025.\n",
            "c.md": "---\npublished: 2025-05-29\n---\nTrade talks\n\n"
            "Tumen trade talks were held on Wednesday about bridge tolls and fish quotas.\n",
        }
    )
    answer = answer_timeline(corpus, "Tumen bridge ceremony")
    (merged,) = [e for e in answer.events if len(e.markers) > 1]
    assert merged.date.first == dt.date(2025, 5, 28) and merged.date.precision is Precision.DAY
    assert len(merged.also) == 1 and merged.also[0].source_id != merged.quote.source_id


def test_no_dates_and_nothing_found(seeds: Corpus, make_corpus: MakeCorpus) -> None:
    """A topic without dated sentences says so; an unknown topic finds nothing."""
    corpus = make_corpus({"a.txt": "Bridge notes\n\nThe bridge is long and the river is wide.\n"})
    answer = answer_timeline(corpus, "bridge river")
    assert answer.found and not answer.events and "state no dates" in (answer.notice or "")
    assert not answer_timeline(seeds, "zzqx unobtainium").found
