"""Errors the bot explains to the user, and the one place that turns errors into replies."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.embeds import NO_MENTIONS

log = logging.getLogger(__name__)

GENERIC = "Something went wrong on my side. It has been logged; please try again in a moment."


class UserError(Exception):
    """A known problem with a short message meant for the user who asked."""


def _known_message(error: app_commands.AppCommandError) -> str | None:
    """The user-facing message for a known error, or None for a bug."""
    from bot.schedule import ScheduleError
    from bot.state import StateError
    from retrieval.reader import CorpusError

    original = getattr(error, "original", error)
    if isinstance(error, app_commands.MissingPermissions):
        return "You need the **Manage Server** permission to do that."
    if isinstance(error, app_commands.BotMissingPermissions):
        return f"I am missing a permission here: {', '.join(error.missing_permissions)}."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.TransformerError):
        # e.g. a channel the bot cannot see: Discord resolved it, our cache does not have it
        return "I can't use that value here (is it a channel I can see?)."
    if isinstance(original, UserError | ScheduleError):
        return str(original)
    if isinstance(original, StateError):
        log.error("state store error: %s", original)
        return "I could not save that right now (storage problem); nothing was changed."
    if isinstance(original, CorpusError):
        return f"The document folder is not usable right now: {original}"
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


class BriefTree(app_commands.CommandTree[discord.Client]):
    """The single error path of every slash command."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        message = _known_message(error)
        if message is None:
            name = interaction.command.qualified_name if interaction.command else "?"
            log.error("command /%s failed", name, exc_info=error)
            message = GENERIC
        await reply_privately(interaction, message)


async def reply_privately(interaction: discord.Interaction, message: str) -> None:
    """Answer with a private message, whether or not the interaction was acknowledged."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException as err:
        log.warning("could not report an error to the user: %s", err)
