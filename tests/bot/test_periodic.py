"""Every periodic task survives a failed round, logs it, and runs its next round."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import time
from typing import Any

import pytest

from bot.client import BriefBot
from bot.health import FILENAME
from bot.state import StateError
from testing.fakediscord import FakeDiscord
from tests.helpers import deliverer


class FailOnce:
    """Stands in for a collaborator: the first call raises, later calls pass through."""

    def __init__(self, real: Any, error: Exception) -> None:
        self.real, self.error, self.calls = real, error, 0

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        if self.calls == 1:
            raise self.error
        return self.real(*args)


async def _until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll: what the loops change is not the fake's state, so its waiters would not wake."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


async def _restart_fast(loop: Any) -> None:
    loop.change_interval(seconds=0.02)
    loop.restart()


async def test_heartbeat_survives_a_database_error(
    fake: FakeDiscord, bot: BriefBot, caplog: pytest.LogCaptureFixture
) -> None:
    """One locked-database round: logged, and the next round writes the heartbeat."""
    flaky = FailOnce(bot.state.list_enabled, StateError("database is locked"))
    bot.state.list_enabled = flaky  # type: ignore[method-assign]
    heartbeat = bot.settings.data_dir / FILENAME
    heartbeat.unlink(missing_ok=True)
    loop: Any = bot.get_cog("HealthCog").loop  # type: ignore[union-attr]
    with caplog.at_level(logging.WARNING):
        await _restart_fast(loop)
        await _until(lambda: flaky.calls >= 2 and heartbeat.exists())
    assert loop.is_running()
    assert "database is locked" in caplog.text


@pytest.mark.parametrize(
    ("cog", "attribute", "method"),
    [("HealthCog", "loop", "next_due"), ("BriefingCog", "loop", "tick")],
)
async def test_a_failed_round_is_logged_and_the_next_one_runs(
    fake: FakeDiscord,
    bot: BriefBot,
    caplog: pytest.LogCaptureFixture,
    cog: str,
    attribute: str,
    method: str,
) -> None:
    """A bug in one round (not a database error): logged with its traceback, next round runs."""
    flaky = FailOnce(getattr(deliverer(bot), method), RuntimeError("boom"))
    setattr(deliverer(bot), method, flaky)
    bot.state.subscribe(fake.guild.id, fake.channel("briefings").id, time(7, 0), "UTC")
    loop: Any = getattr(bot.get_cog(cog), attribute)
    with caplog.at_level(logging.ERROR):
        await _restart_fast(loop)
        await _until(lambda: flaky.calls >= 2)
    assert loop.is_running()
    assert "failed; trying again next round" in caplog.text and "RuntimeError: boom" in caplog.text
