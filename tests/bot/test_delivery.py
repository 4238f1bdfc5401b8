"""Scheduled briefings are posted exactly once, through restarts, faults and dead channels."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pydantic import SecretStr

from bot.client import BriefBot
from bot.delivery import MAX_FAILURES, Deliverer, delivery_key, delivery_nonce
from bot.posts import find_part
from bot.schedule import Subscription
from bot.settings import Settings
from bot.shards import shard_of
from bot.state import StateStore
from testing.fakediscord import FakeDiscord
from tests.bot.stores import pending_days
from tests.helpers import (
    Clock,
    answered,
    deliverer,
    make_bot,
    make_settings,
    whole_once,
    write_distinct_stories,
)
from tests.pgserver import PostgresServer

POSTS = "/channels/*/messages"


def _due_soon(bot: BriefBot, fake: FakeDiscord, clock: Clock, channel: str) -> Subscription:
    """Subscribe `channel` for two minutes after the clock (UTC)."""
    at = (clock.current + timedelta(minutes=2)).time()
    return bot.state.subscribe(
        fake.guild.id, fake.channel(channel).id, time(at.hour, at.minute), "UTC"
    )


def _posts(fake: FakeDiscord, channel: str) -> list[Any]:
    return fake.messages(channel)


def test_delivery_key_and_nonce() -> None:
    """The key names subscription and day; each part's nonce fits Discord's 25 characters."""
    day = date(2026, 3, 29)
    assert delivery_key(12, day) == "b12-20260329"
    assert delivery_nonce(12, day, 3) == "b12-20260329-3"
    assert len(delivery_nonce(10**10, day, 99)) <= 25
    assert find_part(f"https://x#{delivery_key(1, day)}-2", delivery_key(1, day)) == 2
    assert find_part(f"https://x#{delivery_key(11, day)}-2", delivery_key(1, day)) is None


async def test_restart_after_posting_does_not_post_again(
    fake: FakeDiscord, settings: Settings, clock: Clock
) -> None:
    """Posted and confirmed, then restarted within the grace window: nothing more."""
    async with fake.running(make_bot(settings, clock), timeout=15) as bot:
        _due_soon(bot, fake, clock, "briefings")
        clock.advance(minutes=3)
        await deliverer(bot).tick()
    assert whole_once(_posts(fake, "briefings"))
    async with fake.running(make_bot(settings, clock), timeout=15) as again:
        clock.advance(minutes=10)
        await deliverer(again).tick()
    assert whole_once(_posts(fake, "briefings"))
    fake.assert_clean()


async def test_killed_between_deciding_and_posting_posts_once_after_restart(
    fake: FakeDiscord, settings: Settings, clock: Clock
) -> None:
    """The process dies after the delivery log says 'pending' and before the send: the next
    run looks in the channel, finds nothing, and posts exactly once."""
    async with fake.running(make_bot(settings, clock), timeout=15) as bot:
        sub = _due_soon(bot, fake, clock, "briefings")
        clock.advance(minutes=3)
        composing = asyncio.Event()

        async def hang(*args: object, **kwargs: object) -> None:
            composing.set()
            await asyncio.Event().wait()  # the kill comes while the briefing is being made

        bot.service.answer = hang
        tick = asyncio.create_task(deliverer(bot).tick())
        await asyncio.wait_for(composing.wait(), 5)
        tick.cancel()
        with pytest.raises(asyncio.CancelledError):
            await tick
        assert [sub_id for sub_id, _ in pending_days(bot.state)] == [sub.sub_id]
    assert _posts(fake, "briefings") == []
    async with fake.running(make_bot(settings, clock), timeout=15) as restarted:
        await deliverer(restarted).tick()
        await deliverer(restarted).tick()
        assert pending_days(restarted.state) == []
    assert whole_once(_posts(fake, "briefings"))
    assert fake.requests_to("GET", "/channels/*/messages")  # it looked before posting
    fake.assert_clean()


async def test_posted_but_not_confirmed_is_found_and_not_repeated(
    fake: FakeDiscord, settings: Settings, clock: Clock
) -> None:
    """The send succeeded but the process died before confirming: the restart finds the
    tagged message in the channel's history, confirms it and posts nothing."""
    async with fake.running(make_bot(settings, clock), timeout=15) as bot:
        sub = _due_soon(bot, fake, clock, "briefings")
        clock.advance(minutes=3)

        def killed(*args: object) -> None:
            raise SystemExit("killed before the confirmation was written")

        bot.state.confirm_delivery = killed
        with pytest.raises(SystemExit):
            await deliverer(bot).tick()
    posted = _posts(fake, "briefings")
    assert whole_once(posted)
    async with fake.running(make_bot(settings, clock), timeout=15) as restarted:
        await deliverer(restarted).tick()
        sent = restarted.state.last_delivered(sub.sub_id)
    assert _posts(fake, "briefings") == posted
    assert sent is not None and sent.message_id == posted[0].id
    fake.assert_clean()


@pytest.mark.parametrize("status", [429, 500])
async def test_rate_limit_or_server_error_is_retried_and_posted_once(
    fake: FakeDiscord, bot: BriefBot, clock: Clock, status: int
) -> None:
    """429 (retry-after) and 500 on the send: discord.py retries, the briefing lands once."""
    _due_soon(bot, fake, clock, "briefings")
    clock.advance(minutes=3)
    fault = fake.fail_next("POST", POSTS, status, retry_after=0.05)
    await deliverer(bot).tick()
    await deliverer(bot).tick()
    assert fault.hits == 1
    statuses = [r.status for r in fake.requests_to("POST", POSTS)]
    assert statuses[:2] == [status, 200] and set(statuses[2:]) == {200}
    assert whole_once(_posts(fake, "briefings"))
    fake.assert_clean()


async def test_unavailable_is_retried_on_the_next_tick_and_posted_once(
    fake: FakeDiscord, bot: BriefBot, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """503 (not retried by discord.py): logged, left pending; the next tick checks the
    channel first, then posts once."""
    _due_soon(bot, fake, clock, "briefings")
    clock.advance(minutes=3)
    fake.fail_next("POST", POSTS, 503)
    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        await deliverer(bot).tick()
    assert _posts(fake, "briefings") == [] and "will retry" in caplog.text
    await deliverer(bot).tick()
    await deliverer(bot).tick()
    assert whole_once(_posts(fake, "briefings"))
    fake.assert_clean()


async def test_unreadable_history_after_a_crash_posts_nothing_blind(
    fake: FakeDiscord, bot: BriefBot, clock: Clock
) -> None:
    """A pending delivery whose channel history cannot be read (503) is not posted blind."""
    sub = _due_soon(bot, fake, clock, "briefings")
    clock.advance(minutes=3)
    day = clock.current.date()
    bot.state.begin_delivery(sub.sub_id, day, delivery_key(sub.sub_id, day))  # a crash left it
    fake.fail_next("GET", POSTS, 503)
    await deliverer(bot).tick()
    assert _posts(fake, "briefings") == []
    await deliverer(bot).tick()
    assert whole_once(_posts(fake, "briefings"))
    fake.assert_clean()


async def test_deleted_channel_is_disabled_without_stopping_the_others(
    fake: FakeDiscord, bot: BriefBot, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """A deleted channel fails MAX_FAILURES times and is disabled (logged); #general still
    gets its briefing, once."""
    gone = _due_soon(bot, fake, clock, "briefings")
    _due_soon(bot, fake, clock, "general")
    clock.advance(minutes=3)
    await fake.delete_channel("briefings")
    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        for _ in range(MAX_FAILURES):
            await deliverer(bot).tick()
    assert whole_once(_posts(fake, "general"))
    disabled = bot.state.get_by_channel(gone.channel_id)
    assert disabled is not None and not disabled.enabled
    assert f"subscription {gone.sub_id} disabled after {MAX_FAILURES} failures" in caplog.text
    assert [s.channel_id for s in bot.state.list_enabled()] == [fake.channel("general").id]
    fake.assert_clean()


async def test_forbidden_channel_is_disabled_after_repeated_failures(
    fake: FakeDiscord, bot: BriefBot, clock: Clock
) -> None:
    """A channel that starts refusing the bot (403) is disabled, and /briefing list says so."""
    sub = _due_soon(bot, fake, clock, "briefings")
    clock.advance(minutes=3)
    fake.forbid_channel("briefings")
    for _ in range(MAX_FAILURES):
        await deliverer(bot).tick()
    disabled = bot.state.get_by_channel(sub.channel_id)
    assert disabled is not None and not disabled.enabled
    listed = await answered(fake, "briefing list")
    assert listed.original is not None and "⛔ disabled" in listed.original.content
    fake.forbid_channel("briefings", False)
    await deliverer(bot).tick()
    assert _posts(fake, "briefings") == []  # disabled means disabled, until re-subscribed
    fake.assert_clean()


async def test_a_posted_briefing_remembers_its_stories_for_the_next(
    fake: FakeDiscord, settings: Settings, clock: Clock
) -> None:
    """After posting, the delivery log holds the stories' fingerprints (documents, names)."""
    from answers.changes import loads

    async with fake.running(make_bot(settings, clock), timeout=15) as bot:
        sub = _due_soon(bot, fake, clock, "briefings")
        assert bot.state.get_meta(f"briefing-stories:{sub.sub_id}") is None
        clock.advance(minutes=3)
        await deliverer(bot).tick()
        prints = loads(bot.state.get_meta(f"briefing-stories:{sub.sub_id}"))
    assert whole_once(_posts(fake, "briefings"))
    assert prints and all(p.documents and p.names for p in prints)
    fake.assert_clean()


async def test_long_briefing_is_posted_whole_once_across_a_restart_between_parts(
    fake: FakeDiscord, tmp_path: Path, clock: Clock
) -> None:
    """Eight stories need several messages; the process dies after part 2 reached Discord
    but before the log said so. The restart finds part 2 in the channel, posts the rest, and
    every story and source is in the channel exactly once."""
    corpus = write_distinct_stories(tmp_path / "corpus", 12)
    settings = make_settings(corpus, tmp_path / "data")
    async with fake.running(make_bot(settings, clock), timeout=15) as bot:
        sub = _due_soon(bot, fake, clock, "briefings")
        clock.advance(minutes=3)
        record_part = bot.state.record_part

        def killed_on_part_2(delivery: Any, part: int, message_id: int) -> None:
            if part == 2:
                raise SystemExit("killed after posting part 2, before logging it")
            record_part(delivery, part, message_id)

        bot.state.record_part = killed_on_part_2
        with pytest.raises(SystemExit):
            await deliverer(bot).tick()
    before = _posts(fake, "briefings")
    assert len(before) == 2
    async with fake.running(make_bot(settings, clock), timeout=15) as restarted:
        await deliverer(restarted).tick()
        await deliverer(restarted).tick()
        sent = restarted.state.last_delivered(sub.sub_id)
        pending = pending_days(restarted.state)
    posts = _posts(fake, "briefings")
    assert posts[:2] == before and len(posts) > 2 and whole_once(posts)
    assert sent is not None and sent.message_id == posts[0].id and pending == []
    text = "\n".join(e.get("description", "") for m in posts for e in m.embeds)
    stories, _, sources = text.partition("**Sources**")
    assert [n for n in range(1, 20) if f"**{n}.** " in stories] == list(range(1, 9))
    assert [n for n in range(1, 20) if f"**{n}.** " in sources] == list(range(1, 9))


async def test_a_topic_subscription_posts_only_its_topic(
    fake: FakeDiscord, bot: BriefBot, clock: Clock
) -> None:
    """Two subscriptions in one channel, everything and 'Rason': each posts its own briefing,
    once, and the topic's names its topic and cites fewer sources."""
    at = (clock.current + timedelta(minutes=2)).time()
    channel = fake.channel("briefings").id
    bot.state.subscribe(fake.guild.id, channel, time(at.hour, at.minute), "UTC")
    bot.state.subscribe(fake.guild.id, channel, time(at.hour, at.minute), "UTC", topic="Rason")
    clock.advance(minutes=3)
    await deliverer(bot).tick()
    await deliverer(bot).tick()
    posts = _posts(fake, "briefings")
    everything = [p for p in posts if "#b1-" in p.embeds[0]["url"]]
    rason = [p for p in posts if "#b2-" in p.embeds[0]["url"]]
    assert whole_once(everything) and whole_once(rason)
    assert rason[0].embeds[0]["title"].startswith("Briefing: Rason · ")
    assert everything[0].embeds[0]["title"].startswith("Briefing · ")

    def cited(messages: list[Any]) -> int:
        text = "\n".join(e.get("description", "") for m in messages for e in m.embeds)
        return text.partition("**Sources**")[2].count("\n**")

    assert 0 < cited(rason) < cited(everything)


async def test_a_second_process_leaves_a_delivery_in_flight_alone(
    fake: FakeDiscord, settings: Settings, clock: Clock
) -> None:
    """Two processes owning one server (a deploy's overlap), due at the same minute: while the
    first is making the briefing, the second finds the delivery held and leaves it. Each part
    is asked for once (before, the second took the pending day for a crashed one and posted
    it too; only Discord's nonce check kept the channel from showing it twice)."""
    async with fake.running(make_bot(settings, clock), timeout=15) as bot:
        _due_soon(bot, fake, clock, "briefings")
        clock.advance(minutes=3)
        first = deliverer(bot)
        other = StateStore(settings.data_dir / "state.sqlite3", clock=bot.now)
        second = Deliverer(other, first.compose, first.channels, bot.now, grace=first.grace)
        composing, go = asyncio.Event(), asyncio.Event()
        compose = first.compose

        async def slow(*args: Any) -> Any:
            composing.set()
            await go.wait()
            return await compose(*args)

        first.compose = slow
        tick = asyncio.create_task(first.tick())
        await asyncio.wait_for(composing.wait(), 5)
        await second.tick()
        go.set()
        await tick
        await second.tick()
    assert whole_once(_posts(fake, "briefings"))
    nonces = Counter(r.body["nonce"] for r in fake.requests_to("POST", POSTS))
    assert set(nonces.values()) == {1}, nonces
    fake.assert_clean()


async def test_shard_processes_post_only_their_servers_briefings(
    fake: FakeDiscord, settings: Settings, clock: Clock, postgres_server: PostgresServer
) -> None:
    """Shards 0 and 1 of 2 share one PostgreSQL database; each posts its own server's
    subscription once, ticking twice, and never the other's."""
    with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
        admin.execute("CREATE DATABASE sharded_delivery")
    shared = SecretStr(postgres_server.url("sharded_delivery"))
    home = shard_of(fake.guild.id, 2)
    # A server on the other shard; its subscription posts to a channel the fake has.
    other_guild = next(g for g in range(1 << 22, 1 << 30, 1 << 22) if shard_of(g, 2) != home)
    for shard in (home, 1 - home):
        shard_settings = settings.model_copy(
            update={"database_url": shared, "shard_count": 2, "shard_ids": (shard,)}
        )
        async with fake.running(make_bot(shard_settings, clock), timeout=15) as bot:
            if shard == home:
                _due_soon(bot, fake, clock, "briefings")
                at = (clock.current + timedelta(minutes=2)).time()
                bot.state.subscribe(
                    other_guild, fake.channel("general").id, time(at.hour, at.minute), "UTC"
                )
                clock.advance(minutes=3)
            await deliverer(bot).tick()
            await deliverer(bot).tick()
            assert whole_once(_posts(fake, "briefings"))
            general = _posts(fake, "general")
            assert whole_once(general) if shard != home else general == []
    fake.assert_clean()
