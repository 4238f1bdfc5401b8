"""The end-to-end marker covers every test that starts the fake Discord, so `make test-fast`
(``-m "not e2e"``) runs no real discord.py client."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT


def _collected(marker: str, *paths: str) -> set[str]:
    """The test ids ``pytest -m MARKER`` would run from these files."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", marker, *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return {line.split("[")[0] for line in done.stdout.splitlines() if "::" in line}


def test_a_test_on_the_fake_discord_is_end_to_end_whatever_its_file_name() -> None:
    """The fast tier keeps the pure tests of these files and none that takes the `fake`."""
    files = ("tests/bot/test_delivery.py", "tests/fakediscord/test_fake_discord.py")
    fast = _collected("not e2e", *files)
    assert "tests/bot/test_delivery.py::test_delivery_key_and_nonce" in fast
    assert (
        "tests/fakediscord/test_fake_discord.py::test_network_sealed_and_patches_restored" in fast
    )
    assert (
        "tests/bot/test_delivery.py::test_deleted_channel_is_disabled_without_stopping_the_others"
        not in fast
    )
    assert "tests/fakediscord/test_fake_discord.py::test_login_ready_and_sync" not in fast
