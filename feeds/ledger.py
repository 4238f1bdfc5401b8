"""What the poller needs to remember between rounds, and when a feed is polled next.

The poller talks to a `Ledger` (the bot keeps it in its SQLite state, `bot/feedstore.py`), so
this package holds no storage of its own and can be tested with any implementation.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Protocol

MAX_ATTEMPTS = 3  # an article that failed this many times (transiently) is given up


@dataclass(frozen=True, slots=True)
class Feed:
    """A subscribed feed and where its polling stands."""

    id: int
    url: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    last_error: str | None = None
    next_poll_at: dt.datetime | None = None
    last_polled_at: dt.datetime | None = None
    guild_id: int | None = None
    articles: int = 0  # files written so far


class ItemState(enum.Enum):
    """What became of a feed item."""

    WRITTEN = "written"
    DUPLICATE = "duplicate"  # same text as an article already written
    SKIPPED = "skipped"  # a permanent failure (refused address, too big, no text)
    FAILED = "failed"  # a transient failure: tried again next round, up to MAX_ATTEMPTS


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """One item's outcome, as recorded."""

    guid: str
    url: str
    state: ItemState
    digest: str | None = None
    path: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """How one poll of a feed ended; `etag`/`last_modified` are None unless every item settled."""

    ok: bool
    next_poll_at: dt.datetime
    title: str | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None


class Ledger(Protocol):
    """The poller's memory: feeds, the items seen, the texts written."""

    def due_feeds(self, now: dt.datetime) -> list[Feed]:
        """Feeds whose next poll is at or before `now` (or never polled)."""
        ...

    def is_known(self, feed_id: int, guid: str, url: str) -> bool:
        """True if an item with this URL (from any feed) or this GUID (from this feed, since
        feeds number their items their own way) was settled, or failed too often, already."""
        ...

    def has_digest(self, digest: str) -> bool:
        """True if an article with this content digest was written already."""
        ...

    def record_item(self, feed_id: int, record: ItemRecord) -> None:
        """Remember an item's outcome (a FAILED one counts one more attempt)."""
        ...

    def finish_poll(self, feed_id: int, outcome: PollOutcome) -> None:
        """Store the poll's outcome: validators, error and failure count, next poll time."""
        ...


def next_poll(
    now: dt.datetime,
    interval: dt.timedelta,
    failures: int,
    cap: dt.timedelta,
    retry_after: float = 0.0,
) -> dt.datetime:
    """The next poll: one interval after a success; after n failures in a row, 2^n intervals
    (at most `cap`), and never sooner than the server's Retry-After."""
    seconds = interval.total_seconds()
    if failures > 0:
        seconds = min(seconds * 2 ** min(failures, 20), cap.total_seconds())
    return now + dt.timedelta(seconds=max(seconds, retry_after))
