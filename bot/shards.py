"""Which servers a process serves: Discord's shard formula and this process's shard ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord routes a server's events to: (guild_id >> 22) % shard_count."""
    if shard_count < 1:
        raise ValueError(f"shard_count must be at least 1, not {shard_count}")
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True)
class Shards:
    """This process's shards; with no count, every shard (AutoShardedBot asks Discord how many)."""

    count: int | None = None
    ids: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.ids is not None and self.count is None:
            raise ValueError("BRIEFBOT_SHARD_IDS needs BRIEFBOT_SHARD_COUNT")
        if self.count is not None and self.count < 1:
            raise ValueError(f"BRIEFBOT_SHARD_COUNT must be at least 1, not {self.count}")
        outside = [i for i in self.ids or () if not 0 <= i < (self.count or 0)]
        if outside:
            raise ValueError(f"shard ids {outside} are not below BRIEFBOT_SHARD_COUNT={self.count}")

    def owns(self, guild_id: int) -> bool:
        """Whether this process posts the briefings of server ``guild_id``."""
        if self.count is None or self.ids is None:
            return True
        return shard_of(guild_id, self.count) in self.ids

    def options(self) -> dict[str, Any]:
        """discord.py's AutoShardedBot arguments for these shards."""
        options: dict[str, Any] = {}
        if self.count is not None:
            options["shard_count"] = self.count
        if self.ids is not None:
            options["shard_ids"] = list(self.ids)
        return options
