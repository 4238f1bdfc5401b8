"""Fixtures for the bot's tests: the real BriefBot over seeds/, a fake Discord, a clock.

The helpers these fixtures use, and tests import (`make_bot`, `make_settings`, `answered`,
`assert_cannot_ping`, `bot_messages`), are in tests/helpers.py.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.client import BriefBot
from bot.settings import Settings
from retrieval.store import open_corpus
from testing.fakediscord import FakeDiscord
from tests.helpers import TOKEN, Clock, make_bot, make_settings


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No BRIEFBOT_* or DISCORD_TOKEN from the developer's shell, and logging left as found."""
    import os

    for name in list(os.environ):
        if name.startswith("BRIEFBOT_") or name == "DISCORD_TOKEN":
            monkeypatch.delenv(name)
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    quiet = {n: logging.getLogger(n).level for n in ("discord", "discord.http", "discord.gateway")}
    yield
    root.setLevel(saved[0])
    for handler in [h for h in root.handlers if h not in saved[1]]:  # run() adds one
        root.removeHandler(handler)
        handler.close()
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture(scope="session")
def prebuilt_data(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """A data folder with the index of seeds/ built once; tests get a copy of it."""
    data = tmp_path_factory.mktemp("prebuilt") / "data"
    open_corpus(seeds_dir, data)
    return data


@pytest.fixture
def settings(tmp_path: Path, seeds_dir: Path, prebuilt_data: Path) -> Settings:
    """Settings over seeds/ with a fresh copy of the prebuilt data folder."""
    data = tmp_path / "data"
    shutil.copytree(prebuilt_data, data)
    return make_settings(seeds_dir, data)


@pytest.fixture
def clock() -> Clock:
    """A clock at the real time, moved only by the test."""
    return Clock()


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A fake Discord on 127.0.0.1 that accepts only TOKEN."""
    async with FakeDiscord(token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def bot(fake: FakeDiscord, settings: Settings, clock: Clock) -> AsyncIterator[BriefBot]:
    """The bot, logged in to the fake and ready."""
    async with fake.running(make_bot(settings, clock), timeout=15) as running:
        yield running
