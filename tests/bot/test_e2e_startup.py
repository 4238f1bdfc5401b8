"""Online at once: the bot connects while its first index builds, and says how far it is."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

import pytest

from retrieval.progress import BuildProgress, Stage
from testing.fakediscord import FakeDiscord
from tests.helpers import answered, make_bot, make_settings

TOPIC = {"topic": "Tumen River bridge"}


async def test_building_is_answered_during_the_first_build_then_the_real_answer(
    fake: FakeDiscord,
    tmp_path: Path,
    seeds_dir: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No index yet, and the build held after two of five files: the bot is connected, a
    question is told "building the index of 5 documents, about N s left", the log shows the
    progress, and once the build ends the same question gets its real answer."""
    settings = make_settings(seeds_dir, tmp_path / "data", index_wait_seconds=0)
    bot = make_bot(settings)
    held, release = threading.Event(), threading.Event()
    report_progress = bot.service._on_progress

    def hold_after_two_files(report: BuildProgress) -> None:
        report_progress(report)
        if report.stage is Stage.READING and report.files_done == 2:
            held.set()
            release.wait(30)

    monkeypatch.setattr(bot.service, "_on_progress", hold_after_two_files)
    with caplog.at_level(logging.INFO, logger="bot.service"):
        async with fake.running(bot, timeout=15):
            assert await asyncio.to_thread(held.wait, 10)
            assert bot.is_ready() and not bot.service.ready
            waiting = await answered(fake, "summary", TOPIC)
            assert waiting.original is not None and waiting.original.ephemeral
            text = waiting.original.content
            assert text.startswith("I'm building the index of 5 documents, about "), text
            assert " s left (reading files: 2 read, " in text
            release.set()
            first = bot.service.first_load
            assert first is not None
            await asyncio.wait_for(asyncio.shield(first), 30)
            answer = await answered(fake, "summary", TOPIC)
            assert answer.original is not None and not answer.original.ephemeral
            embed = answer.original.embeds[0]
            assert (
                embed["title"] == "Summary: Tumen River bridge"
                and "\\[1\\]" in embed["description"]
            )
    assert "building the index of 5 documents, about " in caplog.text
    fake.assert_clean()
