"""Feed subscriptions and the items seen, in the bot's SQLite state (tables of bot/state.py).

This is the poller's `feeds.ledger.Ledger`: items are keyed by URL (an article reached through
two feeds is taken once) and looked up by GUID within their feed (an item re-linked under the
same GUID is too; feeds number their items their own way, so GUIDs are not compared across).
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

from bot.state import StateError, StateStore
from feeds.ledger import MAX_ATTEMPTS, Feed, ItemRecord, ItemState, PollOutcome
from feeds.net import FetchError, allow_any, check_url

log = logging.getLogger(__name__)

_SELECT_FEED = """
    SELECT f.*, (SELECT count(*) FROM feed_items AS i
                  WHERE i.feed_id = f.id AND i.state = 'written') AS articles
      FROM feeds AS f"""


class FeedError(StateError):
    """A feed command that cannot be done (the message says why)."""


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _feed(row: sqlite3.Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        failures=row["failures"],
        last_error=row["last_error"],
        next_poll_at=_moment(row["next_poll_at"]),
        last_polled_at=_moment(row["last_polled_at"]),
        guild_id=row["guild_id"],
        articles=row["articles"],
    )


def normalize_url(url: str) -> str:
    """The URL as stored: trimmed; FeedError unless it is http(s) with a host."""
    url = url.strip()
    try:
        check_url(url, allow_any)  # the address policy applies when fetching, on every hop
    except FetchError as err:
        raise FeedError(f"not a feed address: {err.reason}") from None
    return url


class FeedStore:
    """Feeds and feed items on a StateStore's file."""

    def __init__(self, state: StateStore) -> None:
        self.state = state

    def add(self, url: str, guild_id: int | None, now: datetime) -> tuple[Feed, bool]:
        """Subscribe to a feed (polled at once); the feed and whether it is new."""
        url = normalize_url(url)
        with self.state.transaction(write=True) as conn:
            cursor = conn.execute(
                "INSERT INTO feeds (url, guild_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (url) DO NOTHING",
                (url, guild_id, _stamp(now)),
            )
            row = conn.execute(f"{_SELECT_FEED} WHERE f.url = ?", (url,)).fetchone()
        return _feed(row), cursor.rowcount > 0

    def remove(self, url: str) -> bool:
        """Unsubscribe; the articles already written stay in the corpus. False if unknown."""
        with self.state.transaction(write=True) as conn:
            cursor = conn.execute("DELETE FROM feeds WHERE url = ?", (url.strip(),))
        return cursor.rowcount > 0

    def get(self, url: str) -> Feed | None:
        """The feed with this URL, if subscribed."""
        with self.state.transaction() as conn:
            row = conn.execute(f"{_SELECT_FEED} WHERE f.url = ?", (url.strip(),)).fetchone()
        return None if row is None else _feed(row)

    def all(self) -> list[Feed]:
        """Every feed, in the order they were added."""
        with self.state.transaction() as conn:
            rows = conn.execute(f"{_SELECT_FEED} ORDER BY f.id").fetchall()
        return [_feed(r) for r in rows]

    # -- feeds.ledger.Ledger ------------------------------------------------------------------

    def due_feeds(self, now: datetime) -> list[Feed]:
        with self.state.transaction() as conn:
            rows = conn.execute(
                f"{_SELECT_FEED} WHERE f.next_poll_at IS NULL OR f.next_poll_at <= ? ORDER BY f.id",
                (_stamp(now),),
            ).fetchall()
        return [_feed(r) for r in rows]

    def is_known(self, feed_id: int, guid: str, url: str) -> bool:
        with self.state.transaction() as conn:
            row = conn.execute(
                "SELECT 1 FROM feed_items WHERE ((feed_id = ? AND guid = ?) OR url = ?)"
                " AND (state != 'failed' OR attempts >= ?) LIMIT 1",
                (feed_id, guid, url, MAX_ATTEMPTS),
            ).fetchone()
        return row is not None

    def has_digest(self, digest: str) -> bool:
        with self.state.transaction() as conn:
            row = conn.execute(
                "SELECT 1 FROM feed_items WHERE digest = ? AND state = 'written' LIMIT 1",
                (digest,),
            ).fetchone()
        return row is not None

    def record_item(self, feed_id: int, record: ItemRecord) -> None:
        now = _stamp(datetime.now(UTC))
        with self.state.transaction(write=True) as conn:
            conn.execute(
                """INSERT INTO feed_items (feed_id, guid, url, state, digest, path, reason,
                                           first_seen_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE SET
                       feed_id = excluded.feed_id, guid = excluded.guid, state = excluded.state,
                       attempts = feed_items.attempts + 1, digest = excluded.digest,
                       path = excluded.path, reason = excluded.reason,
                       updated_at = excluded.updated_at""",
                (
                    feed_id,
                    record.guid,
                    record.url,
                    record.state.value,
                    record.digest,
                    record.path,
                    record.reason,
                    now,
                    now,
                ),
            )

    def finish_poll(self, feed_id: int, outcome: PollOutcome) -> None:
        with self.state.transaction(write=True) as conn:
            conn.execute(
                """UPDATE feeds SET title = coalesce(?, title), etag = ?, last_modified = ?,
                       failures = CASE WHEN ? THEN 0 ELSE failures + 1 END, last_error = ?,
                       next_poll_at = ?, last_polled_at = ?
                   WHERE id = ?""",
                (
                    outcome.title,
                    outcome.etag,
                    outcome.last_modified,
                    outcome.ok,
                    outcome.error,
                    _stamp(outcome.next_poll_at),
                    _stamp(datetime.now(UTC)),
                    feed_id,
                ),
            )

    def items(self, state: ItemState | None = None) -> list[ItemRecord]:
        """The recorded items (all, or in one state), oldest first."""
        where, args = ("WHERE state = ?", (state.value,)) if state else ("", ())
        with self.state.transaction() as conn:
            rows = conn.execute(f"SELECT * FROM feed_items {where} ORDER BY id", args).fetchall()
        return [
            ItemRecord(
                r["guid"], r["url"], ItemState(r["state"]), r["digest"], r["path"], r["reason"]
            )
            for r in rows
        ]
