"""/corpus status, reload and add, and the periodic check for changed documents."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from answers.models import date_label
from bot.embeds import NO_MENTIONS
from bot.periodic import periodic
from retrieval.intake import Added, add_file
from retrieval.reader import SUFFIXES, CorpusError

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)


def _age(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


class CorpusCog(commands.Cog):
    """The document folder behind the answers."""

    # Everyone may read the status; /corpus reload is gated at run time (Discord applies
    # default_permissions to top-level commands only).
    corpus = app_commands.Group(
        name="corpus", description="The documents the bot answers from", guild_only=True
    )

    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot
        minutes = bot.settings.reload_interval_minutes
        self.watch = (
            periodic(self._check, what="the corpus check", minutes=minutes) if minutes else None
        )

    async def cog_load(self) -> None:
        if self.watch is not None:
            self.watch.start()

    async def cog_unload(self) -> None:
        if self.watch is not None:
            self.watch.cancel()

    async def _check(self) -> None:
        if self.watch is not None and self.watch.current_loop == 0:
            return  # the first run would repeat the load setup_hook has just done
        try:
            result = await self.bot.service.reload()
        except Exception as err:  # an escaped error would end the periodic check for good
            log.warning("corpus check failed, still serving the last good index: %s", err)
            return
        if result.changed:
            log.info("corpus changed: reloaded %d documents", result.documents)

    @corpus.command(name="status", description="Documents, passages, index age and next briefings.")
    async def status(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        opened = self.bot.service.opened
        c = opened.corpus
        lines = [
            f"**{c.document_count}** documents · **{c.passage_count}** passages · "
            f"**{len(c.index.vocab)}** terms",
            f"index built {_age(time.time() - opened.built_at)} ago (`{opened.key[:12]}`)",
        ]
        # Skip reasons and the reload error name paths: for the server's managers only.
        manager = interaction.permissions.manage_guild
        if opened.skipped:
            lines.append(
                f"skipped files: {len(opened.skipped)}" + ("" if manager else " (see the log)")
            )
            escape = discord.utils.escape_markdown
            lines += [
                f"- {escape(s.path)}: {escape(s.reason)}" for s in opened.skipped[:5] if manager
            ]
        if self.bot.service.last_error:
            why = self.bot.service.last_error[:300] if manager else "see the log"
            lines.append(f"last reload failed: {why}")
        subs = await asyncio.to_thread(self.bot.state.list_guild, interaction.guild_id or 0)
        briefing: Any = self.bot.get_cog("BriefingCog")  # it owns the deliverer
        for sub in [s for s in subs if s.enabled and briefing][:10]:
            due = await briefing.deliverer.next_due(sub)
            lines.append(f"next briefing in <#{sub.channel_id}>: <t:{int(due.timestamp())}:F>")
        await interaction.followup.send(
            "\n".join(lines), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @corpus.command(name="reload", description="Re-read the document folder now.")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def reload(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            result = await self.bot.service.reload()
        except (CorpusError, OSError) as err:
            text = f"Reload failed, still answering from the previous index: {err}"
        else:
            verb = "Rebuilt:" if result.changed else "Unchanged:"
            text = (
                f"{verb} {result.documents} documents, {result.passages} passages "
                f"({result.seconds:.2f}s)."
            )
        await interaction.followup.send(text[:2000], ephemeral=True, allowed_mentions=NO_MENTIONS)

    @corpus.command(name="add", description="Add a document to the folder and index it.")
    @app_commands.describe(file="A .txt, .md, .html, .pdf or .docx file")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def add(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = await self._add(file)
        await interaction.followup.send(text[:2000], ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def _add(self, file: discord.Attachment) -> str:
        """Download, save under uploads/, reindex; say what was read or why not."""
        settings = self.bot.settings
        limit = min(settings.max_upload_bytes, settings.max_file_bytes)
        if not file.filename.lower().endswith(SUFFIXES):
            return f"Not added: only {' '.join(SUFFIXES)} files are read."
        if file.size > limit:
            return f"Not added: {file.size:,} bytes is over the {limit:,}-byte limit."
        try:
            data = await file.read()
        except (discord.HTTPException, aiohttp.ClientError) as err:
            return f"Not added: the file could not be downloaded ({err})."
        added = await asyncio.to_thread(add_file, settings.corpus_dir, file.filename, data, limit)
        if not isinstance(added, Added):
            return f"Not added: {added.reason}."
        try:
            result = await self.bot.service.reload()
        except (CorpusError, OSError) as err:
            return f"Saved as `{added.relpath}`, but the reload failed: {err}"
        return f"{_describe(added)}\nThe corpus now has {result.documents} documents."


def _describe(added: Added) -> str:
    """What was read from an added file: title, outlet, date, passages."""
    doc, meta = added.document, added.document.metadata
    parts = [
        f"“{discord.utils.escape_markdown(doc.title)}”",
        meta.outlet or "no outlet",
        date_label(meta.published),
        f"{added.passages} passage" + ("" if added.passages == 1 else "s"),
    ]
    return f"Added `{added.relpath}`: " + " · ".join(parts)


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(CorpusCog(bot))
