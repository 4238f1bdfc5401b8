"""Posting scheduled briefings exactly once: log the intent, check after a crash, confirm."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import discord

from answers.changes import continue_stories, dumps, fingerprints, loads
from answers.compose import BriefingRequest
from answers.overlap import weigher
from bot.embeds import NO_MENTIONS, render_pages
from bot.schedule import Action, Subscription, briefing_window, decide, next_due
from bot.state import Delivery, StateError

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

MAX_FAILURES = 3
HISTORY_LIMIT = 100  # one request; a restart is looked for well within the grace window


def delivery_key(sub_id: int, day: date) -> str:
    """The tag a briefing message carries, so a restart can tell whether it was posted."""
    return f"briefing #{sub_id} · {day.isoformat()}"


def delivery_nonce(sub_id: int, day: date) -> str:
    """Discord's own duplicate guard (enforce_nonce, max 25 characters) for one delivery."""
    return f"b{sub_id}-{day:%Y%m%d}"[:25]


class Unusable(Exception):
    """The subscription's channel is gone, hidden or forbids the bot."""


class Deliverer:
    """Runs due deliveries for every enabled subscription; one failing channel stops no other."""

    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot
        self._lock = asyncio.Lock()

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.bot.settings.briefing_grace_minutes)

    async def next_due(self, sub: Subscription) -> datetime:
        """When `sub` is next owed a briefing, given what its log has settled."""
        last_day = await asyncio.to_thread(self.bot.state.last_handled_day, sub.sub_id)
        return next_due(sub, self.bot.now(), last_day, self.grace)

    async def tick(self) -> None:
        """Decide and act for each subscription at the bot's current time."""
        async with self._lock:  # a slow tick and the next one never overlap
            now = self.bot.now()
            subs = await asyncio.to_thread(self.bot.state.list_enabled)
            for sub in subs:
                try:
                    await self._handle(sub, now)
                except Unusable as err:
                    await self._failed(sub, str(err))
                except (discord.HTTPException, StateError) as err:
                    # 5xx after discord.py's own retries, or a locked or full database: the
                    # day stays owed (or pending, and the next tick looks in the channel first).
                    log.warning("briefing for subscription %d: %s; will retry", sub.sub_id, err)
                except Exception:
                    log.exception("briefing for subscription %d failed", sub.sub_id)

    async def _handle(self, sub: Subscription, now: datetime) -> None:
        state = self.bot.state
        last_day = await asyncio.to_thread(state.last_handled_day, sub.sub_id)
        decision = decide(sub, now, last_day, self.grace)
        if decision.action is Action.SKIP_MISSED:
            log.warning(
                "subscription %d missed %s (due %s, grace %s): skipped",
                sub.sub_id,
                decision.local_day,
                decision.due.isoformat(),
                self.grace,
            )
            await asyncio.to_thread(state.mark_skipped, sub.sub_id, decision.local_day, "missed")
        elif decision.action is Action.DELIVER:
            await self._deliver(sub, decision.local_day, now)

    async def _deliver(self, sub: Subscription, day: date, now: datetime) -> None:
        state = self.bot.state
        key = delivery_key(sub.sub_id, day)
        delivery = await asyncio.to_thread(state.begin_delivery, sub.sub_id, day, key)
        if delivery is None:
            return
        channel = await self._channel(sub)
        if delivery.resumed and await self._already_posted(channel, delivery):
            return
        last = await asyncio.to_thread(state.last_delivered, sub.sub_id)
        window = briefing_window(sub, last.delivered_at if last else None, now)
        answer = await self.bot.service.answer(
            BriefingRequest(since=window.since, now=window.until)
        )
        if not answer.new:
            log.info("subscription %d: nothing new for %s, not posted", sub.sub_id, day)
            await asyncio.to_thread(state.mark_skipped, sub.sub_id, day, "nothing new")
            return
        remembered = f"briefing-stories:{sub.sub_id}"
        previous = loads(await asyncio.to_thread(state.get_meta, remembered))
        weight = weigher(self.bot.service.opened.corpus)
        answer = await asyncio.to_thread(continue_stories, answer, previous, weight)
        page = render_pages(answer, tag=delivery.nonce)[0]
        try:
            message = await channel.send(
                embed=page, allowed_mentions=NO_MENTIONS, nonce=delivery_nonce(sub.sub_id, day)
            )
        except (discord.Forbidden, discord.NotFound) as err:
            raise Unusable(f"cannot post in channel {sub.channel_id}: {err.text or err}") from err
        await asyncio.to_thread(state.confirm_delivery, delivery, message.id)
        await asyncio.to_thread(state.set_meta, remembered, dumps(fingerprints(answer)))
        await asyncio.to_thread(state.reset_failures, sub.sub_id)
        log.info("posted briefing %s to channel %d", key, sub.channel_id)

    async def _channel(self, sub: Subscription) -> discord.abc.Messageable:
        channel = self.bot.get_channel(sub.channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(sub.channel_id)
            except (discord.NotFound, discord.Forbidden) as err:
                raise Unusable(f"channel {sub.channel_id} is gone or hidden: {err.text}") from err
        if not isinstance(channel, discord.abc.Messageable):
            raise Unusable(f"channel {sub.channel_id} cannot receive messages")
        return channel

    async def _already_posted(self, channel: discord.abc.Messageable, delivery: Delivery) -> bool:
        """After a crash mid-delivery: find our tagged message, confirm it, and post nothing.

        If the history cannot be read, this raises rather than answer "no": posting blind could
        post twice.
        """
        me = self.bot.user
        try:
            async for message in channel.history(limit=HISTORY_LIMIT):
                footers = [e.footer.text or "" for e in message.embeds]
                if me and message.author.id == me.id and any(delivery.nonce in f for f in footers):
                    await asyncio.to_thread(self.bot.state.confirm_delivery, delivery, message.id)
                    log.info("briefing %s was posted before a restart; confirmed", delivery.nonce)
                    return True
        except (discord.Forbidden, discord.NotFound) as err:
            reason = f"cannot read the channel of subscription {delivery.sub_id}: {err.text or err}"
            raise Unusable(reason) from err
        return False

    async def _failed(self, sub: Subscription, reason: str) -> None:
        failures = await asyncio.to_thread(self.bot.state.record_failure, sub.sub_id, reason)
        if failures >= MAX_FAILURES:
            await asyncio.to_thread(self.bot.state.disable, sub.sub_id, reason)
            log.warning(
                "subscription %d disabled after %d failures: %s", sub.sub_id, failures, reason
            )
        else:
            log.warning(
                "subscription %d failed (%d/%d): %s", sub.sub_id, failures, MAX_FAILURES, reason
            )


def utcnow() -> datetime:
    """The real clock, aware and in UTC."""
    return datetime.now(UTC)
