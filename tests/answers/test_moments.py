"""The per-corpus columns of when documents were first seen and published, and the window rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from answers.moments import DAY, EARLIEST, NONE, Moments, micros, moments
from tests.helpers import stamped

NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
SINCE, UNTIL = micros(NOW - 24 * HOUR), micros(NOW)


def test_micros_are_exact_to_the_microsecond() -> None:
    """A datetime one microsecond later is one more; the epoch is 0."""
    assert micros(dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) == 0
    assert micros(NOW + dt.timedelta(microseconds=1)) - micros(NOW) == 1


def test_first_seen_counts_in_the_half_open_window() -> None:
    """First seen at `since` is new, at `now` is not; a moment before the window is not."""
    seen = np.array([SINCE, UNTIL, SINCE - 1, UNTIL - 1, NONE], dtype=np.int64)
    columns = Moments(seen, np.full(5, NONE, dtype=np.int64))
    assert columns.new(np.arange(5), SINCE, UNTIL).tolist() == [True, False, False, True, False]


def test_a_publication_day_counts_while_it_overlaps_the_window() -> None:
    """A day that ends after `since` and starts before `now` is new; the day ending exactly at
    `since`, or starting at `now`, is not."""
    day0 = micros(dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    days = np.array([day0, SINCE - DAY, SINCE - DAY + 1, UNTIL, NONE], dtype=np.int64)
    columns = Moments(np.full(5, NONE, dtype=np.int64), days)
    assert columns.new(np.arange(5), SINCE, UNTIL).tolist() == [True, False, True, False, False]


def test_latest_is_the_later_moment_and_undated_is_earliest() -> None:
    """The later of first seen and published; a document with neither sorts below all."""
    seen = np.array([10, NONE, NONE], dtype=np.int64)
    day = np.array([20, 5, NONE], dtype=np.int64)
    assert Moments(seen, day).latest(np.arange(3)).tolist() == [20, 5, EARLIEST]


def test_columns_are_read_from_the_records_once(tmp_path: Path) -> None:
    """The columns hold each record's first-seen moment; the second call returns them as is."""
    root = tmp_path / "c"
    root.mkdir()
    for name in ("a", "b"):
        (root / f"{name}.txt").write_text(f"Story {name}\n\nThe {name} story happened.\n", "utf-8")
    corpus = stamped(root, [NOW - HOUR, None])
    found = moments(corpus)
    assert found.seen.tolist() == [micros(NOW - HOUR), NONE]
    assert found.day.tolist() == [NONE, NONE]
    assert moments(corpus) is found
