"""/help: what the bot does, every command with an example, where the documents come from."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import COLOURS, NO_MENTIONS

if TYPE_CHECKING:
    from bot.client import BriefBot

# (command, example, what it does); a test checks every registered command is here.
COMMANDS = (
    ("summary", "/summary topic: Tumen River bridge", "a few sentences quoted on a topic"),
    ("figures", "/figures topic: Tumen River bridge", "the numbers, quantities and dates"),
    ("sources", "/sources topic: Kursk region", "the documents on a topic, best first"),
    ("cite", "/cite claim: The bridge will be 850 meters long", "the quote that backs a claim"),
    ("ask", "/ask question: How long is the Tumen bridge?", "a question, answered in quotes"),
    ("timeline", "/timeline topic: North Korea Russia", "the dated events, oldest first"),
    ("briefing now", "/briefing now topic: Rason", "what is new in the last 24 hours"),
    (
        "briefing subscribe",
        "/briefing subscribe channel: #news time: 7am timezone: Paris",
        "post the briefing every day (Manage Server; a topic is optional)",
    ),
    (
        "briefing unsubscribe",
        "/briefing unsubscribe channel: #news",
        "stop the daily briefing (Manage Server)",
    ),
    ("briefing list", "/briefing list", "the channels that get it, and when"),
    ("corpus status", "/corpus status", "how many documents, how fresh the index is"),
    ("corpus reload", "/corpus reload", "read the folder again now (Manage Server)"),
    ("corpus add", "/corpus add file: report.pdf", "add a document to the folder (Manage Server)"),
    (
        "feeds add",
        "/feeds add url: https://example.com/rss.xml",
        "follow a news feed into the folder (Manage Server)",
    ),
    ("feeds remove", "/feeds remove url: https://example.com/rss.xml", "stop (Manage Server)"),
    ("feeds list", "/feeds list", "the feeds followed, their articles and errors"),
    ("help", "/help", "this message"),
)
ABOUT = (
    "I answer questions about a folder of documents with **verbatim quotes**, each marked "
    "with its source ([1], [2]…), and post a daily briefing of what is new. I never write "
    "text of my own: every sentence shown is copied from a document."
)


def help_embed(documents: int | None, reload_minutes: int) -> discord.Embed:
    """The /help message; `documents` is how many the index holds (None while it builds)."""
    embed = discord.Embed(title="briefbot", description=ABOUT, colour=COLOURS[True])
    lines = [f"`{example}` — {what}" for _, example, what in COMMANDS]
    lines.append("`@briefbot how long is the Tumen bridge?` — mention me with a question")
    embed.add_field(name="Commands", value="\n".join(lines[:7]), inline=False)
    embed.add_field(name="More commands", value="\n".join(lines[7:]), inline=False)
    count = f"{documents:,} documents" if documents is not None else "documents (indexing now)"
    checked = f"; I look for changes every {reload_minutes} min" if reload_minutes else ""
    embed.add_field(
        name="Where the documents come from",
        value=f"A folder of {count} that the people who run me keep up to date{checked}; "
        "Manage Server can add one with `/corpus add`. "
        "Add `private: True` to an answer command to see the answer alone.",
        inline=False,
    )
    return embed


class HelpCog(commands.Cog):
    """What the bot can do."""

    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What I do, every command with an example.")
    async def help(self, interaction: discord.Interaction) -> None:
        service = self.bot.service
        documents = service.opened.corpus.document_count if service.ready else None
        await interaction.response.send_message(
            embed=help_embed(documents, self.bot.settings.reload_interval_minutes),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(HelpCog(bot))
