"""The layer boundary: retrieval, answers and feeds import nothing of Discord or the front ends."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT

LAYERS = ("retrieval", "answers", "feeds")
FORBIDDEN = ("discord", "bot")  # data flows one way: seeds -> retrieval -> answers -> front ends


def layer_modules() -> list[str]:
    """Every module of the retrieval and answer packages, found on disk."""
    return sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for layer in LAYERS
        for path in (ROOT / layer).rglob("*.py")
    )


def leaked_after_importing(modules: list[str]) -> subprocess.CompletedProcess[str]:
    """Import modules in a fresh interpreter; fail listing any forbidden module then loaded."""
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"leaked = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "assert not leaked, leaked\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_layer_modules_are_found() -> None:
    """The module list covers both packages (an empty list would prove nothing)."""
    expected = {"retrieval", "retrieval.store", "answers", "answers.compose", "feeds.net"}
    assert expected <= set(layer_modules())


def test_retrieval_answers_and_feeds_do_not_import_discord_or_bot() -> None:
    """Importing every retrieval, answer and feed module leaves discord and bot unloaded."""
    proc = leaked_after_importing(layer_modules())
    assert proc.returncode == 0, proc.stderr


def test_the_check_catches_a_discord_import() -> None:
    """The same check fails once discord is imported, so a pass means something."""
    proc = leaked_after_importing(["retrieval.store", "discord"])
    assert proc.returncode != 0
    assert "AssertionError: ['discord'" in proc.stderr
