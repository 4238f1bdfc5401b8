"""Which process is posting a subscription's briefing right now: a lock that dies with it.

The delivery log says a day is PENDING; it cannot say whether the process that began it is
still posting or was killed. A hold says that: the poster holds it for as long as it posts,
and the operating system (a file lock) or PostgreSQL (an advisory lock on the poster's
connection) drops it when the process dies. So a PENDING day whose hold is free was abandoned
and can be resumed; one whose hold is taken is being posted and is left alone.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Protocol


class Hold(Protocol):
    """The right to post one subscription's briefing, until released or the process ends."""

    def release(self) -> None:
        """Give the right back (idempotent)."""


class FileHold:
    """An exclusive ``flock`` on one file per subscription, beside the SQLite file."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops its flock
            self._fd = None


def hold_file(folder: Path, sub_id: int) -> FileHold | None:
    """Hold subscription ``sub_id`` by a lock on ``folder/<sub_id>``; None if held elsewhere.

    flock locks belong to an open file, not a process, so two stores in one process exclude
    each other as two processes do. Raises OSError if the folder cannot be written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / str(sub_id), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return FileHold(fd)
