"""Stopping a long build from another thread: a flag the build checks between small steps."""

from __future__ import annotations

import threading


class BuildCancelled(Exception):
    """The build was stopped before it finished; nothing it wrote is in use."""


def check(stop: threading.Event | None) -> None:
    """Raise BuildCancelled if `stop` is set (a build polls this between files and chunks)."""
    if stop is not None and stop.is_set():
        raise BuildCancelled("the index build was stopped")
