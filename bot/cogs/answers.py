"""/summary, /figures, /sources, /cite, /ask and questions by mention."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from inspect import Parameter, Signature
from typing import TYPE_CHECKING, Any, Protocol, cast

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from answers.compose import (
    AskRequest,
    CitationRequest,
    FiguresRequest,
    Request,
    SourcesRequest,
    SummaryRequest,
    TimelineRequest,
)
from answers.filters import Filters
from answers.models import Answer
from bot.embeds import NO_MENTIONS
from bot.errors import GENERIC, UserError
from bot.export import FORMAT, Export, send_markdown
from bot.limits import cost
from bot.paging import send_pages

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

Topic = app_commands.Range[str, 1, 200]
Claim = app_commands.Range[str, 1, 500]
HELP = "Ask me about the documents, e.g. `@briefbot how long is the Tumen bridge?`"
PRIVATE = "Only you see the answer"
Day = app_commands.Range[str, 10, 10]
FILTERS = {
    "since": "Only documents dated on or after this day (YYYY-MM-DD)",
    "until": "Only documents dated on or before this day (YYYY-MM-DD)",
    "outlet": "Only documents of this outlet",
}


def read_filters(since: str | None, until: str | None, outlet: str | None) -> Filters:
    """The answer filters of a command's options; UserError for a date that is not one."""
    try:
        days = [dt.date.fromisoformat(d) if d else None for d in (since, until)]
        return Filters(since=days[0], until=days[1], outlet=outlet or None)
    except ValueError as err:
        raise UserError(f"Dates are YYYY-MM-DD, since before until ({err}).") from None


async def respond(
    bot: BriefBot,
    interaction: discord.Interaction,
    request: Request[Answer],
    private: bool,
    output: Export = Export.embed,
) -> None:
    """Admit the question (or say when to ask again), defer, wait a fair turn, answer (as
    embeds, or as an attached Markdown file)."""
    bot.service.require_ready()  # "building the index…", privately, until it is there
    ticket = bot.gate.reserve(interaction.user.id, interaction.guild_id, cost(request))
    # Acknowledge first: Discord's 3-second deadline holds however long the answer takes.
    await interaction.response.defer(ephemeral=private, thinking=True)
    if output is Export.markdown:
        async with bot.gate.turn(ticket):
            title, document = await bot.service.markdown(request)
        await send_markdown(interaction, title, document, private=private)
        return
    async with bot.gate.turn(ticket):
        pages = await bot.service.pages(request)
    await send_pages(interaction, pages, private=private, timeout=bot.page_timeout)


@dataclass(frozen=True)
class Subject:
    """The first option of an answer command: what the answer is about."""

    name: str
    description: str
    kind: str = "Topic"  # its annotation, resolved in this module as discord.py resolves any
    suggest: bool = True  # autocompleted from the corpus's topics


class Build(Protocol):
    """What makes an answer command's request: a request type's constructor."""

    def __call__(self, text: str, /, *, filters: Filters) -> Request[Answer]: ...


def _option(name: str, annotation: str, default: object = Parameter.empty) -> Parameter:
    return Parameter(name, Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation, default=default)


def answer_command(
    name: str, description: str, subject: Subject, build: Build, *, formats: bool = True
) -> app_commands.Command[Any, ..., None]:
    """A slash command answering ``build(subject, filters=...)``: the options every answer
    command shares (private, format, since, until, outlet) are declared here once."""

    async def callback(cog: AnswersCog, interaction: discord.Interaction, **options: Any) -> None:
        filters = read_filters(options["since"], options["until"], options["outlet"])
        request = build(options[subject.name], filters=filters)
        output = options.get("output", Export.embed)
        await respond(cog.bot, interaction, request, options["private"], output)

    # discord.py reads a command's options from its callback's signature (its own hybrid
    # commands set one the same way) and passes the cog first to a callback named as a method.
    callback.__signature__ = _signature(subject, formats)  # type: ignore[attr-defined]
    callback.__qualname__ = f"AnswersCog.{name}"
    callback.__name__ = name
    described = app_commands.describe(
        **{subject.name: subject.description, "private": PRIVATE},
        **({"output": FORMAT} if formats else {}),
        **FILTERS,
    )(callback)
    if formats:
        described = app_commands.rename(output="format")(described)
    suggest = {subject.name: suggest_topics} if subject.suggest else {}
    completed = app_commands.autocomplete(**suggest, outlet=suggest_outlets)(described)
    return app_commands.command(name=name, description=description)(completed)


def _signature(subject: Subject, formats: bool) -> Signature:
    """(cog, interaction, subject, private, [output], since, until, outlet), annotated."""
    first = [_option("cog", "AnswersCog"), _option("interaction", "discord.Interaction")]
    first += [_option(subject.name, subject.kind), _option("private", "bool", False)]
    output = [_option("output", "Export", Export.embed)] if formats else []
    days = [_option(day, "Day | None", None) for day in ("since", "until")]
    return Signature([*first, *output, *days, _option("outlet", "str | None", None)])


async def suggest_topics(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Key phrases and titles of the corpus containing what the user typed."""
    return _choices(_bot(interaction).service.suggest(current))


async def suggest_outlets(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """The corpus's outlets that contain what the user typed."""
    return _choices(_bot(interaction).service.suggest_outlet(current))


def _choices(values: list[str]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=v, value=v) for v in values]


def _bot(interaction: discord.Interaction) -> BriefBot:
    return cast("BriefBot", interaction.client)


class AnswersCog(commands.Cog):
    """Questions about the documents, answered with verbatim quotes."""

    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot

    summary = answer_command(
        "summary",
        "A summary of a topic, quoted from the documents.",
        Subject("topic", "What to summarize"),
        SummaryRequest,
    )
    figures = answer_command(
        "figures",
        "The numbers, quantities and dates on a topic.",
        Subject("topic", "What the figures are about"),
        FiguresRequest,
    )
    sources = answer_command(
        "sources",
        "The documents on a topic, ranked.",
        Subject("topic", "What the documents should be about"),
        SourcesRequest,
    )
    timeline = answer_command(
        "timeline",
        "The dated events of a topic, oldest first, quoted.",
        Subject("topic", "What the timeline is about"),
        TimelineRequest,
        formats=False,
    )
    cite = answer_command(
        "cite",
        "The exact quote that backs a claim, with a reference.",
        Subject("claim", "The claim to back with a quote", kind="Claim", suggest=False),
        CitationRequest,
    )
    ask = answer_command(
        "ask",
        "A question answered with quoted passages.",
        Subject("question", "Your question about the documents", kind="Claim", suggest=False),
        AskRequest,
    )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A message whose text mentions the bot is a question, answered in a reply like /ask.

        The text, not `message.mentions`: a reply to any bot message pings the bot and so puts
        it in `mentions`, though nobody asked anything.
        """
        me = self.bot.user
        if message.author.bot or me is None:
            return
        named = re.compile(rf"<@!?{me.id}>")
        if not named.search(message.content):
            return
        question = named.sub(" ", message.content).strip()[:500]
        try:
            await self._answer_mention(message, question)
        except UserError as err:
            await self._reply(message, str(err))
        except (discord.HTTPException, aiohttp.ClientError) as err:
            log.warning("could not answer a mention in channel %s: %s", message.channel.id, err)
        except Exception:
            log.exception("answering a mention in channel %s failed", message.channel.id)
            await self._reply(message, GENERIC)

    async def _answer_mention(self, message: discord.Message, question: str) -> None:
        if not question:
            await self._reply(message, HELP)
            return
        guild_id = message.guild.id if message.guild else None
        request = AskRequest(question)
        ticket = self.bot.gate.reserve(message.author.id, guild_id, cost(request))
        async with message.channel.typing(), self.bot.gate.turn(ticket):
            pages = await self.bot.service.pages(request)
        await send_pages(message, pages, timeout=self.bot.page_timeout)

    @staticmethod
    async def _reply(message: discord.Message, text: str) -> None:
        try:
            await message.reply(text, allowed_mentions=NO_MENTIONS, mention_author=False)
        except Exception as err:  # the reply is best effort: the error was handled already
            log.warning("could not reply in channel %s: %s", message.channel.id, err)


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(AnswersCog(bot))
