"""The one error path: known errors become short private messages, bugs a generic one."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from discord import app_commands

from bot.errors import UserError, _known_message
from bot.schedule import ScheduleError
from bot.state import StateError
from retrieval.reader import CorpusError


async def _callback(interaction: discord.Interaction) -> None:
    """A command body for wrapping errors the way discord.py does."""


COMMAND: app_commands.Command[Any, ..., None] = app_commands.Command(
    name="x", description="x", callback=_callback
)


def _invoked(original: Exception) -> app_commands.CommandInvokeError:
    return app_commands.CommandInvokeError(COMMAND, original)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            app_commands.MissingPermissions(["manage_guild"]),
            "You need the **Manage Server** permission to do that.",
        ),
        (app_commands.NoPrivateMessage(), "This command only works in a server."),
        (_invoked(UserError("Pick a channel.")), "Pick a channel."),
        (_invoked(ScheduleError("`x` is not a time")), "`x` is not a time"),
        (
            _invoked(StateError("database is locked")),
            "I could not save that right now (storage problem); nothing was changed.",
        ),
        (
            _invoked(CorpusError("corpus folder /c does not exist")),
            "The document folder is not usable right now: corpus folder /c does not exist",
        ),
        (
            app_commands.TransformerError(
                "123",
                discord.AppCommandOptionType.channel,
                app_commands.transformers.BaseChannelTransformer(discord.TextChannel),
            ),
            "I can't use that value here (is it a channel I can see?).",
        ),
        (app_commands.CheckFailure(), "You can't use this command here."),
    ],
)
def test_known_errors_have_short_messages(
    error: app_commands.AppCommandError, message: str
) -> None:
    """Each known error maps to its one-line message for the user."""
    assert _known_message(error) == message


@pytest.mark.parametrize("original", [RuntimeError("boom"), KeyError("x"), NotImplementedError()])
def test_bugs_are_not_known(original: Exception) -> None:
    """Anything else is a bug: no message, so the caller logs it and says something generic."""
    assert _known_message(_invoked(original)) is None
