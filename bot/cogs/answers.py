"""/summary, /figures, /sources, /cite, /ask and questions by mention."""

from __future__ import annotations

import logging
import re
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from answers.models import Answer, Kind
from bot.embeds import render_pages
from bot.errors import UserError
from bot.paging import Pager

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

NONE = discord.AllowedMentions.none()
Topic = app_commands.Range[str, 1, 200]
Claim = app_commands.Range[str, 1, 500]
HELP = "Ask me about the documents, e.g. `@briefbot how long is the Tumen bridge?`"


class Cooldown:
    """A per-user pause between questions, answered politely rather than silently."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._last: dict[int, float] = {}

    def check(self, user_id: int) -> None:
        now = time.monotonic()
        wait = self._last.get(user_id, -1e9) + self.seconds - now
        if wait > 0:
            raise UserError(f"One moment please: you can ask again in {wait:.1f}s.")
        self._last[user_id] = now
        if len(self._last) > 10_000:  # forget old users so the map stays small
            cutoff = now - self.seconds
            self._last = {u: t for u, t in self._last.items() if t > cutoff}


async def send_pages(
    target: discord.Interaction | discord.Message,
    answer: Answer,
    owner_id: int,
    private: bool = False,
) -> None:
    """Send an answer's first page, with page buttons when there is more than one."""
    pages = render_pages(answer)
    view = Pager(pages, owner_id) if len(pages) > 1 else None
    if isinstance(target, discord.Interaction):
        kwargs = {"view": view} if view else {}
        sent = await target.followup.send(
            embed=pages[0], ephemeral=private, allowed_mentions=NONE, wait=True, **kwargs
        )
    else:
        sent = await target.reply(
            embed=pages[0], view=view, allowed_mentions=NONE, mention_author=False
        )
    if view is not None:
        view.message = sent


class AnswersCog(commands.Cog):
    """Questions about the documents, answered with verbatim quotes."""

    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot
        self.cooldown = Cooldown(bot.settings.cooldown_seconds)

    async def _respond(
        self, interaction: discord.Interaction, kind: Kind, text: str, private: bool
    ) -> None:
        self.cooldown.check(interaction.user.id)
        # Acknowledge first: Discord's 3-second deadline holds however long the answer takes.
        await interaction.response.defer(ephemeral=private, thinking=True)
        answer = await self.bot.service.answer(kind, text)
        await send_pages(interaction, answer, interaction.user.id, private)

    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=p, value=p) for p in self.bot.service.suggest(current)]

    @app_commands.command(
        name="summary", description="A summary of a topic, quoted from the documents."
    )
    @app_commands.describe(topic="What to summarize", private="Only you see the answer")
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def summary(
        self, interaction: discord.Interaction, topic: Topic, private: bool = False
    ) -> None:
        await self._respond(interaction, Kind.SUMMARY, topic, private)

    @app_commands.command(
        name="figures", description="The numbers, quantities and dates on a topic."
    )
    @app_commands.describe(topic="What the figures are about", private="Only you see the answer")
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def figures(
        self, interaction: discord.Interaction, topic: Topic, private: bool = False
    ) -> None:
        await self._respond(interaction, Kind.FIGURES, topic, private)

    @app_commands.command(name="sources", description="The documents on a topic, ranked.")
    @app_commands.describe(
        topic="What the documents should be about", private="Only you see the answer"
    )
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def sources(
        self, interaction: discord.Interaction, topic: Topic, private: bool = False
    ) -> None:
        await self._respond(interaction, Kind.SOURCES, topic, private)

    @app_commands.command(
        name="cite", description="The exact quote that backs a claim, with a reference."
    )
    @app_commands.describe(
        claim="The claim to back with a quote", private="Only you see the answer"
    )
    async def cite(
        self, interaction: discord.Interaction, claim: Claim, private: bool = False
    ) -> None:
        await self._respond(interaction, Kind.CITE, claim, private)

    @app_commands.command(name="ask", description="A question answered with quoted passages.")
    @app_commands.describe(
        question="Your question about the documents", private="Only you see the answer"
    )
    async def ask(
        self, interaction: discord.Interaction, question: Claim, private: bool = False
    ) -> None:
        await self._respond(interaction, Kind.ASK, question, private)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A message that mentions the bot is a question, answered in a reply like /ask."""
        me = self.bot.user
        if message.author.bot or me is None or me not in message.mentions:
            return
        question = re.sub(rf"<@!?{me.id}>", " ", message.content).strip()[:500]
        try:
            if not question:
                await message.reply(HELP, allowed_mentions=NONE, mention_author=False)
                return
            self.cooldown.check(message.author.id)
            async with message.channel.typing():
                answer = await self.bot.service.answer(Kind.ASK, question)
            await send_pages(message, answer, message.author.id)
        except UserError as err:
            await message.reply(str(err), allowed_mentions=NONE, mention_author=False)
        except discord.HTTPException as err:
            log.warning("could not answer a mention in channel %s: %s", message.channel.id, err)


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(AnswersCog(bot))
