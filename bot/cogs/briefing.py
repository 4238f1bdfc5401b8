"""/briefing now|subscribe|unsubscribe|list, and the loop that posts scheduled briefings."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from answers.changes import continue_stories, loads
from answers.compose import BriefingRequest
from answers.models import BriefingAnswer
from answers.overlap import weigher
from bot.client import PERMISSIONS
from bot.cogs.answers import respond
from bot.delivery import Deliverer, Unusable, stories_key
from bot.embeds import NO_MENTIONS, clip_lines, escape
from bot.errors import UserError
from bot.export import FORMAT, Export
from bot.periodic import periodic
from bot.schedule import Subscription, parse_local_time
from bot.zones import resolve_zone, suggest_zones, zone_label

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

NEEDED = tuple(name for name, granted in PERMISSIONS if granted)  # what the invite asks for


class BriefingCog(commands.Cog):
    """The daily briefing, on demand or posted to a channel at a set local time."""

    # Discord applies default_permissions to top-level commands only, and everyone may run
    # /briefing now and /briefing list: subscribe and unsubscribe are gated at run time.
    briefing = app_commands.Group(
        name="briefing", description="The daily briefing of what is new", guild_only=True
    )

    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot
        # The feature owns its deliverer, given only what it needs: no import of the client.
        self.deliverer = Deliverer(
            bot.state,
            self._compose,
            self._channel,
            bot.now,
            grace=timedelta(minutes=bot.settings.briefing_grace_minutes),
            owns=bot.shard_plan.owns,
        )
        self.loop = periodic(
            self._tick,
            what="the briefing scheduler",
            seconds=bot.settings.scheduler_interval_seconds,
        )
        self.loop.before_loop(self.bot.wait_until_ready)

    async def cog_load(self) -> None:
        self.loop.start()

    async def cog_unload(self) -> None:
        self.loop.cancel()

    async def _compose(self, sub: Subscription, since: datetime, until: datetime) -> BriefingAnswer:
        """The subscription's briefing, with the stories that continue its last one marked."""
        service, state = self.bot.service, self.bot.state
        answer = await service.answer(BriefingRequest(sub.topic, since=since, now=until))
        previous = loads(await asyncio.to_thread(state.get_meta, stories_key(sub.sub_id)))
        weight = weigher(service.opened.corpus)
        return await asyncio.to_thread(continue_stories, answer, previous, weight)

    async def _channel(self, channel_id: int) -> discord.abc.Messageable:
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except (discord.NotFound, discord.Forbidden) as err:
                raise Unusable(f"channel {channel_id} is gone or hidden: {err.text}") from err
        if not isinstance(channel, discord.abc.Messageable):
            raise Unusable(f"channel {channel_id} cannot receive messages")
        return channel

    async def _tick(self) -> None:
        await self.deliverer.tick()

    @briefing.command(name="now", description="What is new in the documents (last 24 hours).")
    @app_commands.describe(
        topic="Only stories about this topic", private="Only you see it", output=FORMAT
    )
    @app_commands.rename(output="format")
    async def now(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, 200] | None = None,
        private: bool = False,
        output: Export = Export.embed,
    ) -> None:
        now = self.bot.now()
        request = BriefingRequest(topic or "", since=now - timedelta(hours=24), now=now)
        await respond(self.bot, interaction, request, private, output)

    @briefing.command(name="subscribe", description="Post the briefing to a channel every day.")
    @app_commands.describe(
        channel="Where to post",
        time="Local time: 07:30, 7am or 7:30 pm",
        timezone="A city, country or zone: Paris, New York, India, Pacific Time, UTC+2",
        topic="Only stories on this topic (a channel may have one subscription per topic)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def subscribe(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: app_commands.Range[str, 1, 16],
        timezone: app_commands.Range[str, 1, 64],
        topic: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        local_time, zone = parse_local_time(time), resolve_zone(timezone)
        permissions = channel.permissions_for(channel.guild.me)
        missing = [p for p in NEEDED if not getattr(permissions, p)]
        if missing:
            names = ", ".join(p.replace("_", " ").title() for p in missing)
            raise UserError(f"I can't post in {channel.mention}: I need {names} there.")
        state, topic = self.bot.state, (topic or "").strip()
        before = await asyncio.to_thread(state.get_by_channel, channel.id, topic)
        sub = await asyncio.to_thread(
            state.subscribe, channel.guild.id, channel.id, local_time, zone.name, topic
        )
        due = await self.deliverer.next_due(sub)
        await interaction.followup.send(
            subscribed_text(channel.mention, before, sub, due),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @subscribe.autocomplete("timezone")
    async def _zones(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        zones = suggest_zones(current)
        return [
            app_commands.Choice(name=_choice_name(z.name, z.label), value=z.name) for z in zones
        ]

    @subscribe.autocomplete("topic")
    async def _topics(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=p, value=p) for p in self.bot.service.suggest(current)]

    @briefing.command(name="unsubscribe", description="Stop posting the briefing somewhere.")
    @app_commands.describe(
        channel="The channel to stop posting to",
        subscription="A subscription of this server, by id (also one whose channel is gone)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def unsubscribe(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        subscription: int | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        if subscription is not None:
            guild_id = interaction.guild_id or 0
            sub = await asyncio.to_thread(self.bot.state.remove, guild_id, subscription)
            text = (
                f"Removed subscription #{sub.sub_id} (<#{sub.channel_id}>)."
                if sub
                else f"This server has no subscription #{subscription}."
            )
        elif channel is not None:
            removed = await asyncio.to_thread(self.bot.state.unsubscribe, channel.id)
            verb = "Unsubscribed" if removed else "There was no subscription for"
            text = f"{verb} {channel.mention}."
        else:
            text = "Pick a channel or a subscription (`/briefing list` shows them)."
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @unsubscribe.autocomplete("subscription")
    async def _subscriptions(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        subs = await asyncio.to_thread(self.bot.state.list_guild, interaction.guild_id or 0)
        choices = []
        for sub in subs:
            found = interaction.guild.get_channel(sub.channel_id) if interaction.guild else None
            where = f"#{found.name}" if found else f"deleted channel {sub.channel_id}"
            state = "" if sub.enabled else " · disabled"
            on = f" · on {sub.topic}" if sub.topic else ""
            when = f"{sub.local_time:%H:%M} {zone_label(sub.timezone)}"
            name = f"#{sub.sub_id} · {where}{on} · {when}{state}"
            if current.strip().casefold() in name.casefold():
                choices.append(app_commands.Choice(name=name[:100], value=sub.sub_id))
        return choices[:25]

    @briefing.command(name="list", description="The channels that get the daily briefing.")
    async def list_(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        subs = await asyncio.to_thread(self.bot.state.list_guild, interaction.guild_id or 0)
        lines = []
        for sub in subs:
            due = await self.deliverer.next_due(sub)
            status = f"next <t:{int(due.timestamp())}:R>" if sub.enabled else "⛔ disabled"
            on = f" · on “{escape(sub.topic)}”" if sub.topic else ""
            when = f"{sub.local_time:%H:%M} {zone_label(sub.timezone)}"
            lines.append(f"<#{sub.channel_id}>{on} · {when} · {status}")
        empty = "No channel gets the daily briefing yet: `/briefing subscribe`."
        text = clip_lines(lines) or empty
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


def _choice_name(name: str, label: str) -> str:
    return name if label == name else f"{label} ({name})"


def subscribed_text(
    channel: str, before: Subscription | None, sub: Subscription, due: datetime
) -> str:
    """What a subscribe did, and what it changed if the subscription was already there."""
    when = f"{sub.local_time:%H:%M} {zone_label(sub.timezone)}"
    on = f" on “{escape(sub.topic)}”" if sub.topic else ""
    at = f"<t:{int(due.timestamp())}:F>"
    if before is None:
        return (
            f"{channel} will get the briefing{on} every day at {when}; next: {at}."
            " Nothing is posted on days with nothing new."
        )
    was = f"{before.local_time:%H:%M} {zone_label(before.timezone)}"
    changes = [f"time {was} → {when}"] if was != when else []
    if not before.enabled:
        changes.append("re-enabled after it was disabled")
    if not changes:
        return f"{channel} already gets the briefing{on} at {when}: nothing changed; next: {at}."
    return f"Updated the briefing{on} for {channel}: {'; '.join(changes)}. Next: {at}."


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(BriefingCog(bot))
