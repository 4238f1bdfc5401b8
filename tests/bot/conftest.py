"""Fixtures for the bot's tests: the real BriefBot over seeds/, a fake Discord, a clock.

Some helpers are still fixtures, from before tests/ was a package: `new_bot(settings)`,
`settings_for(corpus, data)`, `answered(fake, command, options)` and `no_pings(messages)`.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.client import BriefBot
from bot.settings import Settings
from retrieval.store import open_corpus
from testing.fakediscord import FakeDiscord, InteractionRecord, MessageRecord

# Distinctive, so a test can look for it in every log line and on stderr.
TOKEN = "MTk4NjIyNDgzNDcxOTI1MjQ4.fake.s3cr3t-t0ken-never-logged"
DEADLINE = 3.0  # Discord's: an interaction not acknowledged by then has failed


class Clock:
    """A controllable `bot.now()`: starts at the real time, moves only when told."""

    def __init__(self, start: datetime | None = None) -> None:
        # Not truncated: documents indexed a moment ago must not lie in this clock's future.
        self.current = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


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


def make_settings(corpus: Path, data: Path, **overrides: Any) -> Settings:
    """Settings for a test: offline defaults (question limits too), no timers unless asked for."""
    values: dict[str, Any] = {
        "corpus_dir": corpus,
        "data_dir": data,
        "reload_interval_minutes": 0,
        "scheduler_interval_seconds": 3600,
        "feeds_interval_minutes": 0,
        "index_wait_seconds": 60,  # the index is there when a test starts asking
        **overrides,
    }
    return Settings(_env_file=None, **values)


@pytest.fixture
def settings(tmp_path: Path, seeds_dir: Path, prebuilt_data: Path) -> Settings:
    """Settings over seeds/ with a fresh copy of the prebuilt data folder."""
    data = tmp_path / "data"
    shutil.copytree(prebuilt_data, data)
    return make_settings(seeds_dir, data)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(name="settings_for")
def _settings_for() -> Any:
    return make_settings


@pytest.fixture(name="new_bot")
def _new_bot() -> Any:
    return make_bot


@pytest.fixture(name="answered")
def _answered() -> Any:
    return answered


@pytest.fixture(name="no_pings")
def _no_pings() -> Any:
    return assert_cannot_ping


@pytest.fixture(name="bot_messages")
def _bot_messages() -> Any:
    return bot_messages


def make_bot(settings: Settings, clock: Clock | None = None, **options: Any) -> BriefBot:
    """The real bot, with the fake's advice: a short wait for guilds after READY."""
    return BriefBot(settings, clock=clock, guild_ready_timeout=0.05, **options)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def bot(fake: FakeDiscord, settings: Settings, clock: Clock) -> AsyncIterator[BriefBot]:
    """The bot, logged in to the fake and ready."""
    async with fake.running(make_bot(settings, clock), timeout=15) as running:
        yield running


async def answered(
    fake: FakeDiscord, command: str, options: dict[str, Any] | None = None, **kw: Any
) -> InteractionRecord:
    """Invoke a slash command, wait for its answer, and hold it to Discord's deadline."""
    record = await fake.invoke(command, options, **kw)
    await record.wait_done(timeout=10)
    assert record.latency is not None and record.latency < DEADLINE, record
    assert record.accepted_callback is not None, record.callbacks
    return record


def assert_cannot_ping(messages: list[MessageRecord]) -> None:
    """Every message the bot sent or edited asked for no pings, and none happened."""
    assert messages, "no messages to check"
    for message in messages:
        am = message.allowed_mentions
        assert am is not None, f"message {message.id} sent without allowed_mentions"
        assert not am.get("parse") and not am.get("users") and not am.get("roles"), am
        assert not am.get("replied_user"), am
        assert not message.pinged_users and not message.pinged_roles, message.data
        assert not message.pinged_everyone, message.data


def bot_messages(fake: FakeDiscord) -> list[MessageRecord]:
    """Everything the bot posted anywhere, ephemeral or not."""
    bot_id = fake.bot_user.id
    return [m for m in fake.state.messages.values() if m.author_id == bot_id]
