"""/briefing now|subscribe|unsubscribe|list, who may manage them, and the scheduler firing."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.client import BriefBot
from bot.settings import Settings
from testing.fakediscord import FakeDiscord, InteractionRecord
from tests.helpers import (
    Clock,
    answered,
    assert_cannot_ping,
    bot_messages,
    deliverer,
    make_bot,
    whole_once,
)

MANAGE = "You need the **Manage Server** permission to do that."


def _soon(clock: Clock, minutes: int = 2) -> str:
    """A UTC wall time a few minutes after the clock, as /briefing subscribe takes it."""
    return f"{clock.current + timedelta(minutes=minutes):%H:%M}"


async def _subscribe(
    fake: FakeDiscord, channel: str, time: str, zone: str = "UTC", **kw: Any
) -> InteractionRecord:
    options = {"channel": channel, "time": time, "timezone": zone}
    record: InteractionRecord = await answered(fake, "briefing subscribe", options, **kw)
    return record


def _content(record: InteractionRecord) -> str:
    assert record.original is not None
    return record.original.content


async def test_briefing_now_posts_the_briefing(fake: FakeDiscord, bot: BriefBot) -> None:
    """/briefing now, with and without a topic: a cited briefing embed within the deadline,
    saying the day, how many documents are new since when, and the time it was made."""
    now = bot.now()
    everything = await answered(fake, "briefing now")
    assert everything.original is not None
    embed = everything.original.embeds[0]
    day = f"{now:%A} {now.day} {now:%B %Y}"
    assert embed["title"] == f"Briefing · {day}" and "\\[1\\]" in embed["description"]
    since = int((now - timedelta(hours=24)).timestamp())
    assert embed["description"].startswith(f"**5 new documents** since <t:{since}:f>")
    assert datetime.fromisoformat(embed["timestamp"]) == now
    assert "Nothing new" not in embed["description"]  # seeds/ were first indexed just now
    assert embed["fields"]  # the sources, numbered as the markers are
    # bob: one briefing takes a user's whole burst (alice's second would wait 10 s for it)
    on_topic = await answered(fake, "briefing now", {"topic": "Rason", "private": True}, user="bob")
    assert on_topic.original is not None and on_topic.original.ephemeral
    assert on_topic.original.embeds[0]["title"] == f"Briefing: Rason · {day}"
    assert_cannot_ping(bot_messages(fake))
    fake.assert_clean()


async def test_subscription_survives_a_restart(
    fake: FakeDiscord, settings: Settings, clock: Clock
) -> None:
    """Subscribe, list, restart on the same data folder: still listed; unsubscribe removes it."""
    channel = fake.channel("briefings")
    async with fake.running(make_bot(settings, clock), timeout=15):
        done = await _subscribe(fake, "briefings", "07:30", "europe/paris", user="bob")
        assert _content(done).startswith(f"<#{channel.id}> will get the briefing every day at")
        assert "07:30 Europe/Paris" in _content(done) and done.original is not None
        assert done.original.ephemeral
    async with fake.running(make_bot(settings, clock), timeout=15):
        listed = await answered(fake, "briefing list", user="carol")
        assert _content(listed).startswith(f"<#{channel.id}> · 07:30 Europe/Paris · next <t:")
        status = await answered(fake, "corpus status", user="carol")
        assert f"next briefing in <#{channel.id}>" in _content(status)
        gone = await answered(fake, "briefing unsubscribe", {"channel": "briefings"}, user="bob")
        assert _content(gone) == f"Unsubscribed <#{channel.id}>."
        empty = await answered(fake, "briefing list")
        assert _content(empty).startswith("No channel gets the daily briefing")
    fake.assert_clean()


async def test_managing_needs_manage_server_at_run_time(fake: FakeDiscord, bot: BriefBot) -> None:
    """carol (no Manage Server) cannot subscribe, unsubscribe or reload; nothing changes."""
    await _subscribe(fake, "briefings", "08:00", user="bob")
    denied = await _subscribe(fake, "general", "09:00", user="carol")
    assert _content(denied) == MANAGE and denied.original is not None
    assert denied.original.ephemeral
    kept = await answered(fake, "briefing unsubscribe", {"channel": "briefings"}, user="carol")
    assert _content(kept) == MANAGE
    reload = await answered(fake, "corpus reload", user="carol")
    assert _content(reload) == MANAGE
    subs = bot.state.list_guild(fake.guild.id)
    assert [s.channel_id for s in subs] == [fake.channel("briefings").id]
    # The owner and administrators may, like Discord's own permission check.
    assert _content(await _subscribe(fake, "general", "09:00", user="alice"))
    fake.assert_clean()


async def test_a_channel_the_bot_cannot_post_in_is_refused(
    fake: FakeDiscord, bot: BriefBot
) -> None:
    """#readonly denies Send Messages: the subscriber is told why, nothing is stored."""
    readonly = fake.channel("readonly")
    refused = await _subscribe(fake, "readonly", "08:00", user="bob")
    # Without Send Messages, Discord (and discord.py) drop Embed Links too.
    expected = f"I can't post in <#{readonly.id}>: I need Send Messages, Embed Links there."
    assert _content(refused) == expected
    assert bot.state.list_guild(fake.guild.id) == []
    fake.assert_clean()


@pytest.mark.parametrize(
    ("time", "zone", "message"),
    [
        ("25:00", "UTC", "`25:00` is not a time"),
        ("08:00", "Mars/Olympus", "`Mars/Olympus` is not a time zone I know"),
        ("08:00", "localtime", "`localtime` is not a time zone I know"),
        ("08:00", "Factory", "`Factory` is not a time zone I know"),
        ("08:00", "EST", "`EST` is an abbreviation, UTC−5 all year with no daylight saving: use"),
    ],
)
async def test_bad_time_or_zone_is_explained(
    fake: FakeDiscord, bot: BriefBot, time: str, zone: str, message: str
) -> None:
    """An impossible time or an unknown zone: a private explanation, nothing stored."""
    record = await _subscribe(fake, "briefings", time, zone, user="bob")
    assert _content(record).startswith(message)
    assert bot.state.list_guild(fake.guild.id) == []


async def test_scheduled_briefing_fires_once_under_a_controllable_clock(
    fake: FakeDiscord,
    settings: Settings,
    clock: Clock,
) -> None:
    """The scheduler loop posts the briefing when the clock passes the time, exactly once."""
    settings = settings.model_copy(update={"scheduler_interval_seconds": 0.02})
    async with fake.running(make_bot(settings, clock), timeout=15) as bot:
        await _subscribe(fake, "briefings", _soon(clock), user="bob")
        await asyncio.sleep(0.1)
        assert fake.messages("briefings") == []  # not yet due
        clock.advance(minutes=3)
        await fake.wait_for_message("briefings", timeout=5)
        await asyncio.sleep(0.3)  # the other parts, then more ticks
        posted = fake.messages("briefings")
        assert whole_once(posted)
        day = clock.current.date()
        first = posted[0].embeds[0]
        assert first["title"] == f"Briefing · {day:%A} {day.day} {day:%B %Y}"
        assert "#b1-" in first["url"] and "briefing #" not in str(posted[0].embeds)
        since = int((clock.current - timedelta(hours=24)).timestamp())
        assert first["description"].startswith(f"**5 new documents** since <t:{since}:")
        assert all(m.embeds[-1]["timestamp"] for m in posted)  # the window's end
        assert posted[0].payload["nonce"] and posted[0].payload["enforce_nonce"] is True
        sent = bot.state.last_delivered(1)
        assert sent is not None and sent.message_id == posted[0].id
    assert_cannot_ping(bot_messages(fake))
    fake.assert_clean()


async def test_nothing_new_is_not_posted(
    fake: FakeDiscord,
    settings: Settings,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Three days on, no document is new: the day is settled as skipped and nothing posted."""
    clock.advance(days=3)
    async with fake.running(make_bot(settings, clock), timeout=15) as bot:
        await _subscribe(fake, "briefings", _soon(clock), user="bob")
        clock.advance(minutes=3)
        with caplog.at_level(logging.INFO, logger="bot.delivery"):
            await deliverer(bot).tick()
            await deliverer(bot).tick()
    assert fake.messages("briefings") == []
    assert "nothing new" in caplog.text
    assert bot.state.last_handled_day(1) == clock.current.date()
    fake.assert_clean()


async def test_missed_beyond_grace_is_skipped_with_a_log_line(
    fake: FakeDiscord,
    settings: Settings,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Down past the grace window: the day is skipped (logged), not posted late."""
    async with fake.running(make_bot(settings, clock), timeout=15) as bot:
        await _subscribe(fake, "briefings", _soon(clock), user="bob")
        clock.advance(minutes=2 + settings.briefing_grace_minutes + 5)
        with caplog.at_level(logging.WARNING, logger="bot.delivery"):
            await deliverer(bot).tick()
    assert fake.messages("briefings") == []
    assert "missed" in caplog.text and "skipped" in caplog.text
    fake.assert_clean()


async def test_a_deleted_channels_subscription_can_be_removed_by_id(
    fake: FakeDiscord, bot: BriefBot
) -> None:
    """The channel is gone, so it can't be picked: autocomplete lists the server's
    subscriptions by id, and picking one removes it; the channel form still works."""
    await _subscribe(fake, "briefings", "07:30", user="bob")
    await _subscribe(fake, "general", "08:00", user="bob")
    gone = bot.state.get_by_channel(fake.channel("briefings").id)
    assert gone is not None
    await fake.delete_channel("briefings")
    typed = await fake.autocomplete("briefing unsubscribe", "subscription", "", user="bob")
    await typed.wait_done()
    names = {c["value"]: c["name"] for c in typed.choices or []}
    assert names[gone.sub_id] == f"#{gone.sub_id} · deleted channel {gone.channel_id} · 07:30 UTC"
    assert len(names) == 2
    removed = await answered(
        fake, "briefing unsubscribe", {"subscription": gone.sub_id}, user="bob"
    )
    assert _content(removed) == f"Removed subscription #{gone.sub_id} (<#{gone.channel_id}>)."
    assert [s.channel_id for s in bot.state.list_guild(fake.guild.id)] == [
        fake.channel("general").id
    ]
    again = await answered(fake, "briefing unsubscribe", {"subscription": gone.sub_id}, user="bob")
    assert _content(again) == f"This server has no subscription #{gone.sub_id}."
    neither = await answered(fake, "briefing unsubscribe", user="bob")
    assert _content(neither).startswith("Pick a channel or a subscription")
    denied = await answered(fake, "briefing unsubscribe", {"subscription": 1}, user="carol")
    assert _content(denied) == MANAGE
    fake.assert_clean()


@pytest.mark.parametrize(
    ("time", "zone", "stored", "shown"),
    [
        ("7am", "Paris", "Europe/Paris", "07:00 Europe/Paris"),
        ("7:30 pm", "New York", "America/New_York", "19:30 America/New_York"),
        ("12pm", "India", "Asia/Kolkata", "12:00 Asia/Kolkata"),
        ("06:45", "Pacific Time", "America/Los_Angeles", "06:45 America/Los_Angeles"),
        ("9 a.m.", "UTC+2", "Etc/GMT-2", "09:00 UTC+2"),
    ],
)
async def test_people_s_times_and_zones_are_accepted(
    fake: FakeDiscord, bot: BriefBot, time: str, zone: str, stored: str, shown: str
) -> None:
    """12-hour times, cities, countries, common names and UTC offsets are stored as IANA zones."""
    record = await _subscribe(fake, "briefings", time, zone, user="bob")
    assert f"every day at {shown}; next: <t:" in _content(record)
    (sub,) = bot.state.list_guild(fake.guild.id)
    assert sub.timezone == stored


async def test_resubscribing_says_what_changed_and_topics_are_separate(
    fake: FakeDiscord, bot: BriefBot
) -> None:
    """A second subscribe names the change (or says nothing changed); a topic is a second
    subscription of the same channel, listed with its topic."""
    channel = fake.channel("briefings").id
    await _subscribe(fake, "briefings", "07:30", "Paris", user="bob")
    same = await _subscribe(fake, "briefings", "7:30am", "Europe/Paris", user="bob")
    assert _content(same).startswith(f"<#{channel}> already gets the briefing at 07:30")
    moved = await _subscribe(fake, "briefings", "8am", "UTC+2", user="bob")
    assert _content(moved).startswith(
        f"Updated the briefing for <#{channel}>: time 07:30 Europe/Paris → 08:00 UTC+2. Next: <t:"
    )
    options = {"channel": "briefings", "time": "9am", "timezone": "UTC", "topic": "Rason"}
    on_topic = await answered(fake, "briefing subscribe", options, user="bob")
    assert _content(on_topic).startswith(f"<#{channel}> will get the briefing on “Rason” every")
    listed = _content(await answered(fake, "briefing list"))
    assert listed.splitlines()[0].startswith(f"<#{channel}> · 08:00 UTC+2 · next <t:")
    assert listed.splitlines()[1].startswith(f"<#{channel}> · on “Rason” · 09:00 UTC · next <t:")
    assert [s.topic for s in bot.state.list_guild(fake.guild.id)] == ["", "Rason"]
    fake.assert_clean()


async def test_zone_autocomplete_leads_with_the_likely_zone(
    fake: FakeDiscord, bot: BriefBot
) -> None:
    """'india' offers Asia/Kolkata first (then Indiana); 'UTC+2' offers the fixed zone, labelled."""
    options = {"channel": "briefings"}
    india = await (
        await fake.autocomplete("briefing subscribe", "timezone", "india", options)
    ).wait_done()
    values = [c["value"] for c in india.choices or []]
    assert values[0] == "Asia/Kolkata" and "America/Indiana/Indianapolis" in values
    plus2 = await (
        await fake.autocomplete("briefing subscribe", "timezone", "UTC+2", options)
    ).wait_done()
    assert (plus2.choices or [])[0] == {"name": "UTC+2 (Etc/GMT-2)", "value": "Etc/GMT-2"}
    fake.assert_clean()
