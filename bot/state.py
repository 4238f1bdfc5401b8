"""Durable state of the bot in one SQLite file: subscriptions, the delivery log, a meta table.

Every public method opens its own connection and runs one transaction, so a ``StateStore`` can
be shared freely between threads (the bot calls it through ``asyncio.to_thread``) and a failed
call never leaves half a change behind. sqlite3 failures surface as :class:`StateError` with a
message an operator can act on.

Deliveries are written before and confirmed after sending: ``begin_delivery`` records a
PENDING row carrying a nonce, the caller posts the briefing with that nonce, then
``confirm_delivery`` marks it SENT. The poster holds the subscription meanwhile
(``hold_delivery``), so a PENDING row found by a holder means the process that began it died in
between; the caller looks for the nonce in the channel before posting again.
"""

from __future__ import annotations

import enum
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bot.holds import Hold, hold_file
from bot.schedule import BriefingWindow, Subscription, parse_timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dialects:
    """One migration statement spelled per engine, where a single spelling cannot serve both.

    Plain strings serve both: the PostgreSQL store turns ``?`` into ``%s`` and ``INTEGER`` into
    ``BIGINT`` (snowflakes need 64 bits), so most statements need no second spelling.
    """

    sqlite: str
    postgres: str | None  # None: this step has nothing to do in PostgreSQL


# Each entry is one schema version; append, never edit, so existing files migrate forward.
# The same list migrates SQLite files and PostgreSQL databases (bot/pgstate.py).
_MIGRATIONS: tuple[tuple[str | Dialects, ...], ...] = (
    (
        """CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY,
            guild_id INTEGER NOT NULL,
            channel_id INTEGER NOT NULL UNIQUE,
            local_time TEXT NOT NULL,
            timezone TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            failures INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            disabled_reason TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        "CREATE INDEX subscriptions_by_guild ON subscriptions (guild_id)",
        """CREATE TABLE deliveries (
            sub_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            local_day TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'skipped')),
            nonce TEXT,
            message_id INTEGER,
            reason TEXT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            PRIMARY KEY (sub_id, local_day))""",
        "CREATE INDEX deliveries_pending ON deliveries (state) WHERE state = 'pending'",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    (
        # Several subscriptions per channel, each with its own topic: SQLite cannot drop the
        # UNIQUE (channel_id), so the table is rebuilt (foreign keys are off while migrating).
        # PostgreSQL alters the table in place: no rebuild, and foreign keys stay on.
        Dialects(
            """CREATE TABLE subscriptions_v2 (
                id INTEGER PRIMARY KEY,
                guild_id INTEGER NOT NULL,
                channel_id INTEGER NOT NULL,
                topic TEXT NOT NULL DEFAULT '',
                local_time TEXT NOT NULL,
                timezone TEXT NOT NULL,
                enabled INTEGER NOT NULL DEFAULT 1,
                failures INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                disabled_reason TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (channel_id, topic))""",
            "ALTER TABLE subscriptions ADD COLUMN topic TEXT NOT NULL DEFAULT ''",
        ),
        Dialects(
            """INSERT INTO subscriptions_v2
                   (id, guild_id, channel_id, local_time, timezone, enabled, failures, last_error,
                    disabled_reason, created_at, updated_at)
               SELECT id, guild_id, channel_id, local_time, timezone, enabled, failures, last_error,
                      disabled_reason, created_at, updated_at FROM subscriptions""",
            "ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_channel_id_key",
        ),
        Dialects(
            "DROP TABLE subscriptions",
            "ALTER TABLE subscriptions ADD UNIQUE (channel_id, topic)",
        ),
        Dialects(
            "ALTER TABLE subscriptions_v2 RENAME TO subscriptions",
            None,
        ),
        Dialects(
            "CREATE INDEX subscriptions_by_guild ON subscriptions (guild_id)",
            None,
        ),
        # A briefing is several messages: the window it covers is fixed when it begins, so a
        # resumed delivery composes the same briefing, and each message sent is logged.
        "ALTER TABLE deliveries ADD COLUMN window_since TEXT",
        "ALTER TABLE deliveries ADD COLUMN window_until TEXT",
        """CREATE TABLE delivery_parts (
            sub_id INTEGER NOT NULL,
            local_day TEXT NOT NULL,
            part INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            sent_at TEXT NOT NULL,
            PRIMARY KEY (sub_id, local_day, part),
            FOREIGN KEY (sub_id, local_day) REFERENCES deliveries (sub_id, local_day)
                ON DELETE CASCADE)""",
    ),
    (  # news feeds (bot/feedstore.py); items outlive their feed, so re-adding rewrites nothing
        """CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            guild_id INTEGER,
            title TEXT,
            etag TEXT,
            last_modified TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            next_poll_at TEXT,
            last_polled_at TEXT,
            created_at TEXT NOT NULL)""",
        """CREATE TABLE feed_items (
            id INTEGER PRIMARY KEY,
            feed_id INTEGER REFERENCES feeds (id) ON DELETE SET NULL,
            guid TEXT NOT NULL,
            url TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL CHECK (state IN ('written', 'duplicate', 'skipped', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 1,
            digest TEXT,
            path TEXT,
            reason TEXT,
            first_seen_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        "CREATE INDEX feed_items_by_guid ON feed_items (feed_id, guid)",
        "CREATE INDEX feed_items_by_digest ON feed_items (digest) WHERE digest IS NOT NULL",
    ),
)
SCHEMA_VERSION = len(_MIGRATIONS)

_SELECT_SUBSCRIPTION = """
    SELECT s.id, s.guild_id, s.channel_id, s.topic, s.local_time, s.timezone, s.enabled, s.failures,
           s.created_at,
           (SELECT max(d.finished_at) FROM deliveries AS d
             WHERE d.sub_id = s.id AND d.state = 'sent') AS last_delivered_at
      FROM subscriptions AS s"""
_SELECT_DELIVERY = """
    SELECT sub_id, local_day, state, nonce, message_id, started_at, finished_at, window_since,
           window_until FROM deliveries"""


class StateError(RuntimeError):
    """The state database cannot be read or written; the message says what to do about it."""


class SubscriptionNotFound(StateError):
    """No subscription has the given id (it was removed while a delivery was in flight)."""


class DeliveryState(enum.Enum):
    """Where a local day's delivery stands in the log."""

    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Delivery:
    """One row of the delivery log: a subscription's briefing for one local day."""

    sub_id: int
    local_day: date
    state: DeliveryState
    nonce: str
    started_at: datetime
    resumed: bool = False
    message_id: int | None = None
    delivered_at: datetime | None = None
    window: BriefingWindow | None = None  # what the briefing covers, fixed when it began


def _utcnow() -> datetime:
    """The real clock; tests inject their own."""
    return datetime.now(UTC)


class StateStore:
    """Subscriptions, delivery log and meta values in a SQLite file at ``path``."""

    def __init__(
        self,
        path: Path | str,
        *,
        busy_timeout: timedelta = timedelta(seconds=5),
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.path = Path(path)
        self._busy_ms = int(busy_timeout.total_seconds() * 1000)
        self._clock = clock
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(f"cannot create data directory {self.path.parent}: {exc}") from exc
        self._enable_wal()
        self._check_integrity()
        self._migrate()

    def close(self) -> None:
        """Nothing to release: every call opens and closes its own connection."""

    # -- subscriptions ---------------------------------------------------------------------

    def subscribe(
        self, guild_id: int, channel_id: int, local_time: time, timezone: str, topic: str = ""
    ) -> Subscription:
        """Subscribe a channel (to one topic, or to everything when ``topic`` is empty), or
        update the time and zone of that subscription and re-enable it if already there."""
        if local_time.tzinfo is not None or local_time.second or local_time.microsecond:
            raise ValueError(f"local_time must be naive with minute precision: {local_time!r}")
        zone_name = parse_timezone(timezone)
        topic = topic.strip()
        now = _stamp(self._clock())
        with self._session(write=True) as conn:
            # Re-subscribing keeps the id (and so the delivery log): a day already sent is not
            # sent again because the time changed. created_at stays the original creation time.
            conn.execute(
                """INSERT INTO subscriptions
                       (guild_id, channel_id, topic, local_time, timezone, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (channel_id, topic) DO UPDATE SET
                       guild_id = excluded.guild_id, local_time = excluded.local_time,
                       timezone = excluded.timezone, enabled = 1, failures = 0, last_error = NULL,
                       disabled_reason = NULL, updated_at = excluded.updated_at""",
                (guild_id, channel_id, topic, local_time.strftime("%H:%M"), zone_name, now, now),
            )
            row = conn.execute(
                f"{_SELECT_SUBSCRIPTION} WHERE s.channel_id = ? AND s.topic = ?",
                (channel_id, topic),
            )
            return _subscription(row.fetchone())

    def unsubscribe(self, channel_id: int, topic: str | None = None) -> bool:
        """Remove a channel's subscriptions (only the one on ``topic`` if given) and their
        delivery logs; False if there was none."""
        with self._session(write=True) as conn:
            if topic is None:
                cursor = conn.execute(
                    "DELETE FROM subscriptions WHERE channel_id = ?", (channel_id,)
                )
            else:
                cursor = conn.execute(
                    "DELETE FROM subscriptions WHERE channel_id = ? AND topic = ?",
                    (channel_id, topic.strip()),
                )
            return cursor.rowcount > 0

    def remove(self, guild_id: int, sub_id: int) -> Subscription | None:
        """Remove a guild's subscription by id (its channel may be gone); None if it had none."""
        with self._session(write=True) as conn:
            row = conn.execute(
                f"{_SELECT_SUBSCRIPTION} WHERE s.id = ? AND s.guild_id = ?", (sub_id, guild_id)
            ).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM subscriptions WHERE id = ?", (sub_id,))
        return _subscription(row)

    def get_by_channel(self, channel_id: int, topic: str = "") -> Subscription | None:
        """The subscription of this channel on ``topic`` (empty: everything), if any."""
        with self._session() as conn:
            row = conn.execute(
                f"{_SELECT_SUBSCRIPTION} WHERE s.channel_id = ? AND s.topic = ?",
                (channel_id, topic.strip()),
            ).fetchone()
        return None if row is None else _subscription(row)

    def list_guild(self, guild_id: int) -> list[Subscription]:
        """All subscriptions of a guild, enabled or not, by channel id."""
        with self._session() as conn:
            rows = conn.execute(
                f"{_SELECT_SUBSCRIPTION} WHERE s.guild_id = ? ORDER BY s.channel_id, s.topic",
                (guild_id,),
            ).fetchall()
        return [_subscription(row) for row in rows]

    def list_enabled(self) -> list[Subscription]:
        """All enabled subscriptions across guilds, by id."""
        with self._session() as conn:
            rows = conn.execute(
                f"{_SELECT_SUBSCRIPTION} WHERE s.enabled = 1 ORDER BY s.id"
            ).fetchall()
        return [_subscription(row) for row in rows]

    def record_failure(self, sub_id: int, error: str) -> int:
        """Count one more consecutive failure for a subscription and return the new count."""
        with self._session(write=True) as conn:
            self._update(conn, sub_id, "failures = failures + 1, last_error = ?", error)
            row = conn.execute("SELECT failures FROM subscriptions WHERE id = ?", (sub_id,))
            return int(row.fetchone()[0])

    def reset_failures(self, sub_id: int) -> None:
        """Forget past failures after a successful delivery."""
        with self._session(write=True) as conn:
            self._update(conn, sub_id, "failures = 0, last_error = NULL")

    def disable(self, sub_id: int, reason: str) -> None:
        """Stop delivering to a subscription until its channel subscribes again."""
        with self._session(write=True) as conn:
            self._update(conn, sub_id, "enabled = 0, disabled_reason = ?", reason)
        log.info("disabled subscription %d: %s", sub_id, reason)

    # -- delivery log ----------------------------------------------------------------------

    def hold_delivery(self, sub_id: int) -> Hold | None:
        """The right to post ``sub_id``'s briefing now, or None while another store (process)
        has it; a process that dies loses it (see bot/holds.py). Take it before
        ``begin_delivery``: a PENDING day found while holding it was abandoned."""
        folder = self.path.with_name(f"{self.path.name}.holds")
        try:
            return hold_file(folder, sub_id)
        except OSError as exc:
            raise StateError(f"cannot lock deliveries in {folder}: {exc.strerror or exc}") from exc

    def begin_delivery(
        self, sub_id: int, local_day: date, nonce: str, window: BriefingWindow | None = None
    ) -> Delivery | None:
        """Record the intent to deliver ``local_day`` covering ``window``; None if that day is
        already settled.

        A PENDING row left by an earlier run is returned with ``resumed=True``, its original
        nonce and window (the arguments are then ignored): the caller must check the channel
        for the parts it may have posted first.
        """
        with self._session(write=True) as conn:
            exists = conn.execute("SELECT 1 FROM subscriptions WHERE id = ?", (sub_id,))
            if exists.fetchone() is None:
                raise SubscriptionNotFound(f"no subscription with id {sub_id}")
            started = self._clock()
            since, until = (window.since, window.until) if window else (None, None)
            # Claim by inserting, never check-then-insert: of two writers racing for the day
            # (two PostgreSQL processes), one inserts and the other waits for its commit and
            # then finds the row, so the day is begun once.
            claimed = conn.execute(
                "INSERT INTO deliveries (sub_id, local_day, state, nonce, started_at,"
                " window_since, window_until) VALUES (?, ?, 'pending', ?, ?, ?, ?)"
                " ON CONFLICT (sub_id, local_day) DO NOTHING",
                (
                    sub_id,
                    local_day.isoformat(),
                    nonce,
                    _stamp(started),
                    since and _stamp(since),
                    until and _stamp(until),
                ),
            )
            if claimed.rowcount == 0:
                row = conn.execute(
                    f"{_SELECT_DELIVERY} WHERE sub_id = ? AND local_day = ?",
                    (sub_id, local_day.isoformat()),
                ).fetchone()
                existing = _delivery(row, resumed=True)
                return existing if existing.state is DeliveryState.PENDING else None
        return Delivery(
            sub_id, local_day, DeliveryState.PENDING, nonce, started.astimezone(UTC), window=window
        )

    def record_part(self, delivery: Delivery, part: int, message_id: int) -> None:
        """Log that part ``part`` (1-based) of a pending delivery was posted as ``message_id``."""
        with self._session(write=True) as conn:
            conn.execute(
                "INSERT INTO delivery_parts (sub_id, local_day, part, message_id, sent_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    delivery.sub_id,
                    delivery.local_day.isoformat(),
                    part,
                    message_id,
                    _stamp(self._clock()),
                ),
            )

    def sent_parts(self, delivery: Delivery) -> dict[int, int]:
        """The parts of a delivery already posted: part number -> message id."""
        with self._session() as conn:
            rows = conn.execute(
                "SELECT part, message_id FROM delivery_parts WHERE sub_id = ? AND local_day = ?",
                (delivery.sub_id, delivery.local_day.isoformat()),
            ).fetchall()
        return {int(row[0]): int(row[1]) for row in rows}

    def confirm_delivery(self, delivery: Delivery, message_id: int) -> bool:
        """Mark a pending delivery SENT; False if it was already settled or its row is gone."""
        with self._session(write=True) as conn:
            cursor = conn.execute(
                "UPDATE deliveries SET state = 'sent', message_id = ?, finished_at = ?"
                " WHERE sub_id = ? AND local_day = ? AND state = 'pending'",
                (
                    message_id,
                    _stamp(self._clock()),
                    delivery.sub_id,
                    delivery.local_day.isoformat(),
                ),
            )
            return cursor.rowcount > 0

    def mark_skipped(self, sub_id: int, local_day: date, reason: str) -> None:
        """Settle ``local_day`` as skipped so it is never retried; a SENT day stays SENT."""
        now = _stamp(self._clock())
        with self._session(write=True) as conn:
            conn.execute(
                """INSERT INTO deliveries
                       (sub_id, local_day, state, reason, started_at, finished_at)
                   VALUES (?, ?, 'skipped', ?, ?, ?)
                   ON CONFLICT (sub_id, local_day) DO UPDATE SET
                       state = 'skipped', reason = excluded.reason,
                       finished_at = excluded.finished_at
                   WHERE deliveries.state = 'pending'""",
                (sub_id, local_day.isoformat(), reason, now, now),
            )

    def last_delivered(self, sub_id: int) -> Delivery | None:
        """The latest SENT delivery of a subscription (``local_day``, ``delivered_at``), if any."""
        with self._session() as conn:
            row = conn.execute(
                f"{_SELECT_DELIVERY} WHERE sub_id = ? AND state = 'sent'"
                " ORDER BY local_day DESC LIMIT 1",
                (sub_id,),
            ).fetchone()
        return None if row is None else _delivery(row, resumed=False)

    def last_handled_day(self, sub_id: int) -> date | None:
        """The latest local day settled as SENT or SKIPPED: what ``schedule.decide`` needs."""
        with self._session() as conn:
            row = conn.execute(
                "SELECT max(local_day) FROM deliveries WHERE sub_id = ? AND state != 'pending'",
                (sub_id,),
            ).fetchone()
        return None if row[0] is None else date.fromisoformat(row[0])

    # -- meta ------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A value from the key/value table, or None."""
        with self._session() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store a value in the key/value table, replacing any previous one."""
        with self._session(write=True) as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- plumbing --------------------------------------------------------------------------

    def transaction(self, *, write: bool = False) -> AbstractContextManager[sqlite3.Connection]:
        """One transaction on a fresh connection, for stores of other tables in this file."""
        return self._session(write=write)

    def _connect(self) -> sqlite3.Connection:
        """A fresh connection; one per call keeps the store thread-safe without a lock."""
        # isolation_level=None: we issue BEGIN ourselves, so a write takes its lock up front
        # (BEGIN IMMEDIATE) instead of failing on a read-to-write upgrade that cannot wait.
        conn = sqlite3.connect(self.path, timeout=self._busy_ms / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @contextmanager
    def _session(
        self, *, write: bool = False, foreign_keys: bool = True
    ) -> Iterator[sqlite3.Connection]:
        """One transaction, committed on success and rolled back on any error."""
        try:
            conn = self._connect()
            if not foreign_keys:  # only outside a transaction does this pragma take effect
                conn.execute("PRAGMA foreign_keys = OFF")
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield conn
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(conn)
            raise self._error(exc) from exc
        except BaseException:
            _rollback(conn)
            raise
        finally:
            conn.close()

    def _enable_wal(self) -> None:
        """Switch the file to WAL, so readers never wait for the delivery loop's writes."""
        try:
            conn = self._connect()
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        if str(mode).lower() != "wal":
            log.warning(
                "%s: journal mode is %s, not WAL (unsupported filesystem?)", self.path, mode
            )

    def _check_integrity(self) -> None:
        """Refuse a damaged file at open, before a migration misreads it."""
        with self._session() as conn:
            problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(3)")]
        if problems != ["ok"]:
            raise self._damaged("; ".join(problems))

    def _damaged(self, detail: str) -> StateError:
        return StateError(
            f"{self.path} is damaged ({detail}). Stop briefbot, then move it aside (with"
            f" its -wal and -shm files) to start with no subscriptions, or restore it from a"
            f" backup."
        )

    def _migrate(self) -> None:
        """Bring the schema to :data:`SCHEMA_VERSION`; a no-op on an up-to-date file.

        Foreign keys are off while migrating, as SQLite's table rebuild procedure requires
        (dropping a rebuilt table would otherwise cascade to its delivery log), and checked
        before the migration commits.
        """
        with self._session(write=True, foreign_keys=False) as conn:
            self._lock_schema(conn)
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version"
                " (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            current = int(
                conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
            )
            if current == 0 and self._has_table(conn, "subscriptions"):
                # The version rows are gone but the tables are there: migrating would fail
                # with "table subscriptions already exists".
                raise self._damaged("its schema version is missing")
            if current > SCHEMA_VERSION:
                raise StateError(
                    f"{self.path} has schema version {current}, newer than this briefbot"
                    f" ({SCHEMA_VERSION}); upgrade briefbot or use another data directory"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[version - 1]:
                    if (spelled := self._spelling(statement)) is not None:
                        conn.execute(spelled)
                conn.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (version, _stamp(self._clock())),
                )
                log.info("%s: migrated to schema version %d", self.path, version)
            self._check_foreign_keys(conn)

    def _lock_schema(self, conn: sqlite3.Connection) -> None:
        """Keep other processes out of a migration: BEGIN IMMEDIATE already does in SQLite."""

    def _has_table(self, conn: sqlite3.Connection, name: str) -> bool:
        """Whether the schema has a table called ``name``."""
        # fetchall: a statement left open on sqlite_master would lock the table that a
        # migration drops ("database table is locked").
        found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,))
        return found.fetchall() != []

    def _check_foreign_keys(self, conn: sqlite3.Connection) -> None:
        """After migrating with foreign keys off: every reference must still hold."""
        if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise StateError(f"{self.path}: the delivery log refers to missing subscriptions")

    def _spelling(self, statement: str | Dialects) -> str | None:
        """A migration statement as this engine spells it; None: nothing to do here."""
        return statement.sqlite if isinstance(statement, Dialects) else statement

    def _update(
        self, conn: sqlite3.Connection, sub_id: int, assignments: str, *args: object
    ) -> None:
        """Apply ``SET assignments`` to one subscription, which must exist."""
        cursor = conn.execute(
            f"UPDATE subscriptions SET {assignments} WHERE id = ?", (*args, sub_id)
        )
        if cursor.rowcount == 0:
            raise SubscriptionNotFound(f"no subscription with id {sub_id}")

    def _error(self, exc: sqlite3.Error) -> StateError:
        """Translate a sqlite3 failure into a StateError that says what to do about it."""
        code = getattr(exc, "sqlite_errorname", None) or ""
        text = str(exc)
        lowered = text.lower()
        where = f"state database {self.path}"
        if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in lowered:
            return StateError(
                f"{where} is locked by another connection (waited {self._busy_ms} ms); is another"
                " briefbot using the same data directory? Nothing was written."
            )
        if code.startswith("SQLITE_FULL") or "is full" in lowered:
            return StateError(f"{where}: the disk is full; nothing was written. Free some space.")
        if code.startswith("SQLITE_IOERR") or "disk i/o error" in lowered:
            return StateError(f"{where}: disk I/O error; nothing was written. Check the disk.")
        if code.startswith("SQLITE_CORRUPT") or "malformed" in lowered:
            return self._damaged(text)
        if code.startswith("SQLITE_NOTADB") or "not a database" in lowered:
            return StateError(
                f"{self.path} is not a usable SQLite database ({text}); move it aside to start"
                " with empty state"
            )
        if code.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM")):
            return StateError(f"cannot open {where} ({text}); check the path and its permissions")
        return StateError(f"{where}: {text}")


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back if a transaction is open; the original error matters more than this one."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _stamp(instant: datetime) -> str:
    """A UTC timestamp whose text sorts like the instant (fixed width, always microseconds)."""
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def _subscription(row: sqlite3.Row) -> Subscription:
    """A Subscription from a row of :data:`_SELECT_SUBSCRIPTION`."""
    last = row["last_delivered_at"]
    return Subscription(
        sub_id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        topic=row["topic"],
        local_time=time.fromisoformat(row["local_time"]),
        timezone=row["timezone"],
        created_at=datetime.fromisoformat(row["created_at"]),
        enabled=bool(row["enabled"]),
        failures=row["failures"],
        last_delivered_at=None if last is None else datetime.fromisoformat(last),
    )


def _delivery(row: sqlite3.Row, *, resumed: bool) -> Delivery:
    """A Delivery from a row of :data:`_SELECT_DELIVERY`."""
    finished, since, until = row["finished_at"], row["window_since"], row["window_until"]
    window = None
    if since is not None and until is not None:
        window = BriefingWindow(datetime.fromisoformat(since), datetime.fromisoformat(until))
    return Delivery(
        sub_id=row["sub_id"],
        local_day=date.fromisoformat(row["local_day"]),
        state=DeliveryState(row["state"]),
        nonce=row["nonce"] or "",
        started_at=datetime.fromisoformat(row["started_at"]),
        resumed=resumed,
        message_id=row["message_id"],
        delivered_at=None if finished is None else datetime.fromisoformat(finished),
        window=window,
    )
