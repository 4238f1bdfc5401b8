"""/summary, /figures, /sources, /cite, /ask and questions by mention."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import TYPE_CHECKING

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


class AnswersCog(commands.Cog):
    """Questions about the documents, answered with verbatim quotes."""

    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot

    async def _respond(
        self,
        interaction: discord.Interaction,
        request: Request[Answer],
        private: bool,
        output: Export = Export.embed,
    ) -> None:
        await respond(self.bot, interaction, request, private, output)

    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=p, value=p) for p in self.bot.service.suggest(current)]

    async def outlet_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = self.bot.service.suggest_outlet(current)
        return [app_commands.Choice(name=n, value=n) for n in names]

    @app_commands.command(
        name="summary", description="A summary of a topic, quoted from the documents."
    )
    @app_commands.describe(topic="What to summarize", private=PRIVATE, output=FORMAT, **FILTERS)
    @app_commands.rename(output="format")
    @app_commands.autocomplete(topic=topic_autocomplete, outlet=outlet_autocomplete)
    async def summary(
        self,
        interaction: discord.Interaction,
        topic: Topic,
        private: bool = False,
        output: Export = Export.embed,
        since: Day | None = None,
        until: Day | None = None,
        outlet: str | None = None,
    ) -> None:
        filters = read_filters(since, until, outlet)
        await self._respond(interaction, SummaryRequest(topic, filters=filters), private, output)

    @app_commands.command(
        name="figures", description="The numbers, quantities and dates on a topic."
    )
    @app_commands.describe(
        topic="What the figures are about", private=PRIVATE, output=FORMAT, **FILTERS
    )
    @app_commands.rename(output="format")
    @app_commands.autocomplete(topic=topic_autocomplete, outlet=outlet_autocomplete)
    async def figures(
        self,
        interaction: discord.Interaction,
        topic: Topic,
        private: bool = False,
        output: Export = Export.embed,
        since: Day | None = None,
        until: Day | None = None,
        outlet: str | None = None,
    ) -> None:
        filters = read_filters(since, until, outlet)
        await self._respond(interaction, FiguresRequest(topic, filters=filters), private, output)

    @app_commands.command(name="sources", description="The documents on a topic, ranked.")
    @app_commands.describe(
        topic="What the documents should be about", private=PRIVATE, output=FORMAT, **FILTERS
    )
    @app_commands.rename(output="format")
    @app_commands.autocomplete(topic=topic_autocomplete, outlet=outlet_autocomplete)
    async def sources(
        self,
        interaction: discord.Interaction,
        topic: Topic,
        private: bool = False,
        output: Export = Export.embed,
        since: Day | None = None,
        until: Day | None = None,
        outlet: str | None = None,
    ) -> None:
        filters = read_filters(since, until, outlet)
        await self._respond(interaction, SourcesRequest(topic, filters=filters), private, output)

    @app_commands.command(
        name="timeline", description="The dated events of a topic, oldest first, quoted."
    )
    @app_commands.describe(topic="What the timeline is about", private=PRIVATE, **FILTERS)
    @app_commands.autocomplete(topic=topic_autocomplete, outlet=outlet_autocomplete)
    async def timeline(
        self,
        interaction: discord.Interaction,
        topic: Topic,
        private: bool = False,
        since: Day | None = None,
        until: Day | None = None,
        outlet: str | None = None,
    ) -> None:
        filters = read_filters(since, until, outlet)
        await self._respond(interaction, TimelineRequest(topic, filters=filters), private)

    @app_commands.command(
        name="cite", description="The exact quote that backs a claim, with a reference."
    )
    @app_commands.describe(
        claim="The claim to back with a quote", private=PRIVATE, output=FORMAT, **FILTERS
    )
    @app_commands.rename(output="format")
    @app_commands.autocomplete(outlet=outlet_autocomplete)
    async def cite(
        self,
        interaction: discord.Interaction,
        claim: Claim,
        private: bool = False,
        output: Export = Export.embed,
        since: Day | None = None,
        until: Day | None = None,
        outlet: str | None = None,
    ) -> None:
        filters = read_filters(since, until, outlet)
        await self._respond(interaction, CitationRequest(claim, filters=filters), private, output)

    @app_commands.command(name="ask", description="A question answered with quoted passages.")
    @app_commands.describe(
        question="Your question about the documents", private=PRIVATE, output=FORMAT, **FILTERS
    )
    @app_commands.rename(output="format")
    @app_commands.autocomplete(outlet=outlet_autocomplete)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: Claim,
        private: bool = False,
        output: Export = Export.embed,
        since: Day | None = None,
        until: Day | None = None,
        outlet: str | None = None,
    ) -> None:
        filters = read_filters(since, until, outlet)
        await self._respond(interaction, AskRequest(question, filters=filters), private, output)

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
