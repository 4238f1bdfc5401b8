"""A build reports its progress: every file read, passages found, stages in order, time left."""

from __future__ import annotations

from pathlib import Path

from retrieval.progress import BuildProgress, Stage
from retrieval.store import open_corpus


def test_a_build_reports_each_file_then_indexing_and_saving(
    seeds_dir: Path, tmp_path: Path
) -> None:
    """Five seeds: five reading reports counting up, then indexing and saving; a reuse is silent."""
    reports: list[BuildProgress] = []
    opened = open_corpus(seeds_dir, tmp_path / "data", progress=reports.append)
    stages = [r.stage for r in reports]
    assert stages == [Stage.READING] * 5 + [Stage.INDEXING, Stage.SAVING]
    assert [r.files_done for r in reports[:5]] == [1, 2, 3, 4, 5]
    assert {r.files_total for r in reports} == {5}
    passages = [r.passages for r in reports]
    assert passages == sorted(passages) and passages[-1] == opened.corpus.passage_count
    again: list[BuildProgress] = []
    open_corpus(seeds_dir, tmp_path / "data", progress=again.append)
    assert again == []


def test_time_left_is_estimated_from_the_pace_of_reading() -> None:
    """Half the files read in 10 s: 10 s more of reading and twice the reading for indexing."""
    assert BuildProgress(Stage.READING, 0, 10, 0, 0.5).seconds_left() is None
    assert BuildProgress(Stage.READING, 5, 10, 300, 10.0).seconds_left() == 10.0 + 40.0
    indexing = BuildProgress(Stage.INDEXING, 10, 10, 600, 30.0, reading=20.0)
    assert indexing.seconds_left() == 30.0
    assert BuildProgress(Stage.INDEXING, 10, 10, 600, 90.0, reading=20.0).seconds_left() == 1.0
