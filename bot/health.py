"""A heartbeat file the running bot keeps fresh, and the check `briefbot health` makes of it."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FILENAME = "health.json"


def heartbeat_name(shard_ids: tuple[int, ...] | None) -> str:
    """The heartbeat file of a process: one per set of shards, so shards can share /data."""
    if not shard_ids:
        return FILENAME
    return f"health-shard-{'-'.join(str(i) for i in shard_ids)}.json"


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """What the bot says about itself every few seconds."""

    pid: int
    updated_at: float
    connected: bool
    last_gateway_event: float
    index_key: str
    index_built_at: float
    documents: int
    passages: int
    next_briefing: str | None


def write_heartbeat(data_dir: Path, beat: Heartbeat, name: str = FILENAME) -> None:
    """Replace the heartbeat file atomically (a reader never sees half of it)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=f".{name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(beat), handle)
    os.replace(tmp, data_dir / name)


def check_health(
    data_dir: Path, max_age: float, now: float | None = None, name: str = FILENAME
) -> tuple[bool, str]:
    """(healthy, one line): fresh heartbeat, connected to the gateway, an index loaded."""
    now = time.time() if now is None else now
    try:
        data = json.loads((data_dir / name).read_text("utf-8"))
        beat = Heartbeat(**data)
    except (OSError, ValueError, TypeError) as err:
        return False, f"unhealthy: no readable heartbeat in {data_dir} ({err})"
    age = now - beat.updated_at
    summary = (
        f"heartbeat {age:.0f}s ago, gateway {'connected' if beat.connected else 'DISCONNECTED'}"
        f" (last event {now - beat.last_gateway_event:.0f}s ago), index {beat.index_key[:12]}"
        f" built {(now - beat.index_built_at) / 60:.0f} min ago ({beat.documents} documents),"
        f" next briefing {beat.next_briefing or 'none'}"
    )
    if age > max_age:
        return False, f"unhealthy: stale heartbeat; {summary}"
    if not beat.connected:
        return False, f"unhealthy: {summary}"
    return True, f"healthy: {summary}"
