"""since, until and outlet on the answer commands through the fake Discord."""

from __future__ import annotations

import pytest

from bot.client import BriefBot
from testing.fakediscord import FakeDiscord
from tests.helpers import answered


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("summary", "topic"),
        ("figures", "topic"),
        ("sources", "topic"),
        ("cite", "claim"),
        ("ask", "question"),
    ],
)
async def test_every_answer_command_takes_the_filters(
    fake: FakeDiscord, bot: BriefBot, command: str, text: str
) -> None:
    """The outlet and dates keep the answer to those documents, and the answer says so."""
    options = {text: "Tumen River bridge", "outlet": "NationPress", "until": "2026-12-31"}
    record = await answered(fake, command, options)
    assert record.original is not None
    description = record.original.embeds[0]["description"]
    assert "Filtered: only documents from “NationPress”, dated 2026-12-31 or earlier" in description


async def test_the_outlet_autocompletes_from_the_corpus(fake: FakeDiscord, bot: BriefBot) -> None:
    """Typing part of an outlet offers the corpus's outlets that contain it."""
    record = await (await fake.autocomplete("sources", "outlet", "press")).wait_done()
    assert [c["value"] for c in record.choices or []] == ["NationPress", "the-express.com"]
    prefix = await (await fake.autocomplete("sources", "outlet", "nation")).wait_done()
    assert [c["value"] for c in prefix.choices or []] == ["NationPress"]
    everything = await (await fake.autocomplete("ask", "outlet", "")).wait_done()
    assert "the-express.com" in [c["value"] for c in everything.choices or []]


async def test_a_bad_date_is_explained_privately(fake: FakeDiscord, bot: BriefBot) -> None:
    """A date that is not YYYY-MM-DD, or a range backwards, is a short private message."""
    for since, until in (("2026-13-01", "2026-12-31"), ("2026-03-02", "2026-03-01")):
        options = {"topic": "Tumen River bridge", "since": since, "until": until}
        record = await answered(fake, "summary", options)
        assert record.original is not None and record.original.ephemeral
        assert record.original.content.startswith("Dates are YYYY-MM-DD, since before until")
