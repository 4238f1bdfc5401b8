"""Previous/Next buttons over an answer's pages; only the asker may turn them."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.embeds import NO_MENTIONS

log = logging.getLogger(__name__)

PAGE_TIMEOUT = 300.0  # well inside the 15 minutes an interaction token can edit its messages
NOT_YOURS = "Only the person who asked can turn these pages."
DELIVERY_FAILED = "I could not deliver the answer: Discord had a server error. Please ask again."
EXPIRED = "This answer has expired (its pages are no longer kept); please ask again."
# One custom_id per button, the same on every answer: a live Pager is found by its message
# first, and a press that no live Pager holds (after a restart) reaches ExpiredPages.
PREVIOUS_ID, NEXT_ID = "briefbot:page:previous", "briefbot:page:next"


class Pager(discord.ui.View):
    """Pages of embeds behind two buttons, owned by one user, disabled after a timeout."""

    def __init__(self, pages: list[discord.Embed], owner_id: int, timeout: float = PAGE_TIMEOUT):
        super().__init__(timeout=timeout)
        self.pages = pages
        self.owner_id = owner_id
        self.index = 0
        self.message: discord.Message | discord.WebhookMessage | None = None
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            NOT_YOURS, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return False

    async def _show(self, interaction: discord.Interaction, step: int) -> None:
        self.index = max(0, min(len(self.pages) - 1, self.index + step))
        self._sync()
        await interaction.response.edit_message(
            embed=self.pages[self.index], view=self, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary, custom_id=PREVIOUS_ID)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Pager]) -> None:
        await self._show(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary, custom_id=NEXT_ID)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Pager]) -> None:
        await self._show(interaction, +1)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as err:
                log.info("could not disable page buttons: %s", err)


class ExpiredPages(discord.ui.View):
    """A persistent view for page buttons no live Pager holds: says so, privately."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    async def _expired(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            EXPIRED, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(label="Previous", custom_id=PREVIOUS_ID)
    async def previous(
        self, interaction: discord.Interaction, _: discord.ui.Button[ExpiredPages]
    ) -> None:
        await self._expired(interaction)

    @discord.ui.button(label="Next", custom_id=NEXT_ID)
    async def next(
        self, interaction: discord.Interaction, _: discord.ui.Button[ExpiredPages]
    ) -> None:
        await self._expired(interaction)


async def send_pages(
    target: discord.Interaction | discord.Message,
    pages: list[discord.Embed],
    *,
    private: bool = False,
    timeout: float = PAGE_TIMEOUT,
) -> None:
    """Answer a deferred interaction (or reply to a message) with the first of `pages`.

    Page buttons are added when there is more than one page; the asker owns them. A deferred
    interaction is answered by editing its "thinking…" message (the defer set whether it is
    private): an edit that discord.py retries after a 5xx changes the same message again,
    where a retried follow-up would post the answer twice. A reply carries discord.py's
    enforce_nonce, so Discord returns the first reply to a retried send.
    """
    owner = target.user.id if isinstance(target, discord.Interaction) else target.author.id
    view = Pager(pages, owner, timeout) if len(pages) > 1 else None
    buttons = view if view is not None else discord.utils.MISSING
    sent: discord.Message | discord.WebhookMessage | None
    if isinstance(target, discord.Interaction):
        sent = await _edit_original(target, pages[0], buttons)
    else:
        sent = await target.reply(
            embed=pages[0], allowed_mentions=NO_MENTIONS, mention_author=False, view=buttons
        )
    if view is not None:
        view.message = sent
        if sent is None:
            view.stop()


async def _edit_original(
    interaction: discord.Interaction, embed: discord.Embed, view: Any
) -> discord.InteractionMessage | None:
    """The answer in place of "thinking…"; after 5xx on every retry, a short error there."""
    try:
        return await interaction.edit_original_response(
            embed=embed, view=view, allowed_mentions=NO_MENTIONS
        )
    except discord.DiscordServerError as err:
        log.warning("could not deliver the answer (Discord server error): %s", err)
    try:
        await interaction.edit_original_response(
            content=DELIVERY_FAILED, embed=None, view=None, allowed_mentions=NO_MENTIONS
        )
    except discord.HTTPException as err:
        log.warning("could not say the answer failed either: %s", err)
    return None
