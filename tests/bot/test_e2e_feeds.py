"""/feeds add|remove|list through the fake Discord, and a polling round feeding the answers."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.client import BriefBot
from bot.settings import Settings
from testing.fakediscord import FakeDiscord, InteractionRecord
from tests.feeds.site import FERRY, PORT, Site, page_html, rss2
from tests.helpers import answered, assert_cannot_ping, bot_messages, make_bot, make_settings

MANAGE = "You need the **Manage Server** permission to do that."


def _text(record: InteractionRecord) -> str:
    assert record.original is not None
    return record.original.content


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    server = Site()
    await server.start()
    for s in (PORT, FERRY):
        server.serve("/articles/" + s.slug, page_html(s))
    server.serve("/feed.xml", rss2(server, [PORT, FERRY]), content_type="application/rss+xml")
    yield server
    await server.stop()


@pytest.fixture
def feed_settings(tmp_path: Path, seeds_dir: Path) -> Settings:
    """Settings over a copy of seeds/ that may fetch feeds from 127.0.0.1 at once."""
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    return make_settings(
        corpus,
        tmp_path / "data",
        feeds_allow_private=True,
        feeds_host_interval_seconds=0,
        feeds_rebuild_minutes=0,
    )


async def test_a_followed_feed_feeds_the_answers(
    fake: FakeDiscord,
    feed_settings: Settings,
    site: Site,
) -> None:
    """bob follows a feed; a round writes its articles; the refreshed index answers from them;
    carol may list but neither add nor remove."""
    url = site.url("/feed.xml")
    async with fake.running(make_bot(feed_settings), timeout=15) as bot:
        assert isinstance(bot, BriefBot)
        denied = await answered(fake, "feeds add", {"url": url}, user="carol")
        assert MANAGE in _text(denied)
        added = await answered(fake, "feeds add", {"url": url}, user="bob")
        assert f"Following <{url}>" in _text(added)
        cog: Any = bot.get_cog("FeedsCog")  # load_extension imports its own copy of the module
        assert cog is not None
        before = bot.service.opened.corpus.document_count
        await cog.poll_round()
        await bot.service.refreshed()
        assert bot.service.opened.corpus.document_count == before + 2
        answer = await answered(fake, "sources", {"topic": "ferry crews strike"})
        assert answer.original is not None
        assert FERRY.title in str(answer.original.embeds[0])
        listed = await answered(fake, "feeds list", user="carol")
        assert "Harbour Gazette" in _text(listed) and "2 article(s)" in _text(listed)
        kept = await answered(fake, "feeds remove", {"url": url}, user="carol")
        assert MANAGE in _text(kept)
        gone = await answered(fake, "feeds remove", {"url": url}, user="bob")
        assert "Stopped following" in _text(gone)
        again = await answered(fake, "feeds remove", {"url": url}, user="bob")
        assert "I am not following that feed" in _text(again)
        assert_cannot_ping(bot_messages(fake))


async def test_a_round_that_fails_is_logged_and_the_next_one_runs(
    fake: FakeDiscord,
    feed_settings: Settings,
    site: Site,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An error escaping the poller is logged; the following round polls as usual."""
    async with fake.running(make_bot(feed_settings), timeout=15) as bot:
        await answered(fake, "feeds add", {"url": site.url("/feed.xml")}, user="bob")
        cog: Any = bot.get_cog("FeedsCog")
        real = cog.poller.poll_due

        async def broken(now: Any) -> Any:
            raise RuntimeError("disk on fire")

        cog.poller.poll_due = broken
        await cog.poll_round()
        assert "feed round failed" in caplog.text and "disk on fire" in caplog.text
        cog.poller.poll_due = real
        await cog.poll_round()
        assert site.hits("/articles/ferry-strike") == 1


async def test_the_polling_task_starts_with_the_cog_and_stops_with_it(
    fake: FakeDiscord, feed_settings: Settings
) -> None:
    """With an interval set, the loop runs from cog_load and is cancelled by cog_unload."""
    settings = feed_settings.model_copy(update={"feeds_interval_minutes": 5})
    async with fake.running(make_bot(settings), timeout=15) as bot:
        cog: Any = bot.get_cog("FeedsCog")
        assert cog.poll_loop is not None and cog.poll_loop.is_running()
        await bot.remove_cog("FeedsCog")
        assert not cog.poll_loop.is_running() or cog.poll_loop.is_being_cancelled()
