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
