"""Freshness: new feed articles rebuild the index at most every N minutes, old index meanwhile."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from answers import moments
from bot.service import CorpusService
from retrieval.composite import SegmentedCorpus
from retrieval.corpus import Corpus
from tests.helpers import make_settings


async def test_new_files_are_indexed_at_most_every_n_minutes(
    tmp_path: Path, seeds_dir: Path
) -> None:
    """A refresh asked 1 min after a rebuild waits the other 9 and answers from the old index
    meanwhile; asking again does not queue a second one; after 10 min it runs at once."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seeds = sorted(seeds_dir.glob("*.txt"))
    shutil.copy(seeds[0], corpus)
    now = [1000.0]
    slept: list[float] = []
    go = asyncio.Event()

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await go.wait()

    settings = make_settings(corpus, tmp_path / "data", feeds_rebuild_minutes=10)
    service = CorpusService(settings, clock=lambda: now[0], sleep=sleep)
    await service.start(settings.index_wait_seconds)
    before = service.opened
    shutil.copy(seeds[1], corpus)
    now[0] += 60
    assert service.request_refresh() == 540
    now[0] += 60
    service.request_refresh()
    await asyncio.sleep(0.05)
    assert slept == [540] and service.opened is before  # one waiting refresh; old index serves
    go.set()
    await service.refreshed()
    assert service.opened.corpus.document_count == 2
    shutil.copy(seeds[2], corpus)
    now[0] += 600
    assert service.request_refresh() == 0
    await service.refreshed()
    assert service.opened.corpus.document_count == 3 and slept == [540]
    service.close()


async def test_a_new_index_has_its_answer_columns_read_in_the_background(
    tmp_path: Path, seeds_dir: Path
) -> None:
    """After a (re)load the service reads the dates briefings compare, off the answer thread,
    so the first briefing does not read every record."""
    settings = make_settings(seeds_dir, tmp_path / "data")
    service = CorpusService(settings)
    await service.start(settings.index_wait_seconds)
    for _ in range(500):  # the phrases and columns are read while the service answers
        if service.opened.corpus in moments._CACHE:
            break
        await asyncio.sleep(0.01)
    assert service.opened.corpus in moments._CACHE
    service.close()


async def test_many_deletions_merge_the_segments_in_the_background(
    tmp_path: Path, seeds_dir: Path
) -> None:
    """An update that deletes half the corpus is served at once from segments, then a full
    rebuild (one segment, same key) is swapped in by the background merge."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seeds = sorted(seeds_dir.glob("*.txt"))
    for seed in seeds[:4]:
        shutil.copy(seed, corpus)
    service = CorpusService(make_settings(corpus, tmp_path / "data"))
    await service.start(60)
    for seed in seeds[:2]:
        (corpus / seed.name).unlink()
    await service.reload()
    updated = service.opened
    assert isinstance(updated.corpus, SegmentedCorpus)
    await service.compacted()
    merged = service.opened
    assert type(merged.corpus) is Corpus and merged.key == updated.key
    assert merged.corpus.document_count == updated.corpus.document_count == 2
    service.close()
