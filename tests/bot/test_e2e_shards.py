"""Two `python -m bot run` shard processes, one PostgreSQL, one data folder: each briefing once.

Shards 0 and 1 of 2 run as real processes against the fake Discord (which sends each its
shard's servers only) and share a real PostgreSQL server and the prebuilt index. Every
subscription is made due at once by the store's own clock: created an hour ago, for a minute
ago, so it is owed now and well within the grace window, with no minutes waited.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import psycopg
import pytest

from bot.pgstate import PostgresStateStore
from bot.settings import Settings
from testing.fakediscord import ChannelSpec, FakeDiscord, GuildSpec, MessageRecord, default_guild
from tests.helpers import TOKEN, bot_environment, start_bot, whole_once
from tests.pgserver import PostgresServer

# Snowflakes of 2015 (never made by the fake's clock): (id >> 22) % 2 puts them on shards 0, 1.
GUILDS = {0: 1000 << 22, 1: 1001 << 22}
CHANNELS = ("briefings", "restart", "race")
POSTS = "/channels/*/messages"
TICK = "0.3"  # seconds between two looks at what is due
READY = 60.0  # a process starting on two loaded cores: import, index, login, 2 s of guilds


def _guild(shard: int) -> GuildSpec:
    guild = default_guild()
    guild.name, guild.id = f"Shard {shard}", GUILDS[shard]
    guild.channels = [
        ChannelSpec(f"s{shard}-{name}", position=n) for n, name in enumerate(CHANNELS)
    ]
    return guild


@dataclass
class Shards:
    """The fake, the shared database and settings, and the bot processes started so far."""

    fake: FakeDiscord
    url: str
    settings: Settings
    folder: Path
    processes: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)

    async def start(self, name: str, shard: int) -> asyncio.subprocess.Process:
        """Start a process `name` for shard `shard` of 2; its log is `folder/name.log`."""
        env = bot_environment(
            self.settings,
            DISCORD_TOKEN=self.fake.token,
            BRIEFBOT_DATABASE_URL=self.url,
            BRIEFBOT_SHARD_COUNT="2",
            BRIEFBOT_SHARD_IDS=str(shard),
            BRIEFBOT_SCHEDULER_INTERVAL_SECONDS=TICK,
            BRIEFBOT_RELOAD_INTERVAL_MINUTES="0",
            BRIEFBOT_FEEDS_INTERVAL_MINUTES="0",
        )
        process = await start_bot(self.fake, env, self.folder, self.folder / f"{name}.log")
        self.processes[name] = process
        return process

    async def stop(self, name: str) -> None:
        """SIGTERM (a deploy's stop): the process exits 0 without a traceback."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0, self.log(name)
        assert "Traceback" not in self.log(name)

    async def kill(self, name: str) -> None:
        """SIGKILL: no clean-up at all, as when the host or the OOM killer ends it."""
        process = self.processes.pop(name)
        process.kill()
        assert await process.wait() == -signal.SIGKILL

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-4000:]

    async def ready(self, name: str) -> None:
        """Until process `name` has every guild of its shard (on_ready) and so ticks."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + READY
        while "connected as" not in self.log(name):
            assert self.processes[name].returncode is None, self.log(name)
            assert loop.time() < deadline, f"{name} not ready after {READY} s:\n{self.log(name)}"
            await asyncio.sleep(0.1)

    def subscribe(self, shard: int, channel: str) -> None:
        """A subscription of `channel` in shard `shard`'s server, due a minute ago."""
        now = datetime.now(UTC)
        store = PostgresStateStore(self.url, clock=lambda: now - timedelta(hours=1))
        try:
            at = now - timedelta(minutes=1)
            channel_id = self.fake.channel(f"s{shard}-{channel}").id
            store.subscribe(GUILDS[shard], channel_id, time(at.hour, at.minute), "UTC")
        finally:
            store.close()

    def posted(self, shard: int, channel: str) -> list[MessageRecord]:
        return self.fake.messages(f"s{shard}-{channel}")

    async def posted_once(self, channel: str, timeout: float = READY) -> None:
        """Until `channel` of both servers holds one whole briefing."""
        for shard in GUILDS:
            await self._until_whole(f"s{shard}-{channel}", timeout)

    async def _until_whole(self, name: str, timeout: float) -> None:
        await self.fake.wait_for(lambda: whole_once(self.fake.messages(name)), timeout, name)

    def assert_each_part_requested_once(self) -> None:
        """No part was even asked for twice: exactly once by the log, not by Discord's nonce."""
        nonces = Counter(r.body["nonce"] for r in self.fake.requests_to("POST", POSTS))
        assert nonces and set(nonces.values()) == {1}, nonces


@pytest.fixture
def database(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh database on the session's PostgreSQL server."""
    name = f"shards_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield postgres_server.url(name)
    with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@contextlib.asynccontextmanager
async def _shards(database: str, settings: Settings, folder: Path) -> AsyncIterator[Shards]:
    async with FakeDiscord(token=TOKEN, guilds=[_guild(0), _guild(1)]) as fake:
        shards = Shards(fake, database, settings, folder)
        try:
            yield shards
        finally:
            for process in shards.processes.values():  # an assertion failed: do not leak them
                process.kill()
                await process.wait()


async def test_two_shard_processes_post_each_briefing_once(
    database: str, settings: Settings, tmp_path: Path
) -> None:
    """Shards 0 and 1 as processes: (a) shard 0 is killed -9 while its briefing is being posted,
    and posts the rest when it comes back; (b) both restart, with a second process per shard,
    and only the new subscriptions post; (c) the two processes of each shard race for the same
    minute. Every briefing, in servers on both shards, is in its channel exactly once, and no
    part of one was requested twice."""
    async with _shards(database, settings, tmp_path) as shards:
        fake = shards.fake
        # (a) Discord creates shard 0's first message but answers 500: discord.py waits a
        # second to retry it, and is killed meanwhile; the delivery stays pending in the log.
        fault = fake.fail_next("POST", f"/channels/{fake.channel('s0-briefings').id}/messages",
                               500, after=True)  # fmt: skip
        shards.subscribe(0, "briefings")
        shards.subscribe(1, "briefings")
        await shards.start("zero", 0)
        await shards.start("one", 1)
        await fake.wait_for(lambda: fault.hits, READY, "shard 0 posting its briefing")
        await shards.kill("zero")
        assert len(shards.posted(0, "briefings")) == 1  # posted, never logged as posted
        await shards.start("zero again", 0)
        await shards.posted_once("briefings")
        assert "was posted before a restart" in shards.log("zero again")
        # (b) both stop, and come back as two processes each (a deploy's overlap): the
        # subscriptions made meanwhile post, once, and the earlier ones are not posted again.
        await asyncio.gather(shards.stop("zero again"), shards.stop("one"))
        shards.subscribe(0, "restart")
        shards.subscribe(1, "restart")
        again = {"zero 3": 0, "one 2": 1, "zero 4": 0, "one 3": 1}
        for name, shard in again.items():
            await shards.start(name, shard)
        await shards.posted_once("restart")
        # (c) with all four ready, one more subscription per server is due for two processes
        # at once, ticking every 0.3 s: they race for the same minute.
        for name in again:
            await shards.ready(name)
        shards.subscribe(0, "race")
        shards.subscribe(1, "race")
        await shards.posted_once("race")
        await asyncio.sleep(1.0)  # several more ticks of every process
        await asyncio.gather(*(shards.stop(name) for name in list(shards.processes)))
    for shard in GUILDS:
        for channel in CHANNELS:
            assert whole_once(shards.posted(shard, channel)), (shard, channel)
    shards.assert_each_part_requested_once()
    fake.assert_clean()
