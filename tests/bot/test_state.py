"""Tests of bot.state on a real SQLite file and a real PostgreSQL server, and how failures surface.

Every test runs on both stores unless marked ``sqlite_only`` (WAL, file damage, full disks: faults
only a file has). The PostgreSQL server is started by the ``postgres_server`` session fixture.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import psycopg
import pytest

from bot.pgstate import PostgresStateStore
from bot.schedule import BriefingWindow, ScheduleError, Subscription
from bot.state import (
    _MIGRATIONS,
    SCHEMA_VERSION,
    Delivery,
    DeliveryState,
    StateError,
    StateStore,
    SubscriptionNotFound,
)
from tests.bot.stores import FullDiskStore, pending_days
from tests.pgserver import PostgresServer

OpenStore = Callable[..., StateStore]
# Overrides the backend fixture's parameters: this test needs a file.
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])

T0 = datetime(2024, 6, 1, 5, 0, tzinfo=UTC)
DAY = date(2024, 6, 1)


class Clock:
    """A settable clock, so stored timestamps are exact."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    """A clock standing at T0."""
    return Clock(T0)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A state file in a data directory that does not exist yet."""
    return tmp_path / "data" / "nested" / "state.sqlite3"


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """Which store the test runs on."""
    return str(request.param)


@pytest.fixture
def open_store(request: pytest.FixtureRequest, backend: str, db_path: Path) -> Iterator[OpenStore]:
    """Opens stores on one fresh database: db_path, or a new database on the PostgreSQL server."""
    opened: list[PostgresStateStore] = []
    if backend == "sqlite":
        yield lambda **options: StateStore(db_path, **options)
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"t_{uuid4().hex}"
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")

    def _open(**options: Any) -> StateStore:
        opened.append(PostgresStateStore(server.url(name), **options))
        return opened[-1]

    yield _open
    for store in opened:
        store.close()
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def store(open_store: OpenStore, clock: Clock) -> StateStore:
    """A fresh store on a fresh database."""
    return open_store(clock=clock)


@pytest.fixture
def sub(store: StateStore) -> Subscription:
    """One subscription: guild 10, channel 100, 07:30 Europe/Berlin."""
    return store.subscribe(10, 100, time(7, 30), "Europe/Berlin")


@pytest.fixture
def raw(db_path: Path, store: StateStore) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to the store's file, for looking behind the API."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    yield conn
    conn.close()


# -- opening and schema --------------------------------------------------------------------


@sqlite_only
def test_open_creates_directory_wal_and_schema(
    db_path: Path, store: StateStore, raw: sqlite3.Connection
) -> None:
    """Opening creates the parent directory, a WAL-mode file and records the schema version."""
    assert db_path.is_file()
    assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    versions = raw.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert versions == [(v,) for v in range(1, SCHEMA_VERSION + 1)]


@sqlite_only
def test_reopening_does_not_reapply_migrations(
    db_path: Path, sub: Subscription, raw: sqlite3.Connection
) -> None:
    """Migrations are idempotent: a second open keeps data and the single version row."""
    StateStore(db_path)
    StateStore(db_path)
    assert raw.execute("SELECT count(*) FROM schema_version").fetchone() == (SCHEMA_VERSION,)
    assert StateStore(db_path).get_by_channel(100) == sub


@sqlite_only
def test_newer_schema_is_refused(db_path: Path, store: StateStore, raw: sqlite3.Connection) -> None:
    """A file written by a newer briefbot is not silently downgraded."""
    raw.execute("INSERT INTO schema_version VALUES (?, 'later')", (SCHEMA_VERSION + 1,))
    with pytest.raises(StateError, match=f"schema version {SCHEMA_VERSION + 1}, newer than"):
        StateStore(db_path)


# -- subscriptions -------------------------------------------------------------------------


def test_subscribe_round_trip(store: StateStore, sub: Subscription) -> None:
    """A subscription comes back identical through get_by_channel and both listings."""
    assert sub == Subscription(
        sub_id=sub.sub_id,
        guild_id=10,
        channel_id=100,
        local_time=time(7, 30),
        timezone="Europe/Berlin",
        created_at=T0,
        enabled=True,
        failures=0,
        last_delivered_at=None,
    )
    assert store.get_by_channel(100) == sub
    assert store.list_guild(10) == [sub]
    assert store.list_enabled() == [sub]
    assert store.get_by_channel(999) is None


def test_subscribe_again_updates_and_reenables(
    store: StateStore, sub: Subscription, clock: Clock
) -> None:
    """Subscribing the same channel again keeps id and created_at, updates time and zone."""
    store.record_failure(sub.sub_id, "Forbidden")
    store.disable(sub.sub_id, "missing permissions")
    clock.now = T0 + timedelta(days=3)
    again = store.subscribe(10, 100, time(6, 15), "asia/seoul")
    assert again == Subscription(sub.sub_id, 10, 100, time(6, 15), "Asia/Seoul", T0)
    assert store.list_guild(10) == [again]


def test_subscribe_rejects_bad_input_without_writing(store: StateStore) -> None:
    """An unknown zone or a time with seconds is refused and nothing is stored."""
    with pytest.raises(ScheduleError, match="`Mars/Base` is not an IANA time zone"):
        store.subscribe(10, 100, time(7, 30), "Mars/Base")
    with pytest.raises(ValueError, match="minute precision"):
        store.subscribe(10, 100, time(7, 30, 15), "UTC")
    assert store.list_guild(10) == []


def test_listings_filter_by_guild_and_enabled(store: StateStore) -> None:
    """list_guild shows a guild's channels (disabled too); list_enabled spans guilds."""
    a = store.subscribe(10, 300, time(8, 0), "UTC")
    b = store.subscribe(10, 200, time(9, 0), "UTC")
    c = store.subscribe(20, 400, time(9, 0), "UTC")
    store.disable(a.sub_id, "gone")
    disabled_a = store.get_by_channel(300)
    assert disabled_a is not None and not disabled_a.enabled
    assert store.list_guild(10) == [b, disabled_a]
    assert store.list_guild(20) == [c]
    assert store.list_enabled() == [b, c]


def test_unsubscribe_removes_subscription_and_its_log(store: StateStore, sub: Subscription) -> None:
    """Unsubscribing deletes the row and its deliveries; a second call reports False."""
    delivery = store.begin_delivery(sub.sub_id, DAY, "n1")
    assert delivery is not None
    assert store.unsubscribe(100) is True
    assert store.unsubscribe(100) is False
    assert store.get_by_channel(100) is None
    assert pending_days(store) == []
    assert store.confirm_delivery(delivery, 555) is False


def test_failure_counting(store: StateStore, sub: Subscription) -> None:
    """record_failure counts up, reset_failures returns to zero, unknown ids raise."""
    assert [store.record_failure(sub.sub_id, "HTTP 500") for _ in range(3)] == [1, 2, 3]
    got = store.get_by_channel(100)
    assert got is not None and got.failures == 3
    store.reset_failures(sub.sub_id)
    got = store.get_by_channel(100)
    assert got is not None and got.failures == 0
    with pytest.raises(SubscriptionNotFound, match="no subscription with id 999"):
        store.record_failure(999, "x")
    with pytest.raises(SubscriptionNotFound):
        store.disable(999, "x")


def test_concurrent_threads_do_not_lose_updates(store: StateStore, sub: Subscription) -> None:
    """200 failures recorded from eight threads count 1..200: no lost or doubled increments."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda n: store.record_failure(sub.sub_id, str(n)), range(200)))
    assert sorted(counts) == list(range(1, 201))


def test_several_topics_per_channel(store: StateStore, sub: Subscription) -> None:
    """One channel holds a subscription per topic; each is updated and removed on its own."""
    rason = store.subscribe(10, 100, time(9, 0), "UTC", topic=" Rason ")
    assert rason.topic == "Rason" and rason.sub_id != sub.sub_id
    assert store.get_by_channel(100) == sub and store.get_by_channel(100, "Rason") == rason
    moved = store.subscribe(10, 100, time(10, 0), "UTC", topic="Rason")
    assert moved.sub_id == rason.sub_id and moved.local_time == time(10, 0)
    assert store.list_guild(10) == [sub, moved]
    assert store.unsubscribe(100, "Rason") is True
    assert store.list_guild(10) == [sub]


def test_version_1_file_migrates_with_its_subscriptions_and_log(tmp_path: Path) -> None:
    """A schema 1 file (one subscription per channel) keeps its rows and delivery log."""
    path = tmp_path / "v1.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT)")
    conn.execute("INSERT INTO schema_version VALUES (1, 'then')")
    for statement in _MIGRATIONS[0]:
        assert isinstance(statement, str)  # schema 1 is spelt the same in both dialects
        conn.execute(statement)
    conn.execute(
        "INSERT INTO subscriptions (guild_id, channel_id, local_time, timezone, created_at,"
        " updated_at) VALUES (10, 100, '07:30', 'Europe/Berlin', ?, ?)",
        (T0.isoformat(), T0.isoformat()),
    )
    conn.execute(
        "INSERT INTO deliveries (sub_id, local_day, state, nonce, started_at, finished_at)"
        " VALUES (1, ?, 'sent', 'n', ?, ?)",
        (DAY.isoformat(), T0.isoformat(), T0.isoformat()),
    )
    conn.close()
    store = StateStore(path)
    migrated = store.get_by_channel(100)
    assert migrated is not None and migrated.topic == "" and migrated.local_time == time(7, 30)
    assert migrated.last_delivered_at == T0 and store.last_handled_day(1) == DAY
    store.subscribe(10, 100, time(8, 0), "UTC", topic="Rason")  # UNIQUE (channel_id) is gone
    assert len(store.list_guild(10)) == 2


@pytest.mark.parametrize("backend", ["postgres"])
def test_version_1_database_migrates_in_postgres(open_store: OpenStore) -> None:
    """PostgreSQL's spelling of migration 2 keeps a schema 1 database's rows and sequence."""
    first = open_store()
    with first._session(write=True) as conn:  # back to schema 1, rows and all
        for later in ("feed_items", "feeds"):  # tables of migrations after 2
            conn.execute(f"DROP TABLE IF EXISTS {later}")
        conn.execute("DROP TABLE delivery_parts")
        conn.execute("DROP TABLE deliveries")
        conn.execute("DROP TABLE subscriptions")
        conn.execute("DROP TABLE meta")
        conn.execute("DELETE FROM schema_version WHERE version > 1")
        for statement in _MIGRATIONS[0]:
            conn.execute(statement)  # type: ignore[arg-type]
        conn.execute(
            "INSERT INTO subscriptions (guild_id, channel_id, local_time, timezone, created_at,"
            " updated_at) VALUES (10, 100, '07:30', 'Europe/Berlin', ?, ?)",
            (T0.isoformat(), T0.isoformat()),
        )
        conn.execute(
            "INSERT INTO deliveries (sub_id, local_day, state, nonce, started_at, finished_at)"
            " VALUES (1, ?, 'sent', 'n', ?, ?)",
            (DAY.isoformat(), T0.isoformat(), T0.isoformat()),
        )
    store = open_store()
    migrated = store.get_by_channel(100)
    assert migrated is not None and migrated.topic == "" and migrated.last_delivered_at == T0
    rason = store.subscribe(10, 100, time(8, 0), "UTC", topic="Rason")
    assert rason.sub_id == 2 and len(store.list_guild(10)) == 2


# -- delivery log --------------------------------------------------------------------------


def test_begin_then_confirm(store: StateStore, sub: Subscription, clock: Clock) -> None:
    """begin writes PENDING, confirm marks SENT; the day is then settled and not begun again."""
    delivery = store.begin_delivery(sub.sub_id, DAY, "nonce-1")
    assert delivery == Delivery(sub.sub_id, DAY, DeliveryState.PENDING, "nonce-1", T0)
    clock.now = T0 + timedelta(seconds=2)
    assert store.confirm_delivery(delivery, 987654321) is True
    assert store.confirm_delivery(delivery, 987654321) is False
    assert store.begin_delivery(sub.sub_id, DAY, "nonce-2") is None
    assert store.last_delivered(sub.sub_id) == Delivery(
        sub.sub_id,
        DAY,
        DeliveryState.SENT,
        "nonce-1",
        T0,
        message_id=987654321,
        delivered_at=T0 + timedelta(seconds=2),
    )
    assert store.last_handled_day(sub.sub_id) == DAY
    got = store.get_by_channel(100)
    assert got is not None and got.last_delivered_at == T0 + timedelta(seconds=2)


def test_crash_between_begin_and_confirm_resumes(
    open_store: OpenStore, store: StateStore, sub: Subscription
) -> None:
    """A PENDING row survives a restart and comes back resumed, with its original nonce."""
    store.begin_delivery(sub.sub_id, DAY, "first-run")
    restarted = open_store()
    resumed = Delivery(sub.sub_id, DAY, DeliveryState.PENDING, "first-run", T0, resumed=True)
    assert pending_days(restarted) == [(sub.sub_id, DAY.isoformat())]
    assert restarted.begin_delivery(sub.sub_id, DAY, "second-run") == resumed
    assert restarted.last_handled_day(sub.sub_id) is None
    assert restarted.confirm_delivery(resumed, 42) is True
    assert pending_days(restarted) == []


def test_parts_and_window_survive_a_restart(
    open_store: OpenStore, store: StateStore, sub: Subscription
) -> None:
    """A briefing's window and each posted part are logged; a restart resumes with both."""
    window = BriefingWindow(T0 - timedelta(hours=24), T0)
    delivery = store.begin_delivery(sub.sub_id, DAY, "b1-20240601", window)
    assert delivery is not None and delivery.window == window
    store.record_part(delivery, 1, 111)
    store.record_part(delivery, 1, 111)  # recorded twice (a retry): still one row
    store.record_part(delivery, 2, 222)
    restarted = open_store()
    resumed = restarted.begin_delivery(sub.sub_id, DAY, "other", BriefingWindow(T0, T0))
    assert resumed is not None and resumed.resumed and resumed.window == window
    assert restarted.sent_parts(resumed) == {1: 111, 2: 222}
    assert restarted.unsubscribe(100) and restarted.sent_parts(resumed) == {}


def test_mark_skipped_settles_the_day(store: StateStore, sub: Subscription) -> None:
    """A skipped day is never begun again, counts as handled, but not as delivered."""
    store.mark_skipped(sub.sub_id, DAY, "missed by 3h")
    assert store.begin_delivery(sub.sub_id, DAY, "n") is None
    assert store.last_handled_day(sub.sub_id) == DAY
    assert store.last_delivered(sub.sub_id) is None


def test_mark_skipped_resolves_pending_but_never_overrides_sent(
    store: StateStore, sub: Subscription
) -> None:
    """Skipping a PENDING day settles it; skipping a SENT day leaves it SENT."""
    pending = store.begin_delivery(sub.sub_id, DAY, "p")
    sent = store.begin_delivery(sub.sub_id, date(2024, 6, 2), "s")
    assert pending is not None and sent is not None
    store.confirm_delivery(sent, 7)
    store.mark_skipped(sub.sub_id, DAY, "gave up")
    store.mark_skipped(sub.sub_id, date(2024, 6, 2), "late")
    with store._session() as conn:  # behind the API, on either engine
        query = "SELECT local_day, state FROM deliveries ORDER BY local_day"
        rows = [tuple(row) for row in conn.execute(query).fetchall()]
    assert rows == [("2024-06-01", "skipped"), ("2024-06-02", "sent")]
    assert pending_days(store) == []


def test_last_delivered_is_the_latest_day(store: StateStore, sub: Subscription) -> None:
    """With several sent days, last_delivered and last_handled_day report the latest."""
    for n, day in enumerate([date(2024, 6, 3), date(2024, 6, 1), date(2024, 6, 2)]):
        delivery = store.begin_delivery(sub.sub_id, day, f"n{n}")
        assert delivery is not None
        store.confirm_delivery(delivery, n)
    store.mark_skipped(sub.sub_id, date(2024, 6, 4), "missed")
    last = store.last_delivered(sub.sub_id)
    assert last is not None and (last.local_day, last.message_id) == (date(2024, 6, 3), 0)
    assert store.last_handled_day(sub.sub_id) == date(2024, 6, 4)


def test_begin_delivery_for_unknown_subscription(store: StateStore) -> None:
    """Beginning a delivery for a removed subscription raises SubscriptionNotFound."""
    with pytest.raises(SubscriptionNotFound, match="no subscription with id 5"):
        store.begin_delivery(5, DAY, "n")


# -- meta and restart ----------------------------------------------------------------------


def test_meta_get_set(store: StateStore) -> None:
    """Meta values round-trip, overwrite, and a missing key is None."""
    assert store.get_meta("last_index_build") is None
    store.set_meta("last_index_build", "2024-06-01T05:00:00+00:00")
    store.set_meta("last_index_build", "2024-06-02T05:00:00+00:00")
    assert store.get_meta("last_index_build") == "2024-06-02T05:00:00+00:00"


def test_second_instance_sees_the_same_data(open_store: OpenStore, store: StateStore) -> None:
    """A restart (a new StateStore on the same file) sees subscriptions, log and meta."""
    a = store.subscribe(10, 100, time(7, 30), "UTC")
    delivery = store.begin_delivery(a.sub_id, DAY, "n")
    assert delivery is not None
    store.confirm_delivery(delivery, 1)
    store.set_meta("k", "v")
    other = open_store()
    assert other.list_enabled() == store.list_enabled()
    assert other.last_delivered(a.sub_id) == store.last_delivered(a.sub_id)
    assert other.get_meta("k") == "v"


# -- failures ------------------------------------------------------------------------------


@sqlite_only
def test_locked_database_surfaces_state_error(
    db_path: Path, store: StateStore, sub: Subscription, clock: Clock
) -> None:
    """A writer blocked past busy_timeout gets StateError 'locked' and writes nothing."""
    impatient = StateStore(db_path, busy_timeout=timedelta(milliseconds=20), clock=clock)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StateError, match="is locked by another connection") as caught:
            impatient.subscribe(10, 200, time(8, 0), "UTC")
        assert str(db_path) in str(caught.value)
        assert impatient.get_by_channel(100) == sub  # WAL: readers do not wait for the writer
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert impatient.get_by_channel(200) is None


def test_garbage_file_is_named_in_the_error(tmp_path: Path) -> None:
    """A file that is not a database gives a StateError naming the file, not a traceback."""
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"this is not a database\n" * 200)
    with pytest.raises(StateError) as caught:
        StateStore(path)
    assert str(caught.value).startswith(f"{path} is not a usable SQLite database")


def test_directory_in_place_of_file(tmp_path: Path) -> None:
    """A path that cannot be opened as a file gives a StateError pointing at the path."""
    (tmp_path / "state.sqlite3").mkdir()
    with pytest.raises(StateError, match="cannot open state database"):
        StateStore(tmp_path / "state.sqlite3")


def test_full_disk_surfaces_state_error_without_partial_write(db_path: Path) -> None:
    """When the file cannot grow, the failing subscribe raises StateError and stores nothing."""
    StateStore(db_path)
    store = FullDiskStore(db_path)
    stored = 0
    with pytest.raises(StateError, match="the disk is full; nothing was written"):
        for channel in range(1, 2000):
            store.subscribe(10, channel, time(7, 30), "Europe/Berlin")
            stored += 1
    assert 0 < stored < 1999
    assert [s.channel_id for s in StateStore(db_path).list_guild(10)] == list(range(1, stored + 1))


class _FlakyConnection(sqlite3.Connection):
    """Fails with a disk I/O error on the second statement of record_failure."""

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql.startswith("SELECT failures"):
            raise sqlite3.OperationalError("disk I/O error")
        return super().execute(sql, *args)


class _FlakyStore(StateStore):
    """A store whose connections hit a disk I/O error mid-transaction."""

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, factory=_FlakyConnection)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn


@sqlite_only
def test_io_error_mid_transaction_rolls_back(db_path: Path, sub: Subscription) -> None:
    """An I/O error after the UPDATE of record_failure rolls the UPDATE back."""
    with pytest.raises(StateError, match="disk I/O error; nothing was written"):
        _FlakyStore(db_path).record_failure(sub.sub_id, "boom")
    got = StateStore(db_path).get_by_channel(100)
    assert got is not None and got.failures == 0


def test_state_does_not_import_discord() -> None:
    """The state store is pure: importing it in a fresh interpreter does not pull in discord."""
    code = "import sys, bot.state; print('discord' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def _empty_btree_page(path: Path, name: str) -> None:
    """Overwrite the root page of table or index `name` with an empty leaf: rows vanish."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root, kind = conn.execute(
        "SELECT rootpage, type FROM sqlite_master WHERE name = ?", (name,)
    ).fetchone()
    conn.close()
    leaf = bytearray(page_size)
    leaf[0] = 0x0D if kind == "table" else 0x0A  # b-tree leaf page types
    leaf[5:7] = page_size.to_bytes(2, "big")  # cell content starts at the end: no cells
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(leaf)


@sqlite_only
@pytest.mark.parametrize("damaged", ["schema_version", "subscriptions_by_guild"])
def test_damaged_file_says_so_and_what_to_do(
    db_path: Path, sub: Subscription, damaged: str
) -> None:
    """A file whose pages lost rows is refused as damaged, naming it and what to do, not
    "table subscriptions already exists" or a silent start on a broken file."""
    _empty_btree_page(db_path, damaged)
    with pytest.raises(StateError) as caught:
        StateStore(db_path)
    message = str(caught.value)
    assert message.startswith(f"{db_path} is damaged"), message
    assert "move it aside" in message and "backup" in message
    assert "already exists" not in message


@sqlite_only
def test_malformed_file_says_it_is_damaged(db_path: Path, sub: Subscription) -> None:
    """A truncated database file: the damage and the remedy are named."""
    StateStore(db_path).subscribe(10, 200, time(8, 0), "UTC")
    sqlite3.connect(db_path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    with db_path.open("r+b") as file:
        file.truncate(db_path.stat().st_size - 4096)
    with pytest.raises(StateError, match=r"is damaged .*move it aside"):
        StateStore(db_path)


def test_remove_by_id_only_in_its_own_guild(store: StateStore, sub: Subscription) -> None:
    """A subscription is removed by id only by its own guild; removed twice is False."""
    assert store.remove(99, sub.sub_id) is None
    assert store.get_by_channel(100) == sub
    assert store.remove(10, sub.sub_id) == sub
    assert store.get_by_channel(100) is None and store.remove(10, sub.sub_id) is None


# -- several processes on one database -----------------------------------------------------


def test_racing_writers_begin_a_day_once(open_store: OpenStore, sub: Subscription) -> None:
    """Eight stores (processes) racing to begin one day: one begins it, seven find it pending."""
    stores = [open_store() for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(
            pool.map(lambda s: s[1].begin_delivery(sub.sub_id, DAY, f"n{s[0]}"), enumerate(stores))
        )
    fresh = [d for d in got if d is not None and not d.resumed]
    assert len(fresh) == 1
    assert {d.nonce for d in got if d is not None} == {fresh[0].nonce}


def test_a_held_delivery_is_held_by_one_store_at_a_time(
    open_store: OpenStore, store: StateStore, sub: Subscription
) -> None:
    """While one store (process) holds a subscription's delivery another cannot hold it, but
    may hold another subscription's; once released, it can."""
    other_process = open_store()
    second = store.subscribe(10, 101, time(8, 0), "UTC")
    held = store.hold_delivery(sub.sub_id)
    assert held is not None
    assert other_process.hold_delivery(sub.sub_id) is None
    elsewhere = other_process.hold_delivery(second.sub_id)
    assert elsewhere is not None
    held.release()
    again = other_process.hold_delivery(sub.sub_id)
    assert again is not None
    again.release()
    elsewhere.release()


def test_snowflakes_need_64_bits(store: StateStore) -> None:
    """Guild and channel ids up to 2**63-1 round-trip (a 32-bit INTEGER column would refuse)."""
    big = 2**63 - 1
    sub = store.subscribe(big - 1, big, time(7, 0), "UTC")
    assert (sub.guild_id, sub.channel_id) == (big - 1, big)
    assert store.list_guild(big - 1) == [sub]


@pytest.mark.parametrize("backend", ["postgres"])
def test_processes_starting_together_migrate_once(open_store: OpenStore) -> None:
    """Four processes opening a new database at once: one migration, each sees the schema."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        stores = list(pool.map(lambda _: open_store(), range(4)))
    with stores[0]._session() as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_version")]
    assert versions == list(range(1, SCHEMA_VERSION + 1))
