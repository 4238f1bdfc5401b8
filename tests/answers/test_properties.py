"""Properties over many random topics: every quote is verbatim at its offsets in the file on disk,
and every citation marker points to a listed source."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from answers.briefing import answer_briefing
from answers.citations import answer_cite
from answers.figures import answer_figures
from answers.models import (
    Answer,
    BriefingAnswer,
    Figure,
    FiguresAnswer,
    Quote,
    Story,
    Support,
)
from answers.passages import answer_ask
from answers.sources import answer_sources
from answers.summary import answer_summary
from retrieval.corpus import Corpus
from tests.helpers import SEEDS

VOCABULARY = sorted(
    {w for p in SEEDS.glob("*.txt") for w in re.findall(r"[\w’',.%-]+", p.read_text("utf-8"))}
)
words = st.sampled_from(VOCABULARY)
junk = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
topics = st.lists(st.one_of(words, words, words, junk), min_size=1, max_size=5).map(" ".join)


@cache
def file_text(path: str) -> str:
    """The document as it is on disk (decoded the way the reader decodes it)."""
    return (SEEDS / path).read_bytes().decode("utf-8")


def _figures(answer: Answer) -> tuple[Figure, ...]:
    return answer.figures if isinstance(answer, FiguresAnswer | BriefingAnswer) else ()


def _stories(answer: Answer) -> tuple[Story, ...]:
    return answer.stories if isinstance(answer, BriefingAnswer) else ()


def quotes_of(answer: Answer) -> Iterator[Quote]:
    for name in ("sentences", "quotes", "passages"):  # whichever list this kind carries
        yield from getattr(answer, name, ())
    for f in _figures(answer):
        yield f.sentence
        yield from f.others
    for s in _stories(answer):
        yield s.headline
        yield from s.quotes
        for f in s.figures:
            yield f.sentence


def check(corpus: Corpus, answer: Answer) -> None:
    """Verbatim quotes at their offsets; markers and figures consistent with the source list."""
    paths = {s.id: s.path for s in answer.sources}
    numbers = [s.number for s in answer.sources]
    assert numbers == list(range(1, len(numbers) + 1))
    by_number = {s.number: s.id for s in answer.sources}
    for q in quotes_of(answer):
        assert file_text(paths[q.source_id])[q.start : q.end] == q.text
        assert q.markers and set(q.markers) <= set(by_number)
        assert by_number[q.markers[0]] == q.source_id
    for f in (*_figures(answer), *(f for s in _stories(answer) for f in s.figures)):
        assert f.value in f.sentence.text and set(f.markers) <= set(by_number)
    for s in _stories(answer):
        assert set(s.markers) <= set(by_number)
    for source in answer.sources:
        text = file_text(source.path)
        assert source.snippet in text
    if not answer.sources:
        assert answer.notice and not any(quotes_of(answer))


@settings(max_examples=150, deadline=None)
@given(topic=topics)
def test_topic_answers_are_verbatim_and_cited(seeds: Corpus, topic: str) -> None:
    """summary, figures, sources, ask and cite over a random topic."""
    for answer in (
        answer_summary(seeds, topic),
        answer_figures(seeds, topic),
        answer_sources(seeds, topic),
        answer_ask(seeds, topic),
        answer_cite(seeds, topic),
    ):
        check(seeds, answer)
        assert answer.found == bool(answer.sources)
    cite = answer_cite(seeds, topic)
    assert all(q.support is not None and q.reference for q in cite.quotes)
    if any(q.support is Support.WEAK for q in cite.quotes):
        assert cite.notice and "weak" in cite.notice


@settings(max_examples=40, deadline=None)
@given(topic=st.one_of(st.just(""), topics))
def test_briefings_are_verbatim_and_cited(seeds: Corpus, topic: str) -> None:
    """A briefing on a random topic (or none) holds the same guarantees."""
    check(seeds, answer_briefing(seeds, topic))


@settings(max_examples=60, deadline=None)
@given(topic=topics)
def test_answers_are_deterministic(seeds: Corpus, topic: str) -> None:
    """The same question over the same corpus gives the same answer."""
    assert answer_summary(seeds, topic) == answer_summary(seeds, topic)
    assert answer_figures(seeds, topic) == answer_figures(seeds, topic)


def test_vocabulary_is_real() -> None:
    """The strategy draws from the seeds' own words (so most topics hit something)."""
    assert {"Tumen", "Kursk", "850"} <= set(VOCABULARY) and Path(SEEDS).is_dir()
