"""What changed since the last briefing: stories that continue one, and what is new in them.

A briefing's stories are remembered as fingerprints (`StoryPrint`): their documents, their key
figures (category, number, unit) and the names their headline and quotes mention. A story of
the next briefing continues a remembered one when it shares a document, or at least
`SHARED_NAMES` names carrying at least `NAME_OVERLAP` of the smaller set's idf weight ("Tumen",
"Matsegora", "Parmalat" count, "North Korea" hardly): a name is a capitalized word that does
not open its sentence. What is new in it are
the documents and key figures the remembered story did not have. Pure functions of their
arguments: the delivery log stores the fingerprints and hands them back.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from answers.models import BriefingAnswer, Figure, Story
from answers.overlap import Weigher
from answers.query import terms_of

log = logging.getLogger(__name__)

SHARED_NAMES = 2
NAME_OVERLAP = 0.2
_NAME = re.compile(r"(?<=[\w,;:’'\"”)] )[A-Z][\w’'-]+")


@dataclass(frozen=True, slots=True)
class StoryPrint:
    """What a later briefing compares a story with."""

    documents: tuple[str, ...]
    figures: tuple[str, ...]  # "count|12000|troops"
    names: tuple[str, ...]


def figure_print(f: Figure) -> str:
    """A key figure as its category, number and unit: how a later briefing recognizes it."""
    return f"{f.category.value}|{f.number:g}|{(f.unit or '').lower()}"


def _names(story: Story) -> frozenset[str]:
    """The index terms of the names its headline and quotes mention."""
    texts = [story.headline.text, *(q.text for q in story.quotes)]
    return terms_of(" ".join(m.group(0) for t in texts for m in _NAME.finditer(t)))


def fingerprints(answer: BriefingAnswer) -> tuple[StoryPrint, ...]:
    """The fingerprints of a briefing's stories, for the next briefing to compare with."""
    ids = {s.number: s.id for s in answer.sources}
    return tuple(
        StoryPrint(
            documents=tuple(sorted(ids[m] for m in story.markers if m in ids)),
            figures=tuple(sorted({figure_print(f) for f in story.figures})),
            names=tuple(sorted(_names(story))),
        )
        for story in answer.stories
    )


def _continued(story: Story, documents: set[str], previous: StoryPrint, weight: Weigher) -> bool:
    if documents & set(previous.documents):
        return True
    names, before = _names(story), frozenset(previous.names)
    shared = names & before
    if len(shared) < SHARED_NAMES:
        return False
    smaller = min(sum(map(weight, names)), sum(map(weight, before)))
    return sum(map(weight, shared)) >= NAME_OVERLAP * smaller


def _closeness(story: Story, documents: set[str], previous: StoryPrint) -> tuple[int, int]:
    """Shared documents, then shared names: which remembered story this one continues."""
    return len(documents & set(previous.documents)), len(_names(story) & set(previous.names))


def _uniform(term: str) -> float:
    return 1.0


def continue_stories(
    answer: BriefingAnswer, previous: Sequence[StoryPrint], weight: Weigher = _uniform
) -> BriefingAnswer:
    """The briefing with each story that continues a previous one marked, and what is new in it.

    `weight` (the corpus's idf) makes rare names count: "Matsegora" more than "North Korea"."""
    ids = {s.number: s.id for s in answer.sources}
    stories = []
    for story in answer.stories:
        documents = {ids[m] for m in story.markers if m in ids}
        candidates = [p for p in previous if _continued(story, documents, p, weight)]
        before = max(candidates, key=lambda p: _closeness(story, documents, p), default=None)
        if before is None:
            stories.append(story)
            continue
        known, seen = set(before.documents), set(before.figures)
        stories.append(
            replace(
                story,
                continues=True,
                new_sources=tuple(m for m in story.markers if ids.get(m) not in known),
                new_figures=tuple(f for f in story.figures if figure_print(f) not in seen),
            )
        )
    return replace(answer, stories=tuple(stories))


def dumps(prints: Sequence[StoryPrint]) -> str:
    """Fingerprints as JSON, for the delivery log."""
    return json.dumps(
        [{"documents": p.documents, "figures": p.figures, "names": p.names} for p in prints]
    )


def loads(text: str | None) -> tuple[StoryPrint, ...]:
    """Fingerprints from `dumps`; nothing (or anything unreadable) is no previous briefing."""
    if not text:
        return ()
    try:
        rows = json.loads(text)
        return tuple(
            StoryPrint(tuple(r["documents"]), tuple(r["figures"]), tuple(r["names"])) for r in rows
        )
    except (ValueError, KeyError, TypeError):
        log.warning("unreadable fingerprints of the last briefing; comparing with none")
        return ()
