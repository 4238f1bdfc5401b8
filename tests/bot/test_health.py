"""The heartbeat file and `briefbot health`, which the container's HEALTHCHECK runs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.health import Heartbeat, check_health, heartbeat_name, write_heartbeat
from bot.terminal.cli import main


def _beat(**changes: object) -> Heartbeat:
    now = time.time()
    fields: dict[str, object] = {
        "pid": 1,
        "updated_at": now,
        "connected": True,
        "last_gateway_event": now - 3,
        "index_key": "abcdef0123456789",
        "index_built_at": now - 600,
        "documents": 5,
        "passages": 74,
        "next_briefing": "2026-11-24T07:30:00+00:00",
    }
    fields.update(changes)
    return Heartbeat(**fields)  # type: ignore[arg-type]


def test_fresh_connected_heartbeat_is_healthy(tmp_path: Path) -> None:
    """A recent heartbeat of a connected bot is healthy and reports index age and next briefing."""
    write_heartbeat(tmp_path, _beat())
    healthy, line = check_health(tmp_path, max_age=90)
    assert healthy
    assert "connected" in line and "abcdef012345" in line and "10 min ago" in line
    assert "2026-11-24T07:30:00+00:00" in line


@pytest.mark.parametrize(
    ("changes", "reason"),
    [({"updated_at": time.time() - 600}, "stale"), ({"connected": False}, "DISCONNECTED")],
)
def test_stale_or_disconnected_is_unhealthy(
    tmp_path: Path, changes: dict[str, object], reason: str
) -> None:
    """An old heartbeat or a lost gateway makes the check fail, saying which."""
    write_heartbeat(tmp_path, _beat(**changes))
    healthy, line = check_health(tmp_path, max_age=90)
    assert not healthy and reason in line


def test_cli_health_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`briefbot health` exits 1 with no heartbeat (bot not running), 0 with a fresh one."""
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", str(tmp_path))
    assert main(["health"]) == 1
    assert "no readable heartbeat" in capsys.readouterr().err
    write_heartbeat(tmp_path, _beat())
    assert main(["health"]) == 0
    assert capsys.readouterr().out.startswith("healthy:")


async def test_running_bot_writes_a_healthy_heartbeat(bot, settings) -> None:  # type: ignore[no-untyped-def]
    """A bot connected to the fake Discord keeps a heartbeat that `check_health` accepts."""
    await bot.get_cog("HealthCog").beat()
    healthy, line = check_health(settings.data_dir, max_age=90)
    assert healthy, line
    assert f"({bot.service.opened.corpus.document_count} documents)" in line


def test_shard_processes_sharing_a_data_folder_keep_their_own_heartbeat(tmp_path: Path) -> None:
    """Shards 0 and 1 in one /data write two files; each health check reads its own."""
    assert heartbeat_name(None) == "health.json"
    write_heartbeat(tmp_path, _beat(), heartbeat_name((0,)))
    write_heartbeat(tmp_path, _beat(connected=False), heartbeat_name((1,)))
    assert check_health(tmp_path, 90, name=heartbeat_name((0,)))[0] is True
    assert check_health(tmp_path, 90, name=heartbeat_name((1,)))[0] is False
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "health-shard-0.json",
        "health-shard-1.json",
    ]
