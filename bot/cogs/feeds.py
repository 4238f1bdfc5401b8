"""/feeds add|remove|list, and the polling task that writes new articles into the corpus."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.embeds import NO_MENTIONS, clip, escape
from bot.errors import UserError
from bot.feedcli import describe_feed
from bot.feedconfig import open_poller
from bot.feedstore import FeedStore
from feeds.poll import Poller, summarize

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0  # how often due feeds are looked for; each feed has its own next poll
FeedUrl = app_commands.Range[str, 8, 500]


class FeedsCog(commands.Cog):
    """News feeds whose articles become documents."""

    feeds = app_commands.Group(
        name="feeds", description="News feeds that add articles to the documents", guild_only=True
    )

    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot
        self.store = FeedStore(bot.state)
        self.poller: Poller | None = None
        self._session = contextlib.AsyncExitStack()
        polling = bot.settings.feeds_interval_minutes > 0
        self.poll_loop = tasks.loop(seconds=TICK_SECONDS)(self.poll_round) if polling else None

    async def cog_load(self) -> None:
        self.poller = await self._session.enter_async_context(
            open_poller(self.bot.settings, self.store)
        )
        if self.poll_loop is not None:
            self.poll_loop.start()

    async def cog_unload(self) -> None:
        if self.poll_loop is not None:
            self.poll_loop.cancel()
        await self._session.aclose()

    async def poll_round(self) -> None:
        """Poll the due feeds; new articles ask the corpus for a (rate-limited) rebuild.

        Every error is caught: one escaping would end the task for good.
        """
        if self.poller is None:
            return
        try:
            reports = await self.poller.poll_due(self.bot.now())
        except Exception:
            log.exception("feed round failed; the next round runs as planned")
            return
        if reports:
            log.info("feeds: %s", summarize(reports))
        if any(r.written for r in reports):
            delay = self.bot.service.request_refresh()
            log.info("new feed articles: index refresh in %.0f s", delay)

    async def url_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        feeds = await asyncio.to_thread(self.store.all)
        urls = [f.url for f in feeds if current.lower() in f.url.lower() and len(f.url) <= 100]
        return [app_commands.Choice(name=u, value=u) for u in urls[:25]]

    @feeds.command(name="add", description="Follow a news feed (RSS or Atom).")
    @app_commands.describe(url="The feed's address, http:// or https://")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def add(self, interaction: discord.Interaction, url: FeedUrl) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.bot.now()
        feed, new = await asyncio.to_thread(self.store.add, url, interaction.guild_id, now)
        when = (
            "within a minute"
            if self.poll_loop is not None
            else "when `briefbot feeds fetch` runs (polling is off)"
        )
        text = (
            f"Following <{feed.url}>: its new articles join the documents {when}."
            if new
            else f"Already following <{feed.url}>."
        )
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @feeds.command(name="remove", description="Stop following a feed (its articles stay).")
    @app_commands.describe(url="The feed to stop following")
    @app_commands.autocomplete(url=url_autocomplete)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def remove(self, interaction: discord.Interaction, url: FeedUrl) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        feed = await asyncio.to_thread(self.store.get, url)
        if feed is None:
            raise UserError("I am not following that feed (see `/feeds list`).")
        if feed.guild_id not in (None, interaction.guild_id):
            raise UserError("That feed was added in another server; it can be removed there.")
        await asyncio.to_thread(self.store.remove, url)
        await interaction.followup.send(
            f"Stopped following <{feed.url}>; its articles stay in the documents.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @feeds.command(name="list", description="The feeds followed and how their polling stands.")
    async def list_feeds(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        feeds = await asyncio.to_thread(self.store.all)
        lines = [escape(describe_feed(f)) for f in feeds] or ["No feeds yet: `/feeds add url`."]
        await interaction.followup.send(
            clip("\n".join(lines), 2000), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(FeedsCog(bot))
