"""The fake gateway shards like Discord: each session gets only its shard's guilds and events."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
from discord.ext import commands

from testing.fakediscord import FakeDiscord, GuildSpec, default_guild
from testing.fakediscord.gateway import shard_of

# Snowflakes of 2015 (never made by the fake's clock), one on each of two shards.
EVEN, ODD = 1000 << 22, 1001 << 22


def _guild(name: str, guild_id: int) -> GuildSpec:
    guild = default_guild()
    guild.name, guild.id = name, guild_id
    for channel in guild.channels:
        channel.name = f"{name.lower()}-{channel.name}"
    return guild


def _shard_bot(fake: FakeDiscord, **shards: Any) -> commands.AutoShardedBot:
    """A bot whose /where answers with its shards, and which notes the guild of each message."""
    bot = commands.AutoShardedBot(
        command_prefix="!",
        intents=discord.Intents.default(),
        guild_ready_timeout=0.05,
        help_command=None,
        **shards,
    )
    bot.mentioned = []  # type: ignore[attr-defined]

    @bot.tree.command(description="Which shard answers")
    async def where(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"shard {','.join(map(str, bot.shards))}")

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author.bot:  # the fake echoes the bot's own replies
            return
        bot.mentioned.append(message.guild.id if message.guild else None)  # type: ignore[attr-defined]
        fake.state.notifier.notify()  # wakes fake.wait_for

    async def no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s between two IDENTIFYs; the fake has no such limit."""

    bot.before_identify_hook = no_identify_wait  # type: ignore[method-assign]
    return bot


@contextlib.asynccontextmanager
async def _sharded_fake(**options: Any) -> AsyncIterator[FakeDiscord]:
    guilds = [_guild("Even", EVEN), _guild("Odd", ODD)]
    async with FakeDiscord(guilds=guilds, **options) as fake:
        yield fake


def test_shard_of_is_discords_formula() -> None:
    """(guild_id >> 22) % shard_count: the two test guilds sit on shards 0 and 1 of 2."""
    assert (shard_of(EVEN, 2), shard_of(ODD, 2)) == (0, 1)
    assert shard_of(ODD, 1) == 0 and shard_of(3 << 22 | 12345, 3) == 0


async def test_each_shard_gets_its_guilds_and_their_interactions() -> None:
    """Shards 0 and 1 of 2 as two clients: IDENTIFY carries [id, 2], each client sees only
    the guild on its shard, and a command or a mention in a guild reaches that guild's
    shard only; a DM goes to shard 0."""
    async with _sharded_fake() as fake:
        zero, one = (
            _shard_bot(fake, shard_count=2, shard_ids=[0]),
            _shard_bot(fake, shard_count=2, shard_ids=[1]),
        )
        async with fake.running(zero, timeout=10), fake.running(one, timeout=10):
            assert sorted(i["shard"] for i in fake.gateway.identifies) == [[0, 2], [1, 2]]
            assert [g.id for g in zero.guilds] == [EVEN] and [g.id for g in one.guilds] == [ODD]
            await zero.tree.sync()  # one application: its commands serve every shard
            for guild, channel in ((EVEN, "even-general"), (ODD, "odd-general")):
                record = await fake.invoke("where", channel=channel)
                await record.wait_done()
                assert record.original is not None
                assert record.original.content == f"shard {shard_of(guild, 2)}"
            await fake.send_message("odd-general", f"{fake.mention()} hello", author="carol")
            await fake.send_message(fake.dm_channel("carol"), "psst", author="carol")
            await fake.wait_for(lambda: len(zero.mentioned) + len(one.mentioned) == 2)  # type: ignore[attr-defined]
            assert (zero.mentioned, one.mentioned) == ([None], [ODD])  # type: ignore[attr-defined]
        assert sorted(fake.gateway.ready_shards) == [0, 1]
        fake.assert_clean()


async def test_gateway_bot_recommends_the_shard_count() -> None:
    """With no shard count set, AutoShardedBot asks GET /gateway/bot and runs what it says."""
    async with _sharded_fake(shard_count=2) as fake:
        bot = _shard_bot(fake)
        async with fake.running(bot, timeout=10):
            assert bot.shard_count == 2 and sorted(bot.shards) == [0, 1]
            assert sorted(g.id for g in bot.guilds) == [EVEN, ODD]
        assert sorted(i["shard"] for i in fake.gateway.identifies) == [[0, 2], [1, 2]]
        fake.assert_clean()


async def test_the_newest_session_of_a_shard_gets_its_events() -> None:
    """Two clients on shard 1 (a rolling restart): events go to the one that identified last."""
    async with _sharded_fake() as fake:
        old, new = (
            _shard_bot(fake, shard_count=2, shard_ids=[1]),
            _shard_bot(fake, shard_count=2, shard_ids=[1]),
        )
        async with fake.running(old, timeout=10), fake.running(new, timeout=10):
            await fake.send_message("odd-general", f"{fake.mention()} hello", author="carol")
            await fake.wait_for(lambda: new.mentioned)  # type: ignore[attr-defined]
            assert old.mentioned == []  # type: ignore[attr-defined]
        assert fake.gateway.ready_shards == [1, 1]


async def test_an_invalid_shard_is_closed_with_4010() -> None:
    """IDENTIFY with shard [2, 2] (id not below the count): Discord's close 4010."""
    async with _sharded_fake() as fake, aiohttp.ClientSession() as http:
        async with http.ws_connect(fake.gateway_url + "?v=10&encoding=json") as ws:
            hello = json.loads((await ws.receive()).data)
            assert hello["op"] == 10
            identify = {"token": fake.token, "intents": 1, "properties": {}, "shard": [2, 2]}
            await ws.send_json({"op": 2, "d": identify})
            closed = await ws.receive()
            assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == 4010
        assert fake.gateway.identifies == []
