"""The discord.py client: cogs loaded in setup_hook, nothing the bot says can ping anyone."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import discord
from discord.ext import commands

from bot.errors import BriefTree
from bot.limits import Gate, Rate
from bot.paging import PAGE_TIMEOUT, ExpiredPages
from bot.pgstate import open_state
from bot.service import CorpusService
from bot.settings import Settings
from bot.shards import Shards

log = logging.getLogger(__name__)

COGS = (
    "bot.cogs.answers",
    "bot.cogs.briefing",
    "bot.cogs.corpus",
    "bot.cogs.feeds",
    "bot.cogs.health",
    "bot.cogs.help",
)


# What the bot needs in a channel: see the README's invite link (permissions=84992).
PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, read_message_history=True
)


def invite_link(application_id: int) -> str:
    """The link that adds the bot to a server, with its slash commands and permissions."""
    scopes = ("bot", "applications.commands")
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=scopes)


def _utcnow() -> datetime:
    """The real clock, aware and in UTC."""
    return datetime.now(UTC)


class BriefBot(commands.AutoShardedBot):
    """briefbot: slash commands, questions by mention, scheduled briefings."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] | None = None,
        page_timeout: float = PAGE_TIMEOUT,
        **options: Any,
    ) -> None:
        """`clock` and `page_timeout` are for tests; `options` go to discord.py's Bot."""
        intents = discord.Intents.default()  # mentions carry their content without the intent
        # The bot never joins voice: no start-up warnings about voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        # Each process runs the shards it is given (all of them when unset) and posts the
        # briefings of those shards' servers only.
        self.shard_plan = Shards(settings.shard_count, settings.shard_ids)
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents,
            tree_cls=BriefTree,
            allowed_mentions=discord.AllowedMentions.none(),
            enable_debug_events=True,  # socket_event_type feeds the health check's last event
            **(self.shard_plan.options() | options),
        )
        self.settings = settings
        self.clock = clock or _utcnow
        self.page_timeout = page_timeout
        self.service = CorpusService(settings)
        # One clock for the schedule and the delivery log it is compared with.
        self.state = open_state(settings, clock=self.now)
        # Every question from Discord passes one gate: buckets per user and server, fair turns.
        self.gate = Gate(
            Rate(settings.question_burst, settings.question_window_seconds),
            Rate(settings.server_burst, settings.server_window_seconds),
            settings.max_queue_seconds,
        )
        self.last_gateway_event = 0.0
        self.synced: list[str] = []
        self.fatal: BaseException | None = None  # why the bot stopped on its own, if it did

    async def setup_hook(self) -> None:
        # Connect while the first index builds: questions meanwhile are told how far it is.
        await self.service.start(wait=self.settings.index_wait_seconds)
        first = self.service.first_load
        if first is not None and not first.done():
            first.add_done_callback(self._first_load_done)
        for name in COGS:
            await self.load_extension(name)
        self.add_view(ExpiredPages())  # page buttons of answers sent before a restart
        guild = discord.Object(self.settings.guild_id) if self.settings.guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        synced = await self.tree.sync(guild=guild)
        self.synced = [c.name for c in synced]
        log.info("synced %d commands%s", len(synced), f" to guild {guild.id}" if guild else "")

    def _first_load_done(self, task: asyncio.Task[Any]) -> None:
        """A corpus that cannot be opened at all stops the bot, as it would before connecting."""
        if task.cancelled() or task.exception() is None:
            return
        self.fatal = task.exception()
        self._closing = asyncio.get_running_loop().create_task(self.close())

    async def close(self) -> None:
        await super().close()
        self.service.close()
        self.state.close()

    def now(self) -> datetime:
        """The current time (aware, UTC); tests pass a controllable clock."""
        return self.clock()

    async def on_ready(self) -> None:
        log.info(
            "connected as %s (%s) to %d guild(s); invite link: %s",
            self.user,
            getattr(self.user, "id", "?"),
            len(self.guilds),
            invite_link(self.application_id or (self.user.id if self.user else 0)),
        )

    async def on_socket_event_type(self, event_type: str) -> None:
        self.last_gateway_event = time.time()

    async def on_message(self, message: discord.Message) -> None:
        """Mentions are handled by the answers cog; no prefix commands exist."""
