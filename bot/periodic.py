"""Periodic work for the cogs: a round that fails is logged, and the next round still runs."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from discord.ext import tasks

log = logging.getLogger(__name__)


def periodic(
    work: Callable[[], Awaitable[None]], *, what: str, seconds: float = 0, minutes: float = 0
) -> tasks.Loop[Callable[[], Coroutine[Any, Any, None]]]:
    """A `tasks.loop` running `work` every interval; an exception ends one round, not the loop.

    discord.ext.tasks stops a loop for good on any exception it does not expect (a locked
    database, a bug): the heartbeat then went stale while the bot still answered.
    """

    async def one_round() -> None:
        try:
            await work()
        except Exception:
            log.exception("%s failed; trying again next round", what)

    return tasks.loop(seconds=seconds, minutes=minutes)(one_round)
