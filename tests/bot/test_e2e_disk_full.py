"""A full disk under the state database, through the fake Discord: said plainly, nothing lost."""

from __future__ import annotations

from datetime import time

import pytest

from bot.settings import Settings
from bot.state import StateError, StateStore
from testing.fakediscord import FakeDiscord
from tests.bot.stores import FullDiskStore
from tests.helpers import Clock, answered, make_bot


def _fill(store: StateStore) -> int:
    """Subscribe channels of another server until the file cannot grow; how many were stored."""
    stored = 0
    with pytest.raises(StateError, match="disk is full"):
        for channel in range(10_000, 20_000):
            store.subscribe(999, channel, time(6, 0), "UTC")
            stored += 1
    return stored


async def test_full_disk_is_explained_and_nothing_is_lost(
    fake: FakeDiscord, settings: Settings, clock: Clock
) -> None:
    """Subscribing on a full disk gets the storage message and stores nothing; once space is
    back the same command works, and every subscription stored before the fault is intact."""
    bot = make_bot(settings, clock)
    path = settings.data_dir / "state.sqlite3"
    options = {"channel": "briefings", "time": "07:30", "timezone": "Europe/Paris"}
    async with fake.running(bot, timeout=15):
        bot.state = FullDiskStore(path, clock=bot.now)
        before = _fill(bot.state)
        denied = await answered(fake, "briefing subscribe", options, user="bob")
        assert denied.original is not None and denied.original.content == (
            "I could not save that right now (storage problem); nothing was changed."
        )
        assert StateStore(path).get_by_channel(fake.channel("briefings").id) is None
        bot.state = StateStore(path, clock=bot.now)  # the disk has room again
        await answered(fake, "briefing subscribe", options, user="bob")
        listed = await answered(fake, "briefing list", user="carol")
    assert listed.original is not None and "07:30 Europe/Paris" in listed.original.content
    assert len(StateStore(path).list_guild(999)) == before
    fake.assert_clean()
