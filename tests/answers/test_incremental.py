"""Answers over an incremental index (segments and deletions) equal those over a full rebuild."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from answers.compose import (
    AskRequest,
    BriefingRequest,
    FiguresRequest,
    SourcesRequest,
    SummaryRequest,
    TimelineRequest,
)
from answers.filters import Filters
from answers.models import Answer
from retrieval.composite import SegmentedCorpus
from retrieval.store import open_corpus
from tests.helpers import SEEDS

REQUESTS = [
    SummaryRequest("Tumen River bridge", limit=3),
    SourcesRequest("North Korea Russia"),
    FiguresRequest("bridge"),
    AskRequest("How long is the bridge?"),
    SourcesRequest("Russia", filters=Filters(outlet="nonesuch")),
    BriefingRequest(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5), hours=1),
    BriefingRequest("Russia", now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5), hours=1),
    TimelineRequest("Russia"),
]


@pytest.fixture
def both(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The seed folder reached by updates (incremental data dir) and a folder for a rebuild."""
    root = tmp_path / "corpus"
    seeds = sorted(SEEDS.iterdir())
    root.mkdir()
    for path in seeds[:3]:
        shutil.copy(path, root / path.name)
    (root / "extra.txt").write_text("An extra article about a bridge that will be removed.\n")
    (root / seeds[0].name).write_text("An early draft about the Tumen River bridge.\n")
    open_corpus(root, tmp_path / "incremental")
    shutil.copy(seeds[0], root / seeds[0].name)  # changed back to the seed
    (root / "extra.txt").unlink()  # removed
    for path in seeds[3:]:  # added
        shutil.copy(path, root / path.name)
    return root, tmp_path / "incremental", tmp_path / "full"


def _answer(opened: object, request: object) -> Answer:
    from answers.compose import compose

    return compose(opened, request)  # type: ignore[arg-type]


def test_answers_over_segments_equal_a_full_rebuild(both: tuple[Path, Path, Path]) -> None:
    """Summary, sources, figures, ask, briefing and timeline: the same answer both ways."""
    root, incremental, full = both
    updated = open_corpus(root, incremental)
    full.mkdir()  # the same first-seen stamps: briefings and timelines date documents by them
    shutil.copy(incremental / "first_seen.json", full / "first_seen.json")
    rebuilt = open_corpus(root, full)
    assert isinstance(updated.corpus, SegmentedCorpus)
    assert len(updated.corpus.segments) == 2
    assert updated.key == rebuilt.key
    for request in REQUESTS:
        assert _answer(updated, request) == _answer(rebuilt, request), request
