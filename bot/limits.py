"""Limits that queue a question rather than drop it: token buckets, then fair turns.

A user may ask a short burst at once (three questions, say) and then one more each time the
bucket refills; a server has a larger bucket of its own. A question past the limit waits for
its tokens (the interaction is deferred, so "thinking…" shows) and is answered; only a wait
longer than `max_wait` is refused, with the time to ask again. Expensive commands cost more.

The answer thread then serves waiting users round-robin, one question each in turn, so a
user who asks ten things does not make everyone else wait behind all ten.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from answers.compose import BriefingRequest, Request
from answers.models import Answer
from bot.errors import UserError

# What a question costs in tokens; a briefing composes over every recent document.
COSTS: dict[type, float] = {BriefingRequest: 3.0}
_KEEP_BUCKETS = 10_000


def cost(request: Request[Answer]) -> float:
    """Tokens a question of this kind takes from its buckets."""
    return COSTS.get(type(request), 1.0)


@dataclass
class TokenBucket:
    """`capacity` tokens, refilled at `per_second`; the balance may go negative (a queue)."""

    capacity: float
    per_second: float
    tokens: float
    stamp: float

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now

    def reserve(self, amount: float, now: float) -> float:
        """Take `amount` tokens; the seconds until they are really there (0: at once)."""
        self._refill(now)
        self.tokens -= amount
        return max(0.0, -self.tokens / self.per_second)

    def refund(self, amount: float) -> None:
        """Give back a reservation that was not used."""
        self.tokens = min(self.capacity, self.tokens + amount)

    def full(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self.capacity


@dataclass(frozen=True)
class Rate:
    """`burst` questions at once, refilled over `window` seconds; burst 0 is no limit."""

    burst: float
    window: float

    def bucket(self, now: float) -> TokenBucket:
        return TokenBucket(self.burst, self.burst / self.window, self.burst, now)


@dataclass(frozen=True)
class Ticket:
    """A question admitted by the buckets: whose it is and how long it must wait."""

    user_id: int
    wait: float


@dataclass
class _Buckets:
    rate: Rate
    by_key: dict[int, TokenBucket] = field(default_factory=dict)

    def get(self, key: int, now: float) -> TokenBucket | None:
        if not self.rate.burst:
            return None
        if len(self.by_key) > _KEEP_BUCKETS:  # forget the full ones so the map stays small
            self.by_key = {k: b for k, b in self.by_key.items() if not b.full(now)}
        return self.by_key.setdefault(key, self.rate.bucket(now))


class FairQueue:
    """At most `concurrency` holders at a time; waiters are served one per user in turn."""

    def __init__(self, concurrency: int = 1) -> None:
        self._concurrency = concurrency
        self._running = 0
        self._waiting: dict[int, deque[asyncio.Future[None]]] = {}  # insertion order: turns

    @property
    def waiting(self) -> int:
        """Questions waiting for a turn."""
        return sum(len(queue) for queue in self._waiting.values())

    @contextlib.asynccontextmanager
    async def turn(self, key: int) -> AsyncIterator[None]:
        """Hold one of the places, waiting for it in `key`'s line if all are taken."""
        if self._running < self._concurrency and not self._waiting:
            self._running += 1
        else:
            await self._wait(key)
        try:
            yield
        finally:
            self._release()

    async def _wait(self, key: int) -> None:
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, deque()).append(granted)
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self._release()  # granted just as we were cancelled: pass the place on
            else:
                self._forget(key, granted)
            raise

    def _forget(self, key: int, granted: asyncio.Future[None]) -> None:
        queue = self._waiting.get(key)
        if queue is not None and granted in queue:
            queue.remove(granted)
            if not queue:
                del self._waiting[key]

    def _release(self) -> None:
        self._running -= 1
        while self._waiting and self._running < self._concurrency:
            key = next(iter(self._waiting))
            queue = self._waiting.pop(key)
            granted = queue.popleft()
            if queue:
                self._waiting[key] = queue  # to the back of the line of users
            if not granted.done():
                self._running += 1
                granted.set_result(None)


class Gate:
    """Token buckets per user and per server in front of the fair queue of the answer thread."""

    def __init__(
        self,
        user: Rate,
        server: Rate,
        max_wait: float,
        *,
        concurrency: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._users, self._servers = _Buckets(user), _Buckets(server)
        self.max_wait = max_wait
        self.queue = FairQueue(concurrency)
        self._clock = clock

    def reserve(self, user_id: int, guild_id: int | None, amount: float) -> Ticket:
        """Admit a question now or after a wait; past `max_wait`, say when to ask again."""
        now = self._clock()
        buckets = [self._users.get(user_id, now)]
        if guild_id is not None:
            buckets.append(self._servers.get(guild_id, now))
        taken = [b for b in buckets if b is not None]
        wait = max([b.reserve(amount, now) for b in taken], default=0.0)
        if wait > self.max_wait:
            for bucket in taken:
                bucket.refund(amount)
            again = int(time.time() + wait) + 1
            raise UserError(
                f"You're asking faster than I can answer: please ask again <t:{again}:R> "
                f"(in {wait:.0f} s)."
            )
        return Ticket(user_id, wait)

    @contextlib.asynccontextmanager
    async def turn(self, ticket: Ticket) -> AsyncIterator[None]:
        """Wait out the ticket, then hold a fair turn on the answer thread."""
        if ticket.wait:
            await asyncio.sleep(ticket.wait)
        async with self.queue.turn(ticket.user_id):
            yield
