"""Scheduled briefings are posted exactly once, through restarts, faults and dead channels."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, time, timedelta
from typing import Any

import pytest

from bot.client import BriefBot
from bot.delivery import MAX_FAILURES, delivery_key, delivery_nonce
from bot.schedule import Subscription
from bot.settings import Settings
from bot.state import DeliveryState
from tests.fakediscord import FakeDiscord

POSTS = "/channels/*/messages"


def _due_soon(bot: BriefBot, fake: FakeDiscord, clock: Any, channel: str) -> Subscription:
    """Subscribe `channel` for two minutes after the clock (UTC)."""
    at = (clock.current + timedelta(minutes=2)).time()
    return bot.state.subscribe(
        fake.guild.id, fake.channel(channel).id, time(at.hour, at.minute), "UTC"
    )


def _posts(fake: FakeDiscord, channel: str) -> list[Any]:
    return fake.messages(channel)


def test_delivery_key_and_nonce() -> None:
    """The footer tag names subscription and day; the nonce fits Discord's 25 characters."""
    day = date(2026, 3, 29)
    assert delivery_key(12, day) == "briefing #12 · 2026-03-29"
    assert delivery_nonce(12, day) == "b12-20260329"
    assert len(delivery_nonce(10**15, day)) <= 25
    assert delivery_key(1, day) not in delivery_key(11, day)  # #1 is not found in #11's tag


async def test_restart_after_posting_does_not_post_again(
    fake: FakeDiscord, settings: Settings, clock: Any, new_bot: Any
) -> None:
    """Posted and confirmed, then restarted within the grace window: nothing more."""
    async with fake.running(new_bot(settings, clock), timeout=15) as bot:
        _due_soon(bot, fake, clock, "briefings")
        clock.advance(minutes=3)
        await bot.deliverer.tick()
    assert len(_posts(fake, "briefings")) == 1
    async with fake.running(new_bot(settings, clock), timeout=15) as again:
        clock.advance(minutes=10)
        await again.deliverer.tick()
    assert len(_posts(fake, "briefings")) == 1
    fake.assert_clean()


async def test_killed_between_deciding_and_posting_posts_once_after_restart(
    fake: FakeDiscord, settings: Settings, clock: Any, new_bot: Any
) -> None:
    """The process dies after the delivery log says 'pending' and before the send: the next
    run looks in the channel, finds nothing, and posts exactly once."""
    async with fake.running(new_bot(settings, clock), timeout=15) as bot:
        _due_soon(bot, fake, clock, "briefings")
        clock.advance(minutes=3)
        composing = asyncio.Event()

        async def hang(*args: object, **kwargs: object) -> None:
            composing.set()
            await asyncio.Event().wait()  # the kill comes while the briefing is being made

        bot.service.answer = hang  # type: ignore[method-assign]
        tick = asyncio.create_task(bot.deliverer.tick())
        await asyncio.wait_for(composing.wait(), 5)
        tick.cancel()
        with pytest.raises(asyncio.CancelledError):
            await tick
        assert [d.state for d in bot.state.pending_deliveries()] == [DeliveryState.PENDING]
    assert _posts(fake, "briefings") == []
    async with fake.running(new_bot(settings, clock), timeout=15) as restarted:
        await restarted.deliverer.tick()
        await restarted.deliverer.tick()
        assert restarted.state.pending_deliveries() == []
    posts = _posts(fake, "briefings")
    assert len(posts) == 1
    assert fake.requests_to("GET", "/channels/*/messages")  # it looked before posting
    fake.assert_clean()


async def test_posted_but_not_confirmed_is_found_and_not_repeated(
    fake: FakeDiscord, settings: Settings, clock: Any, new_bot: Any
) -> None:
    """The send succeeded but the process died before confirming: the restart finds the
    tagged message in the channel's history, confirms it and posts nothing."""
    async with fake.running(new_bot(settings, clock), timeout=15) as bot:
        sub = _due_soon(bot, fake, clock, "briefings")
        clock.advance(minutes=3)

        def killed(*args: object) -> None:
            raise SystemExit("killed before the confirmation was written")

        bot.state.confirm_delivery = killed  # type: ignore[method-assign]
        with pytest.raises(SystemExit):
            await bot.deliverer.tick()
    posted = _posts(fake, "briefings")
    assert len(posted) == 1
    async with fake.running(new_bot(settings, clock), timeout=15) as restarted:
        await restarted.deliverer.tick()
        sent = restarted.state.last_delivered(sub.sub_id)
    assert _posts(fake, "briefings") == posted
    assert sent is not None and sent.message_id == posted[0].id
    fake.assert_clean()


@pytest.mark.parametrize("status", [429, 500])
async def test_rate_limit_or_server_error_is_retried_and_posted_once(
    fake: FakeDiscord, bot: BriefBot, clock: Any, status: int
) -> None:
    """429 (retry-after) and 500 on the send: discord.py retries, the briefing lands once."""
    _due_soon(bot, fake, clock, "briefings")
    clock.advance(minutes=3)
    fault = fake.fail_next("POST", POSTS, status, retry_after=0.05)
    await bot.deliverer.tick()
    await bot.deliverer.tick()
    assert fault.hits == 1
    assert [r.status for r in fake.requests_to("POST", POSTS)] == [status, 200]
    assert len(_posts(fake, "briefings")) == 1
    fake.assert_clean()


async def test_unavailable_is_retried_on_the_next_tick_and_posted_once(
    fake: FakeDiscord, bot: BriefBot, clock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """503 (not retried by discord.py): logged, left pending; the next tick checks the
    channel first, then posts once."""
    _due_soon(bot, fake, clock, "briefings")
    clock.advance(minutes=3)
    fake.fail_next("POST", POSTS, 503)
    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        await bot.deliverer.tick()
    assert _posts(fake, "briefings") == [] and "will retry" in caplog.text
    await bot.deliverer.tick()
    await bot.deliverer.tick()
    assert len(_posts(fake, "briefings")) == 1
    fake.assert_clean()


async def test_unreadable_history_after_a_crash_posts_nothing_blind(
    fake: FakeDiscord, bot: BriefBot, clock: Any
) -> None:
    """A pending delivery whose channel history cannot be read (503) is not posted blind."""
    sub = _due_soon(bot, fake, clock, "briefings")
    clock.advance(minutes=3)
    day = clock.current.date()
    bot.state.begin_delivery(sub.sub_id, day, delivery_key(sub.sub_id, day))  # a crash left it
    fake.fail_next("GET", POSTS, 503)
    await bot.deliverer.tick()
    assert _posts(fake, "briefings") == []
    await bot.deliverer.tick()
    assert len(_posts(fake, "briefings")) == 1
    fake.assert_clean()


async def test_deleted_channel_is_disabled_without_stopping_the_others(
    fake: FakeDiscord, bot: BriefBot, clock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A deleted channel fails MAX_FAILURES times and is disabled (logged); #general still
    gets its briefing, once."""
    gone = _due_soon(bot, fake, clock, "briefings")
    _due_soon(bot, fake, clock, "general")
    clock.advance(minutes=3)
    await fake.delete_channel("briefings")
    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        for _ in range(MAX_FAILURES):
            await bot.deliverer.tick()
    assert len(_posts(fake, "general")) == 1
    disabled = bot.state.get(gone.sub_id)
    assert disabled is not None and not disabled.enabled
    assert f"subscription {gone.sub_id} disabled after {MAX_FAILURES} failures" in caplog.text
    assert [s.channel_id for s in bot.state.list_enabled()] == [fake.channel("general").id]
    fake.assert_clean()


async def test_forbidden_channel_is_disabled_after_repeated_failures(
    fake: FakeDiscord, bot: BriefBot, clock: Any, answered: Any
) -> None:
    """A channel that starts refusing the bot (403) is disabled, and /briefing list says so."""
    sub = _due_soon(bot, fake, clock, "briefings")
    clock.advance(minutes=3)
    fake.forbid_channel("briefings")
    for _ in range(MAX_FAILURES):
        await bot.deliverer.tick()
    disabled = bot.state.get(sub.sub_id)
    assert disabled is not None and not disabled.enabled
    listed = await answered(fake, "briefing list")
    assert listed.original is not None and "⛔ disabled" in listed.original.content
    fake.forbid_channel("briefings", False)
    await bot.deliverer.tick()
    assert _posts(fake, "briefings") == []  # disabled means disabled, until re-subscribed
    fake.assert_clean()


async def test_a_posted_briefing_remembers_its_stories_for_the_next(
    fake: FakeDiscord, settings: Settings, clock: Any, new_bot: Any
) -> None:
    """After posting, the delivery log holds the stories' fingerprints (documents, names)."""
    from answers.changes import loads

    async with fake.running(new_bot(settings, clock), timeout=15) as bot:
        sub = _due_soon(bot, fake, clock, "briefings")
        assert bot.state.get_meta(f"briefing-stories:{sub.sub_id}") is None
        clock.advance(minutes=3)
        await bot.deliverer.tick()
        prints = loads(bot.state.get_meta(f"briefing-stories:{sub.sub_id}"))
    assert len(_posts(fake, "briefings")) == 1
    assert prints and all(p.documents and p.names for p in prints)
