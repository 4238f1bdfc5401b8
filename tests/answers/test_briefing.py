"""The briefing: a window over first-seen and published times, stories, and the 'new' flag."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from answers.briefing import _assemble, answer_briefing
from answers.models import Kind
from answers.overlap import weigher
from answers.stories import _cosines, cluster, document_vector, group_story
from tests.helpers import SEEDS, stamped

NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)

OPENING_A = """Bridge opens to traffic

The new road bridge over the Tumen River opened to traffic on Monday, officials in Rason said.
The 850-meter bridge links the Rason special economic zone with Khasan in Primorsky Krai.
Officials expect nearly 300 vehicles and 2,850 travellers to cross it every day.
"""
OPENING_B = """Tumen River road bridge opens

Officials in Rason said the road bridge over the Tumen River opened to traffic on Monday.
The bridge, 850 meters long, connects the Rason zone to Khasan in Primorsky Krai.
Nearly 300 vehicles and 2,850 travellers are expected to cross the bridge every day.
"""
HARVEST = """Harvest falls short

Farm officials reported that the rice harvest fell by 12% after a dry summer in the south.
Fertilizer imports from China also dropped sharply, the agriculture ministry said on Friday.
"""


def _write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_two_reports_of_one_event_are_one_story(tmp_path: Path) -> None:
    """Two outlets on the opening: one story headed by a lead, with both markers; the old
    harvest report is outside the 24-hour window."""
    root = _write(tmp_path / "c", {"a.txt": OPENING_A, "b.txt": OPENING_B, "c.txt": HARVEST})
    corpus = stamped(root, [NOW - 2 * HOUR, NOW - 3 * HOUR, NOW - 30 * HOUR])
    answer = answer_briefing(corpus, now=NOW)
    assert answer.kind is Kind.BRIEFING and answer.new is True
    assert answer.window == (NOW - 24 * HOUR, NOW)
    assert len(answer.stories) == 1
    story = answer.stories[0]
    assert story.markers == (1, 2) and sorted(story.headline.markers) == [1, 2]
    assert [s.id for s in answer.sources] in (["a", "b"], ["b", "a"])
    assert story.headline.text.startswith(("The new road bridge", "Officials in Rason said"))
    assert {f.number for f in answer.figures} >= {850, 300, 2850}


def test_since_widens_the_window_and_bigger_stories_come_first(tmp_path: Path) -> None:
    """Since two days ago: the opening (two documents) first, then the harvest."""
    root = _write(tmp_path / "c", {"a.txt": OPENING_A, "b.txt": OPENING_B, "c.txt": HARVEST})
    corpus = stamped(root, [NOW - 2 * HOUR, NOW - 3 * HOUR, NOW - 30 * HOUR])
    answer = answer_briefing(corpus, since=NOW - 48 * HOUR, now=NOW)
    assert [len(s.markers) for s in answer.stories] == [2, 1]
    assert answer.stories[1].headline.text.startswith("Farm officials reported")
    assert answer.stories[1].figures[0].value == "12%"


def test_nothing_new_offers_recent_stories_and_is_flagged(tmp_path: Path) -> None:
    """A week later: a notice, the most recent stories, and new False (do not post)."""
    root = _write(tmp_path / "c", {"a.txt": OPENING_A, "b.txt": OPENING_B, "c.txt": HARVEST})
    corpus = stamped(root, [NOW - 2 * HOUR, NOW - 3 * HOUR, NOW - 30 * HOUR])
    answer = answer_briefing(corpus, now=NOW + dt.timedelta(days=7))
    assert answer.new is False
    assert answer.notice == "Nothing new since 2025-06-08 09:00 UTC. The most recent stories:"
    assert answer.stories and answer.found


def test_published_day_counts_as_new(tmp_path: Path) -> None:
    """Seeds never seen by an index: only 003, published 2025-05-29, is new that day."""
    corpus = stamped(SEEDS, [None] * 5)
    answer = answer_briefing(corpus, now=dt.datetime(2025, 5, 29, 12, tzinfo=dt.UTC))
    assert [s.id for s in answer.sources] == ["003_b8d619ddcb3a68c6"]
    assert answer.stories[0].headline.anchor == "003_b8d619ddcb3a68c6#p3.s1"


def test_seeds_briefing_is_cited_and_verbatim() -> None:
    """All five seeds new: five stories (they are five different events), every quote verbatim,
    every marker pointing to a listed source."""
    corpus = stamped(SEEDS, [NOW - HOUR] * 5)
    answer = answer_briefing(corpus, now=NOW)
    assert len(answer.stories) == 5 and answer.new is True
    numbers = {s.number for s in answer.sources}
    for story in answer.stories:
        for q in (story.headline, *story.quotes):
            assert corpus.document_by_id(q.source_id).text[q.start : q.end] == q.text
            assert set(q.markers) <= numbers
        assert set(story.markers) <= numbers
    assert all(set(f.markers) <= numbers for f in answer.figures)


def test_topic_briefing_and_topic_off_corpus() -> None:
    """With a topic, only its documents; a topic nobody covers is nothing found, not posted."""
    corpus = stamped(SEEDS, [NOW - HOUR] * 5)
    kursk = answer_briefing(corpus, "Kursk region", now=NOW)
    assert [s.id for s in kursk.sources] == ["003_b8d619ddcb3a68c6"]
    assert "Kursk" in kursk.stories[0].headline.text
    none = answer_briefing(corpus, "zzqx unobtainium", now=NOW)
    assert (none.stories, none.found, none.new) == ((), False, False)


def test_future_since_is_an_empty_window() -> None:
    """A `since` after `now` reports nothing new rather than failing."""
    corpus = stamped(SEEDS, [NOW - HOUR] * 5)
    answer = answer_briefing(corpus, since=NOW + HOUR, now=NOW)
    assert answer.window == (NOW, NOW) and answer.new is False


def test_average_link_keeps_a_chain_apart() -> None:
    """a~b strongly, b~c weakly, a and c unrelated: {a, b} then {c} (average link 0.25)."""
    a, b, c = {"x": 1.0, "y": 0.0}, {"x": 0.9, "y": 0.436}, {"y": 1.0}
    assert cluster([a, b, c]) == [[0, 1], [2]]
    assert cluster([a, b, c], threshold=0.2) == [[0, 1, 2]]
    assert cluster([]) == [] and cluster([a]) == [[0]]


def test_cosines_are_those_of_the_dense_term_matrix() -> None:
    """The pairwise cosines summed over shared terms equal the dense matrix product's."""
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(60)]
    vectors: list[dict[str, float]] = [
        {w: float(rng.random()) for w in rng.choice(words, size=int(rng.integers(0, 25)))}
        for _ in range(30)
    ]
    terms = {t: i for i, t in enumerate(words)}
    dense = np.zeros((len(vectors), len(words)))
    for row, v in enumerate(vectors):
        for t, x in v.items():
            dense[row, terms[t]] = x
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    dense /= np.where(norms > 0, norms, 1.0)
    expected, found = dense @ dense.T, _cosines(vectors)
    np.fill_diagonal(expected, 0.0)
    np.fill_diagonal(found, 0.0)
    assert found.dtype == np.float64 and np.allclose(found, expected, rtol=0, atol=1e-12)
    assert _cosines([]).shape == (0, 0) and _cosines([{}]).dtype == np.float64


def test_a_story_document_with_no_sentence_on_the_topic_is_cited_by_its_lead(
    tmp_path: Path,
) -> None:
    """A topic keeps a story to its on-topic sentences; a document clustered into the story
    with none of its own on the topic is still listed, by its first body sentence (before, the
    briefing raised IndexError: seen on bbc-news, 'why did sprinters Thanou and Kenteris face a
    disciplinary hearing?')."""
    root = _write(tmp_path / "c", {"a.txt": OPENING_A, "b.txt": OPENING_B})
    corpus = stamped(root, [NOW - HOUR, NOW - HOUR])
    a, b = corpus.document(0), corpus.document(1)
    weight = weigher(corpus)
    focus = {(a.id, 1): 1.0}  # only a's first body sentence is on the topic
    story = group_story([a, b], [document_vector(d, weight) for d in (a, b)], weight, 0, focus)
    assert story is not None and [d.id for d in story.documents] == ["a", "b"]
    assert {e.document.id for e in story.sentences} == {"a"}
    _, _, sources = _assemble([story])
    assert [(s.id, s.snippet) for s in sources] == [
        ("a", a.sentences[1].text),
        ("b", b.sentences[1].text),
    ]
