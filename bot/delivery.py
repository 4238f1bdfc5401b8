"""Posting scheduled briefings exactly once: log the intent, check after a crash, confirm."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

import discord

from answers.changes import dumps, fingerprints
from answers.models import BriefingAnswer
from bot.embeds import NO_MENTIONS
from bot.posts import Post, briefing_posts, find_part
from bot.schedule import Action, Subscription, briefing_window, decide, next_due
from bot.state import Delivery, StateError, StateStore

log = logging.getLogger(__name__)

MAX_FAILURES = 3
HISTORY_LIMIT = 100  # one request; a restart is looked for well within the grace window

# The collaborators a Deliverer is given, instead of the whole bot.
# (subscription, since, until): its briefing, stories that continue earlier ones marked.
Compose = Callable[[Subscription, datetime, datetime], Awaitable[BriefingAnswer]]
ChannelLookup = Callable[[int], Awaitable[discord.abc.Messageable]]  # raises Unusable


def delivery_key(sub_id: int, day: date) -> str:
    """The machine-readable key of one delivery; each part's key and nonce extend it."""
    return f"b{sub_id}-{day:%Y%m%d}"


def stories_key(sub_id: int) -> str:
    """The meta key under which a subscription's last posted stories are remembered."""
    return f"briefing-stories:{sub_id}"


def delivery_nonce(sub_id: int, day: date, part: int = 1) -> str:
    """Discord's own duplicate guard (enforce_nonce, max 25 characters) for one part."""
    return f"{delivery_key(sub_id, day)}-{part}"[:25]


class Unusable(Exception):
    """The subscription's channel is gone, hidden or forbids the bot."""


class Deliverer:
    """Runs due deliveries for every enabled subscription; one failing channel stops no other."""

    def __init__(
        self,
        state: StateStore,
        compose: Compose,
        channels: ChannelLookup,
        clock: Callable[[], datetime],
        *,
        grace: timedelta,
        owns: Callable[[int], bool] = lambda guild_id: True,
    ) -> None:
        """``owns(guild_id)``: whether this process posts that server's briefings (its shard)."""
        self.state = state
        self.owns = owns
        self.compose = compose
        self.channels = channels
        self.clock = clock
        self.grace = grace
        self._lock = asyncio.Lock()

    async def next_due(self, sub: Subscription) -> datetime:
        """When `sub` is next owed a briefing, given what its log has settled."""
        last_day = await asyncio.to_thread(self.state.last_handled_day, sub.sub_id)
        return next_due(sub, self.clock(), last_day, self.grace)

    async def tick(self) -> None:
        """Decide and act for each subscription at the bot's current time."""
        async with self._lock:  # a slow tick and the next one never overlap
            now = self.clock()
            subs = await asyncio.to_thread(self.state.list_enabled)
            for sub in (s for s in subs if self.owns(s.guild_id)):
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
        state = self.state
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
        """Post the day's briefing unless another process is posting it right now."""
        held = await asyncio.to_thread(self.state.hold_delivery, sub.sub_id)
        if held is None:  # a second process for this shard (a deploy's overlap) is on it
            log.info("subscription %d: another process is posting its briefing", sub.sub_id)
            return
        try:
            await self._deliver_held(sub, day, now)
        finally:  # at once, even when cancelled: a hold left behind would block the next run
            held.release()

    async def _deliver_held(self, sub: Subscription, day: date, now: datetime) -> None:
        state, key = self.state, delivery_key(sub.sub_id, day)
        last = await asyncio.to_thread(state.last_delivered, sub.sub_id)
        window = briefing_window(sub, last.delivered_at if last else None, now)
        delivery = await asyncio.to_thread(state.begin_delivery, sub.sub_id, day, key, window)
        if delivery is None:
            return
        window = delivery.window or window  # a resumed delivery covers what it began with
        channel = await self.channels(sub.channel_id)
        sent = await asyncio.to_thread(state.sent_parts, delivery)
        if delivery.resumed:
            sent |= await self._posted_before(channel, delivery, sent)
        answer = await self.compose(sub, window.since, window.until)
        if not sent and not answer.new:
            log.info("subscription %d: nothing new for %s, not posted", sub.sub_id, day)
            await asyncio.to_thread(state.mark_skipped, sub.sub_id, day, "nothing new")
            return
        link = f"https://discord.com/channels/{sub.guild_id}/{sub.channel_id}"
        posts = briefing_posts(answer, day, key, link)
        for post in posts:
            if post.part not in sent:
                sent[post.part] = await self._post(channel, sub, day, post)
                await asyncio.to_thread(state.record_part, delivery, post.part, sent[post.part])
        await asyncio.to_thread(state.confirm_delivery, delivery, sent[min(sent)])
        remembered = stories_key(sub.sub_id)  # what the next briefing continues from
        await asyncio.to_thread(state.set_meta, remembered, dumps(fingerprints(answer)))
        await asyncio.to_thread(state.reset_failures, sub.sub_id)
        log.info("posted briefing %s to channel %d in %d part(s)", key, sub.channel_id, len(sent))

    async def _post(
        self, channel: discord.abc.Messageable, sub: Subscription, day: date, post: Post
    ) -> int:
        try:
            message = await channel.send(
                embeds=list(post.embeds),
                allowed_mentions=NO_MENTIONS,
                nonce=delivery_nonce(sub.sub_id, day, post.part),
            )
        except (discord.Forbidden, discord.NotFound) as err:
            raise Unusable(f"cannot post in channel {sub.channel_id}: {err.text or err}") from err
        return message.id

    async def _posted_before(
        self, channel: discord.abc.Messageable, delivery: Delivery, logged: dict[int, int]
    ) -> dict[int, int]:
        """After a crash mid-delivery: the parts found in the channel, logged now.

        If the history cannot be read, this raises rather than answer "none": posting blind
        could post twice.
        """
        me = getattr(getattr(channel, "guild", None), "me", None)
        key = delivery_key(delivery.sub_id, delivery.local_day)
        found: dict[int, int] = {}
        try:
            async for message in channel.history(limit=HISTORY_LIMIT):
                if me is not None and message.author.id != me.id:
                    continue
                for embed in message.embeds[:1]:
                    part = find_part(embed.url, key)
                    if part is not None and part not in logged:
                        found[part] = message.id
        except (discord.Forbidden, discord.NotFound) as err:
            reason = f"cannot read the channel of subscription {delivery.sub_id}: {err.text or err}"
            raise Unusable(reason) from err
        for part, message_id in found.items():
            await asyncio.to_thread(self.state.record_part, delivery, part, message_id)
            log.info("briefing %s part %d was posted before a restart", key, part)
        return found

    async def _failed(self, sub: Subscription, reason: str) -> None:
        failures = await asyncio.to_thread(self.state.record_failure, sub.sub_id, reason)
        if failures >= MAX_FAILURES:
            await asyncio.to_thread(self.state.disable, sub.sub_id, reason)
            log.warning(
                "subscription %d disabled after %d failures: %s", sub.sub_id, failures, reason
            )
        else:
            log.warning(
                "subscription %d failed (%d/%d): %s", sub.sub_id, failures, MAX_FAILURES, reason
            )
