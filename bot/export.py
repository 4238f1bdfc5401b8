"""Answers sent as a Markdown file: the `format` option of the answer and briefing commands."""

from __future__ import annotations

import enum
import io
import logging
import re

import discord

from bot.embeds import NO_MENTIONS

log = logging.getLogger(__name__)

FORMAT = "embed (default), or a Markdown file with the sources as references"


class Export(enum.Enum):
    """How an answer is sent."""

    embed = "embed"
    markdown = "markdown"


def file_name(title: str) -> str:
    """ "Summary: Tumen River bridge" -> "summary-tumen-river-bridge.md"."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80].rstrip("-")
    return f"{slug or 'answer'}.md"


async def send_markdown(
    interaction: discord.Interaction, title: str, document: str, *, private: bool
) -> None:
    """Answer a deferred interaction with the document attached as a .md file."""
    attached = discord.File(io.BytesIO(document.encode("utf-8")), filename=file_name(title))
    content = f"**{discord.utils.escape_markdown(title)}**, as Markdown"
    await interaction.followup.send(
        content[:2000], file=attached, ephemeral=private, allowed_mentions=NO_MENTIONS
    )
