"""Token buckets that queue rather than drop, and fair turns on the answer thread."""

from __future__ import annotations

import asyncio

import pytest

from answers.compose import AskRequest, BriefingRequest, SummaryRequest
from bot.errors import UserError
from bot.limits import FairQueue, Gate, Rate, TokenBucket, cost


class Clock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_a_burst_then_queues_at_the_refill_rate() -> None:
    """Three at once pass; the fourth and fifth wait one and two refill steps; time refills."""
    bucket = Rate(3, 9.0).bucket(0.0)  # one token every 3 s
    assert [bucket.reserve(1, 0.0) for _ in range(5)] == [0.0, 0.0, 0.0, 3.0, 6.0]
    assert bucket.reserve(1, 30.0) == 0.0  # refilled (never above the burst)
    assert bucket.tokens == 2.0


def test_bucket_refund_gives_the_reservation_back() -> None:
    """A refused question's tokens are returned: the next one waits no longer for it."""
    bucket = TokenBucket(1, 1.0, 1.0, 0.0)
    assert bucket.reserve(1, 0.0) == 0.0 and bucket.reserve(1, 0.0) == 1.0
    bucket.refund(1)
    assert bucket.reserve(1, 0.0) == 1.0


def test_expensive_commands_weigh_more() -> None:
    """A briefing costs a whole burst; a question costs one."""
    briefing, summary = BriefingRequest(""), SummaryRequest("Rason")
    assert cost(briefing) == 3.0 and cost(summary) == cost(AskRequest("Rason")) == 1.0
    clock = Clock()
    gate = Gate(Rate(3, 9.0), Rate(0, 1.0), max_wait=60, clock=clock)
    assert gate.reserve(1, None, cost(briefing)).wait == 0.0
    assert gate.reserve(1, None, cost(summary)).wait == 3.0


def test_gate_is_per_user_and_per_server() -> None:
    """One user's burst does not touch another's; the server's bucket counts everyone."""
    clock = Clock()
    gate = Gate(Rate(2, 10.0), Rate(3, 30.0), max_wait=60, clock=clock)
    assert [gate.reserve(1, 7, 1).wait for _ in range(2)] == [0.0, 0.0]
    assert gate.reserve(2, 7, 1).wait == 0.0  # user 2's own bucket is full
    assert gate.reserve(3, 7, 1).wait == 10.0  # the server's three are used: 10 s a token
    assert gate.reserve(4, None, 1).wait == 0.0  # a DM has no server bucket


def test_past_the_longest_wait_it_says_when_to_ask_again() -> None:
    """A wait longer than max_wait is refused with the time to ask again, and costs nothing."""
    clock = Clock()
    gate = Gate(Rate(1, 20.0), Rate(0, 1.0), max_wait=5, clock=clock)
    gate.reserve(1, None, 1)
    with pytest.raises(UserError, match=r"please ask again <t:\d+:R> \(in 20 s\)"):
        gate.reserve(1, None, 1)
    clock.now += 20
    assert gate.reserve(1, None, 1).wait == 0.0  # the refused one took no token


def test_no_limit_when_the_burst_is_zero() -> None:
    """burst 0 turns a bucket off."""
    gate = Gate(Rate(0, 1.0), Rate(0, 1.0), max_wait=0, clock=Clock())
    assert all(gate.reserve(1, 7, 3).wait == 0.0 for _ in range(100))


async def _serve(queue: FairQueue, asks: list[int]) -> list[tuple[int, int]]:
    """Everyone asks while the first holder is busy; the order in which they get turns."""
    order: list[tuple[int, int]] = []
    hold = asyncio.Event()

    async def ask(user: int, number: int) -> None:
        async with queue.turn(user):
            if not order:
                await hold.wait()
            order.append((user, number))

    tasks = [asyncio.create_task(ask(u, n)) for n, u in enumerate(asks)]
    while queue.waiting < len(asks) - 1:
        await asyncio.sleep(0)
    hold.set()
    await asyncio.gather(*tasks)
    return order


async def test_fair_queue_serves_users_in_turn() -> None:
    """User 1 floods five questions, users 2 and 3 ask one each: they are served second and
    third (after user 1's running one), and user 1's own keep their order."""
    order = await _serve(FairQueue(), [1, 1, 1, 1, 1, 2, 3])
    assert order == [(1, 0), (1, 1), (2, 5), (3, 6), (1, 2), (1, 3), (1, 4)]


async def test_a_cancelled_waiter_gives_up_its_place() -> None:
    """A question cancelled while waiting leaves the line; the others are still served."""
    queue = FairQueue()
    async with queue.turn(1):
        waiting = asyncio.create_task(_enter(queue, 2))
        other = asyncio.create_task(_enter(queue, 3))
        while queue.waiting < 2:
            await asyncio.sleep(0)
        waiting.cancel()
        await asyncio.sleep(0)
        assert queue.waiting == 1
    assert await other == 3
    assert queue.waiting == 0
    async with queue.turn(4):  # the place is free again
        pass


async def _enter(queue: FairQueue, user: int) -> int:
    async with queue.turn(user):
        return user
