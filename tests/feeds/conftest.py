"""Fixtures for the feed tests: the local site, a feed store, a corpus folder, a poller."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.feedstore import FeedStore
from bot.state import StateStore
from feeds.net import Fetcher, HostThrottle, Limits, allow_any
from feeds.poll import PollConfig, Poller
from retrieval.formats.html import extract_html
from tests.feeds.site import Site

NOW = dt.datetime(2026, 3, 16, 12, 0, tzinfo=dt.UTC)
TEST_LIMITS = Limits(timeout=1.0, max_bytes=5 * 1024 * 1024, max_redirects=5, host_interval=0)


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    """The HTTP server on 127.0.0.1, started for one test."""
    server = Site()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def store(tmp_path: Path) -> FeedStore:
    return FeedStore(StateStore(tmp_path / "data" / "state.sqlite3"))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


MakePoller = Callable[..., Poller]


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    """A fetcher that may reach 127.0.0.1 (the one setting tests need), with a 1 s timeout."""
    async with Fetcher(TEST_LIMITS, allow_any, HostThrottle(0)) as client:
        yield client


@pytest.fixture
def poller(fetcher: Fetcher, store: FeedStore, corpus: Path) -> MakePoller:
    def make(**config: Any) -> Poller:
        return Poller(fetcher, store, corpus, extract_html, PollConfig(**config))

    return make
