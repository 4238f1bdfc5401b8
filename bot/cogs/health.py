"""Keeps the heartbeat file fresh for `briefbot health` (the container's HEALTHCHECK)."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import TYPE_CHECKING, Any

from discord.ext import commands

from bot.health import Heartbeat, heartbeat_name, write_heartbeat
from bot.periodic import periodic
from bot.state import StateError

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 20.0


class HealthCog(commands.Cog):
    """Writes what the bot knows of itself to the data folder every few seconds."""

    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot
        self.loop = periodic(self.beat, what="the heartbeat", seconds=INTERVAL_SECONDS)

    async def cog_load(self) -> None:
        self.loop.start()

    async def cog_unload(self) -> None:
        self.loop.cancel()

    async def beat(self) -> None:
        bot = self.bot
        opened = bot.service.opened if bot.service.ready else None  # None while building
        try:
            subs = await asyncio.to_thread(bot.state.list_enabled)
        except StateError as err:  # the heartbeat is about the bot; a locked database is not
            log.warning("heartbeat without the next briefing: %s", err)
            subs = []
        briefing: Any = bot.get_cog("BriefingCog")  # it owns the deliverer
        dues = [await briefing.deliverer.next_due(s) for s in subs] if briefing else []
        beat = Heartbeat(
            pid=os.getpid(),
            updated_at=time.time(),
            connected=bot.is_ready() and not bot.is_closed(),
            last_gateway_event=bot.last_gateway_event,
            index_key=opened.key if opened else "building",
            index_built_at=opened.built_at if opened else 0.0,
            documents=opened.corpus.document_count if opened else 0,
            passages=opened.corpus.passage_count if opened else 0,
            next_briefing=min(dues).isoformat() if dues else None,
        )
        try:
            name = heartbeat_name(bot.settings.shard_ids)
            await asyncio.to_thread(write_heartbeat, bot.settings.data_dir, beat, name)
        except OSError as err:
            log.warning("could not write the heartbeat: %s", err)


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(HealthCog(bot))
