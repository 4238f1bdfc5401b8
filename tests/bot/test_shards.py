"""Tests of bot.shards: Discord's shard formula and which servers a process owns."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from bot.shards import Shards, shard_of


def test_shard_of_uses_the_snowflake_timestamp_bits() -> None:
    """Only bits above 22 count: Discord's documented (guild_id >> 22) % shard_count."""
    assert shard_of(0, 2) == 0
    assert shard_of(1 << 22, 2) == 1
    assert shard_of((1 << 22) - 1, 2) == 0
    assert shard_of(41771983423143937, 3) == 0  # 9959216934 % 3
    assert shard_of(123, 1) == 0


def test_shard_of_refuses_no_shards() -> None:
    """A shard count of 0 is an error, not a ZeroDivisionError."""
    with pytest.raises(ValueError, match="at least 1"):
        shard_of(1, 0)


def test_two_processes_split_the_servers_exactly() -> None:
    """Shards 0 and 1 of 2 own disjoint sets of servers that together cover all of them."""
    first, second = Shards(2, (0,)), Shards(2, (1,))
    guilds = [n << 22 | 77 for n in range(10)]
    assert [g for g in guilds if first.owns(g)] == guilds[0::2]
    assert [g for g in guilds if second.owns(g)] == guilds[1::2]


def test_unset_shards_own_everything() -> None:
    """One process (AutoShardedBot, or a count with no ids) posts every server's briefings."""
    assert Shards().owns(5 << 22) and Shards(4).owns(5 << 22)
    assert Shards().options() == {}
    assert Shards(4, (1, 3)).options() == {"shard_count": 4, "shard_ids": [1, 3]}


@pytest.mark.parametrize(
    ("count", "ids", "message"),
    [(None, (0,), "needs BRIEFBOT_SHARD_COUNT"), (2, (2,), "not below"), (0, None, "at least 1")],
)
def test_inconsistent_shards_are_refused(
    count: int | None, ids: tuple[int, ...] | None, message: str
) -> None:
    """Ids without a count, ids past the count and a zero count are configuration errors."""
    with pytest.raises(ValueError, match=message):
        Shards(count, ids)


def test_settings_read_comma_separated_shard_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """BRIEFBOT_SHARD_IDS=0,2 and BRIEFBOT_SHARD_COUNT=4 reach the settings."""
    monkeypatch.setenv("BRIEFBOT_SHARD_IDS", "0,2")
    monkeypatch.setenv("BRIEFBOT_SHARD_COUNT", "4")
    settings = Settings(_env_file=None)
    assert (settings.shard_count, settings.shard_ids) == (4, (0, 2))
