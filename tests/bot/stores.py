"""State stores with real SQLite faults, shared by the state and end-to-end tests."""

from __future__ import annotations

import sqlite3

from bot.state import StateStore


class FullDiskStore(StateStore):
    """A store whose file may not grow: SQLite itself reports 'database or disk is full'."""

    def _connect(self) -> sqlite3.Connection:
        conn = super()._connect()
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn


def pending_days(store: StateStore) -> list[tuple[int, str]]:
    """(subscription id, local day) of each delivery begun and never settled, oldest first.

    The bot itself only meets a pending day again through ``begin_delivery`` (resumed); tests
    look at the table to see that a kill left one behind.
    """
    with store.transaction() as conn:
        rows = conn.execute(
            "SELECT sub_id, local_day FROM deliveries WHERE state = 'pending'"
            " ORDER BY local_day, sub_id"
        ).fetchall()
    return [(int(row[0]), str(row[1])) for row in rows]
