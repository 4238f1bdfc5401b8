"""Long answers as pages behind Previous/Next buttons that only the asker can turn."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from answers.compose import AskRequest
from bot.client import BriefBot
from bot.embeds import body_items
from bot.paging import EXPIRED, NOT_YOURS
from testing.fakediscord import FakeDiscord, MessageRecord, UsageError
from tests.helpers import (
    WriteCorpus,
    answered,
    assert_cannot_ping,
    bot_messages,
    make_bot,
    make_settings,
)

_FILLER = "engineers surveyed river banks harbour cranes rail yards customs posts freight depots"
WORDS = [*_FILLER.split(), "bonded", "warehouses", "timber", "sheds", "fuel", "tanks", "ferry"]


def _long_document(number: int) -> str:
    """One document whose sentences are each far longer than a passage's word budget."""
    sentences = []
    for s in range(3):
        filler = " ".join(WORDS[(number + s + i) % len(WORDS)] for i in range(110))
        sentences.append(f"The zeppelin number {number}.{s} flew over {filler} at dawn.")
    return f"Zeppelin report {number}\n\n" + " ".join(sentences) + "\n"


@pytest.fixture
def long_corpus(write_corpus: WriteCorpus) -> Path:
    corpus: Path = write_corpus({f"z{n}.txt": _long_document(n) for n in range(6)})
    return corpus


def _buttons(message: MessageRecord) -> dict[str, bool]:
    return {
        c["label"]: bool(c.get("disabled")) for c in message.iter_components() if c["type"] == 2
    }


def _all_disabled(message: MessageRecord) -> bool:
    return all(_buttons(message).values())


def _footer(message: MessageRecord) -> str:
    return str(message.embeds[0]["footer"]["text"])


async def test_pages_turn_for_the_asker_only(
    fake: FakeDiscord,
    long_corpus: Path,
    tmp_path: Path,
) -> None:
    """Next/Previous work for the asker; anyone else gets a private 'only the asker' reply."""
    bot: BriefBot
    async with fake.running(
        make_bot(make_settings(long_corpus, tmp_path / "d")), timeout=15
    ) as bot:
        record = await answered(fake, "ask", {"question": "zeppelin flew"}, user="carol")
        message = record.original
        assert message is not None
        assert _buttons(message) == {"Previous": True, "Next": False}
        assert _footer(message).startswith("page 1/")
        first = message.embeds[0]["description"]

        turned = await (await fake.click(message, label="Next", user="carol")).wait_done()
        assert turned.response_type == 7
        assert _footer(message).startswith("page 2/")
        assert _buttons(message)["Previous"] is False

        refused = await (await fake.click(message, label="Previous", user="bob")).wait_done()
        assert refused.response_type == 4
        assert refused.original is not None and refused.original.ephemeral
        assert refused.original.content == NOT_YOURS
        assert _footer(message).startswith("page 2/")  # bob did not turn it

        back = await (await fake.click(message, label="Previous", user="carol")).wait_done()
        assert back.response_type == 7 and message.embeds[0]["description"] == first
        answer = await bot.service.answer(AskRequest("zeppelin flew"))
    assert all(r.latency is not None and r.latency < 3 for r in fake.interactions)
    assert_cannot_ping(bot_messages(fake))
    fake.assert_clean()
    assert len(body_items(answer)) >= 4


async def test_pages_split_only_between_items(
    fake: FakeDiscord,
    long_corpus: Path,
    tmp_path: Path,
) -> None:
    """Walking every page gives back each quoted item whole, in order, none cut in two."""
    bot: BriefBot
    async with fake.running(
        make_bot(make_settings(long_corpus, tmp_path / "d")), timeout=15
    ) as bot:
        record = await answered(fake, "ask", {"question": "zeppelin flew"})
        message = record.original
        assert message is not None
        pages = [message.embeds[0]["description"]]
        while not _buttons(message)["Next"]:
            await (await fake.click(message, label="Next")).wait_done()
            pages.append(message.embeds[0]["description"])
        answer = await bot.service.answer(AskRequest("zeppelin flew"))
    assert len(pages) >= 2
    assert [item for page in pages for item in page.split("\n\n")] == body_items(answer)
    fake.assert_clean()


async def test_buttons_stop_after_the_timeout(
    fake: FakeDiscord,
    long_corpus: Path,
    tmp_path: Path,
) -> None:
    """After the (injected, short) timeout both buttons are disabled, in public and private."""
    bot = make_bot(make_settings(long_corpus, tmp_path / "d"), page_timeout=0.3)
    async with fake.running(bot, timeout=15):
        public = await answered(fake, "ask", {"question": "zeppelin flew"})
        private = await answered(fake, "ask", {"question": "zeppelin dawn", "private": True})
        for record in (public, private):
            message = record.original
            assert message is not None and _buttons(message)["Next"] is False
            await fake.wait_for(functools.partial(_all_disabled, message), timeout=3)
            with pytest.raises(UsageError, match="disabled"):
                await fake.click(message, label="Next")
        assert private.original is not None and private.original.ephemeral
    fake.assert_clean()


async def test_a_mention_answer_pages_too(
    fake: FakeDiscord, long_corpus: Path, tmp_path: Path
) -> None:
    """A long answer to a mention has the same buttons, owned by whoever asked."""
    async with fake.running(make_bot(make_settings(long_corpus, tmp_path / "d")), timeout=15):
        await fake.send_message("general", f"{fake.mention()} zeppelin flew", author="carol")
        reply = await fake.wait_for_message("general")
        refused = await (await fake.click(reply, label="Next", user="bob")).wait_done()
        assert refused.original is not None and refused.original.content == NOT_YOURS
        turned = await (await fake.click(reply, label="Next", user="carol")).wait_done()
        assert turned.response_type == 7 and _footer(reply).startswith("page 2/")
    fake.assert_clean()


async def test_page_buttons_pressed_after_a_restart_get_an_answer(
    fake: FakeDiscord,
    long_corpus: Path,
    tmp_path: Path,
) -> None:
    """The pages lived in the old process: a press after a restart is answered privately
    ("expired, ask again"), not left to fail."""
    settings = make_settings(long_corpus, tmp_path / "d")
    async with fake.running(make_bot(settings), timeout=15):
        record = await answered(fake, "ask", {"question": "zeppelin flew"}, user="carol")
    message = record.original
    assert message is not None and _buttons(message)["Next"] is False
    async with fake.running(make_bot(settings), timeout=15):
        press = await (await fake.click(message, label="Next", user="carol")).wait_done()
        assert press.response_type == 4 and press.original is not None
        assert press.original.ephemeral and press.original.content == EXPIRED
    assert _footer(message).startswith("page 1/")
    fake.assert_clean()
