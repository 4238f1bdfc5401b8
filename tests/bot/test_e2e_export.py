"""The `format` option through the fake Discord: the answer as an attached Markdown file."""

from __future__ import annotations

from typing import Any

import pytest

from answers.compose import FiguresRequest, compose
from bot.client import BriefBot
from bot.markdown import render_markdown
from testing.fakediscord import FakeDiscord
from tests.helpers import answered

CASES = [
    ("summary", {"topic": "Tumen River bridge"}, "summary-tumen-river-bridge.md"),
    ("cite", {"claim": "the road bridge will be 850 meters long"}, "citation-the-road-bridge"),
    ("briefing now", {}, "briefing.md"),
]


@pytest.mark.parametrize(("command", "options", "name"), CASES)
async def test_format_markdown_attaches_the_markdown_document(
    fake: FakeDiscord, bot: BriefBot, command: str, options: dict[str, Any],
    name: str,
) -> None:  # fmt: skip
    """One message, no embeds, one .md file: a heading and a Sources reference list."""
    record = await answered(fake, command, {**options, "format": "markdown"}, user="carol")
    message = record.original
    assert message is not None and message.embeds == []
    assert message.content.endswith(", as Markdown")
    (attached,) = message.files
    assert attached.filename.startswith(name.removesuffix(".md"))
    assert attached.filename.endswith(".md")
    document = attached.data.decode("utf-8")
    assert document.startswith("# ") and "\n## Sources\n\n- \\[1\\] **" in document
    fake.assert_clean()


async def test_the_file_is_the_same_markdown_as_the_cli_prints(
    fake: FakeDiscord, bot: BriefBot
) -> None:
    """One renderer: the attachment equals render_markdown of the same answer."""
    record = await answered(fake, "figures", {"topic": "Tumen River bridge", "format": "markdown"})
    assert record.original is not None
    expected = render_markdown(compose(bot.service.opened, FiguresRequest("Tumen River bridge")))
    assert record.original.files[0].data.decode("utf-8") == expected


async def test_embed_stays_the_default(fake: FakeDiscord, bot: BriefBot) -> None:
    """Without `format`, the answer is embeds, no file; the option offers the two choices."""
    record = await answered(fake, "sources", {"topic": "Kursk region"})
    assert record.original is not None and record.original.embeds and not record.original.files
    synced = {c["name"]: c for c in fake.last_sync() or []}
    option = next(o for o in synced["sources"]["options"] if o["name"] == "format")
    assert [c["value"] for c in option["choices"]] == ["embed", "markdown"]
