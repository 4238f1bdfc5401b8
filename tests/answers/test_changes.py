"""What changed since the last briefing: continuing stories and what is new in them."""

from __future__ import annotations

import dataclasses
import datetime as dt

from answers.briefing import answer_briefing
from answers.changes import StoryPrint, continue_stories, dumps, fingerprints, loads
from tests.helpers import SEEDS, stamped

NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)


def _briefing() -> object:
    return answer_briefing(stamped(SEEDS, [NOW - dt.timedelta(hours=1)] * 5), now=NOW)


def test_the_same_briefing_again_continues_every_story_with_nothing_new() -> None:
    """Compared with its own fingerprints, each story continues and brings nothing new."""
    answer = _briefing()
    again = continue_stories(answer, fingerprints(answer))  # type: ignore[arg-type]
    assert again.stories and all(s.continues for s in again.stories)
    assert all(not s.new_sources and not s.new_figures for s in again.stories)


def test_new_documents_and_figures_of_a_continuing_story_lead() -> None:
    """A remembered story with fewer documents and no figures: the rest is new."""
    answer = _briefing()
    story = answer.stories[0]  # type: ignore[attr-defined]
    ids = {s.number: s.id for s in answer.sources}  # type: ignore[attr-defined]
    first = ids[story.markers[0]]
    before = dataclasses.replace(fingerprints(answer)[0], documents=(first,), figures=())  # type: ignore[arg-type]
    marked = continue_stories(answer, [before]).stories[0]  # type: ignore[arg-type]
    assert marked.continues
    assert marked.new_sources == story.markers[1:]
    assert marked.new_figures == story.figures


def test_unrelated_previous_stories_are_not_continued() -> None:
    """No shared document and too few shared names: a new story, not a continuation."""
    answer = _briefing()
    unrelated = StoryPrint(("zzz",), ("count|3|goals",), ("chelsea", "lampard", "james"))
    assert not any(s.continues for s in continue_stories(answer, [unrelated]).stories)  # type: ignore[arg-type]


def test_fingerprints_round_trip_and_bad_text_is_none() -> None:
    """What the delivery log stores reads back the same; garbage reads as no briefing."""
    prints = fingerprints(_briefing())  # type: ignore[arg-type]
    assert loads(dumps(prints)) == prints and prints
    assert loads(None) == () and loads("{not json") == () and loads('[{"x": 1}]') == ()


def test_a_continuing_story_leads_with_what_is_new_in_every_renderer() -> None:
    """Terminal, JSON and Discord all say the story continues and name its new sources."""
    from bot.embeds import body_items
    from bot.terminal.render import render_text, to_json

    answer = _briefing()
    story = answer.stories[0]  # type: ignore[attr-defined]
    # The same names but none of its documents: continued by its names, every source new.
    before = dataclasses.replace(fingerprints(answer)[0], documents=("zzz",))  # type: ignore[arg-type]
    marked = continue_stories(answer, [before])  # type: ignore[arg-type]
    new = "".join(f"[{m}]" for m in story.markers)
    assert f"Continues a story from the last briefing. New sources: {new}." in render_text(marked)
    assert to_json(marked)["stories"][0]["continues"] is True
    assert "continues a story from the last briefing" in body_items(marked)[0]
