"""Faults and load through the fake Discord: gateway drops, corpus reloads, many askers."""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.client import BriefBot
from bot.paging import DELIVERY_FAILED
from bot.settings import Settings
from bot.state import StateStore
from testing.fakediscord import FakeDiscord, MemberSpec, UserSpec, default_guild, default_users
from tests.helpers import (
    Clock,
    answered,
    assert_cannot_ping,
    bot_messages,
    make_bot,
    make_settings,
    whole_once,
)


async def _fast_identify(shard_id: int | None, initial: bool = False) -> None:
    """discord.py waits 5 s before a re-IDENTIFY; the fake has no identify rate limit."""


async def test_gateway_drop_mid_conversation_resumes_and_answers(
    fake: FakeDiscord, bot: BriefBot
) -> None:
    """A command and a mention sent while the socket is down are replayed on RESUME and
    answered; the session is resumed, not re-identified."""
    await answered(fake, "sources", {"topic": "Rason"})
    await fake.drop_connection(4000)
    during = await fake.invoke("ask", {"question": "How long is the Tumen bridge?"}, user="bob")
    await fake.send_message("general", f"{fake.mention()} Rason station?", author="carol")
    await fake.wait_for_resume()
    await during.wait_done(timeout=10)
    assert during.latency is not None and during.latency < 3
    assert during.original is not None and "850 meters" in during.original.text()
    reply = await fake.wait_for_message("general", lambda m: m.message_reference is not None)
    assert reply.embeds and len(fake.gateway.identifies) == 1
    after = await answered(fake, "figures", {"topic": "Tumen River bridge"})
    assert after.original is not None and after.original.embeds
    fake.assert_clean()


async def test_invalidated_session_reidentifies_and_answers(
    fake: FakeDiscord, bot: BriefBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-resumable session: the bot IDENTIFYs again and keeps answering."""
    monkeypatch.setattr(bot, "before_identify_hook", _fast_identify)
    await fake.invalidate_session(resumable=False)
    await fake.wait_for(lambda: len(fake.gateway.identifies) == 2, timeout=10)
    await fake.wait_for(bot.is_ready, timeout=5)
    record = await answered(fake, "summary", {"topic": "Rason"})
    assert record.original is not None and record.original.embeds
    fake.assert_clean()


@pytest.fixture
def own_corpus(tmp_path: Path, seeds_dir: Path) -> Path:
    """A copy of seeds/ that a test may change."""
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    return corpus


async def test_reload_swaps_the_index_while_queries_keep_answering(
    fake: FakeDiscord,
    own_corpus: Path,
    tmp_path: Path,
) -> None:
    """While a reload is rebuilding, queries are answered from the old index (fast); after
    the swap a new document is found."""
    bot: BriefBot
    async with fake.running(make_bot(make_settings(own_corpus, tmp_path / "d")), timeout=15) as bot:
        (own_corpus / "quokka.md").write_text(
            "# Quokka sanctuary opens on Rottnest\n\nA quokka sanctuary opened on Rottnest "
            "Island on Monday, rangers said.\n",
            encoding="utf-8",
        )
        release, rebuilding = threading.Event(), threading.Event()
        real_open = bot.service._open

        def slow_open() -> Any:
            rebuilding.set()
            release.wait(10)
            return real_open()

        bot.service._open = slow_open  # type: ignore[method-assign]
        reload = await fake.invoke("corpus reload", user="alice")
        await asyncio.to_thread(rebuilding.wait, 5)
        old = await answered(fake, "sources", {"topic": "quokka sanctuary"}, user="carol")
        assert old.original is not None and "Quokka sanctuary opens" not in old.original.text()
        assert not old.original.embeds[0].get("fields")  # nothing found in the old index
        more = [await fake.invoke("ask", {"question": "Rason"}, user="bob") for _ in range(3)]
        for record in more:
            await record.wait_done()
        release.set()
        await reload.wait_done(timeout=10)
        assert reload.original is not None
        assert reload.original.content.startswith("Rebuilt: 6 documents")
        new = await answered(fake, "sources", {"topic": "quokka sanctuary"}, user="carol")
        assert new.original is not None and "Quokka sanctuary opens" in new.original.text()
    assert all(r.latency is not None and r.latency < 3 for r in fake.interactions)
    fake.assert_clean()


async def test_vanished_corpus_keeps_the_last_good_index(
    fake: FakeDiscord,
    own_corpus: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The folder disappears: /corpus reload and the periodic check report it, answers go on."""
    bot: BriefBot
    async with fake.running(make_bot(make_settings(own_corpus, tmp_path / "d")), timeout=15) as bot:
        own_corpus.rename(tmp_path / "moved-away")
        failed = await answered(fake, "corpus reload", user="bob")
        assert failed.original is not None
        assert failed.original.content.startswith("Reload failed, still answering from the")
        assert "does not exist" in failed.original.content
        cog: Any = bot.get_cog("CorpusCog")  # load_extension made its own module: no isinstance
        with caplog.at_level(logging.WARNING, logger="bot.cogs.corpus"):
            await cog._check()
        assert "still serving the last good index" in caplog.text
        still = await answered(fake, "sources", {"topic": "Tumen River bridge"})
        assert still.original is not None and still.original.embeds[0].get("description")
        status = await answered(fake, "corpus status", user="bob")
        assert status.original is not None and "last reload failed" in status.original.content
        assert str(own_corpus) in status.original.content  # Manage Server sees the path
        member = await answered(fake, "corpus status", user="carol")
        assert member.original is not None and "last reload failed" in member.original.content
        assert str(own_corpus) not in member.original.content  # any member does not
    fake.assert_clean()


async def test_many_askers_at_once_are_all_acknowledged_in_time(settings: Settings) -> None:
    """100 slash commands from 50 users, sent together: every one deferred within 3 s and
    answered, nothing Discord would reject."""
    users = [UserSpec(f"user{n}") for n in range(50)]
    guild = default_guild()
    guild.members += [MemberSpec(u.name) for u in users]
    commands = [
        ("sources", {"topic": "Tumen River bridge"}),
        ("ask", {"question": "How long is the Tumen bridge?"}),
        ("summary", {"topic": "Rason"}),
        ("figures", {"topic": "Tumen River bridge"}),
        ("cite", {"claim": "the bridge will be 850 meters long"}),
    ]
    async with (
        FakeDiscord(users=default_users() + users, guilds=[guild]) as fake,
        fake.running(make_bot(settings), timeout=15),
    ):
        records = await asyncio.gather(
            *(
                fake.invoke(*commands[n % len(commands)], user=users[n % len(users)])
                for n in range(100)
            )
        )
        for record in records:
            await record.wait_done(timeout=20)
        latencies = sorted(r.latency or 99.0 for r in records)
        assert latencies[-1] < 3, latencies[-5:]
        assert all(r.original is not None and r.original.embeds for r in records)
        assert_cannot_ping(bot_messages(fake))
        fake.assert_clean()


async def test_locked_database_is_explained_and_nothing_is_lost(
    fake: FakeDiscord,
    settings: Settings,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another process holds the state database's write lock: subscribing says so (nothing
    stored), the scheduler logs and keeps going; once the lock is gone both work."""
    bot = make_bot(settings, clock)
    path = settings.data_dir / "state.sqlite3"
    bot.state = StateStore(path, busy_timeout=timedelta(seconds=0.2), clock=bot.now)
    due = f"{clock.current + timedelta(minutes=2):%H:%M}"
    options = {"channel": "briefings", "time": due, "timezone": "UTC"}
    async with fake.running(bot, timeout=15):
        lock = sqlite3.connect(path, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        denied = await answered(fake, "briefing subscribe", options, user="bob")
        assert denied.original is not None and denied.original.content == (
            "I could not save that right now (storage problem); nothing was changed."
        )
        assert "is locked by another connection" in caplog.text
        lock.execute("ROLLBACK")
        await answered(fake, "briefing subscribe", options, user="bob")
        clock.advance(minutes=3)
        lock.execute("BEGIN EXCLUSIVE")
        cog: Any = bot.get_cog("BriefingCog")
        with caplog.at_level(logging.WARNING, logger="bot.delivery"):
            await cog._tick()  # the scheduler's step: must survive the locked database
        assert fake.messages("briefings") == []
        assert "will retry" in caplog.text
        lock.execute("ROLLBACK")
        lock.close()
        await cog._tick()
        assert whole_once(fake.messages("briefings"))
        await cog._tick()
        assert whole_once(fake.messages("briefings"))
    fake.assert_clean()


def _answered_requests(fake: FakeDiscord, method: str, pattern: str) -> int:
    """Requests the fake has finished (recorded at arrival, their status set at the end)."""
    return sum(1 for r in fake.requests_to(method, pattern) if r.status)


class _QuickRetries:
    """discord.py's webhook module with its 1-9 s pauses between 5xx retries made instant."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        return await asyncio.sleep(0, result)


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    import discord.webhook.async_ as webhooks

    monkeypatch.setattr(webhooks, "asyncio", _QuickRetries())


async def test_a_5xx_after_the_answer_was_made_posts_it_once(
    fake: FakeDiscord, bot: BriefBot, quick_retries: None
) -> None:
    """Discord creates the answer, then answers 500: the retry does not post it twice."""
    fake.fail_next("*", "/webhooks/*", 500, after=True)
    record = await fake.invoke("sources", {"topic": "Tumen River bridge"})
    await record.wait_done(timeout=10)
    await fake.wait_for(lambda: _answered_requests(fake, "*", "/webhooks/*") >= 2, timeout=5)
    shown = [m for m in record.messages if not m.deleted]
    assert len(shown) == 1 and shown[0].embeds and not shown[0].loading
    fake.assert_clean()


async def test_a_follow_up_that_keeps_failing_ends_with_a_short_visible_error(
    fake: FakeDiscord, bot: BriefBot, quick_retries: None, caplog: pytest.LogCaptureFixture
) -> None:
    """Every retry of the answer gets a 5xx: the user sees a short error, not "thinking…"
    forever and not the generic "went wrong on my side"."""
    fake.fail_next("*", "/webhooks/*", 502, times=5)
    record = await fake.invoke("summary", {"topic": "Rason"})
    await fake.wait_for(lambda: record.original is not None and not record.original.loading)
    assert record.original is not None and record.original.content == DELIVERY_FAILED
    assert len(record.messages) == 1 and not record.original.embeds
    assert "could not deliver the answer" in caplog.text
    fake.assert_clean()


async def test_a_mention_reply_that_gets_a_5xx_after_posting_is_posted_once(
    fake: FakeDiscord, bot: BriefBot
) -> None:
    """The reply is created, then Discord answers 500 and discord.py retries: the nonce
    makes Discord return the first reply instead of posting a second."""
    fake.fail_next("POST", "/channels/*/messages", 500, after=True)
    await fake.send_message("general", f"{fake.mention()} Rason?", author="carol")
    await fake.wait_for(lambda: _answered_requests(fake, "POST", "/channels/*/messages") >= 2, 10)
    assert len(fake.messages("general")) == 1
    fake.assert_clean()
