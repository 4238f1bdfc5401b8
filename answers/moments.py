"""When each document was first seen and when it was published, as columns read once a corpus.

A briefing asks of every document whether it is new in a window and how recent it is: reading
and parsing every record for each briefing cost most of one over a large corpus. The columns
hold exact microseconds since the Unix epoch (the datetimes the records name, to the
microsecond), so comparing them is comparing those datetimes.
"""

from __future__ import annotations

import datetime as dt
import logging
import weakref
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.corpus import Corpus

log = logging.getLogger(__name__)

Micros = npt.NDArray[np.int64]
_UNIX = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICRO = dt.timedelta(microseconds=1)
DAY = 86_400_000_000  # microseconds
# Where a record has no such moment: below every datetime (datetime.min is above it).
NONE = np.iinfo(np.int64).min


def micros(moment: dt.datetime) -> int:
    """An aware datetime as whole microseconds since the Unix epoch."""
    return (moment - _UNIX) // _MICRO


EARLIEST = micros(dt.datetime.min.replace(tzinfo=dt.UTC))  # "latest" of an undated document


@dataclass(frozen=True, slots=True)
class Moments:
    """Per document number: first seen, and the start (UTC) of its publication day."""

    seen: Micros
    day: Micros

    def new(self, numbers: Micros, since: int, now: int) -> npt.NDArray[np.bool_]:
        """For each number: first seen in [since, now), or published on a UTC day that
        overlaps it."""
        seen, day = self.seen[numbers], self.day[numbers]
        dated = day != NONE
        in_window = (seen != NONE) & (since <= seen) & (seen < now)
        new: npt.NDArray[np.bool_] = in_window | (
            dated & (day < now) & (day + np.where(dated, DAY, 0) > since)
        )
        return new

    def latest(self, numbers: Micros) -> Micros:
        """For each number, the later of first seen and published (EARLIEST if neither)."""
        later: Micros = np.maximum(np.maximum(self.seen[numbers], self.day[numbers]), EARLIEST)
        return later


_CACHE: weakref.WeakKeyDictionary[Corpus, Moments] = weakref.WeakKeyDictionary()


def moments(corpus: Corpus) -> Moments:
    """The corpus's columns, read from its records the first time they are asked for."""
    found = _CACHE.get(corpus)
    if found is None:
        seen, day = [], []
        for record in corpus.records:
            first, published = record.get("first_seen"), record.get("published")
            seen.append(NONE if first is None else micros(dt.datetime.fromtimestamp(first, dt.UTC)))
            start = (
                dt.datetime.fromisoformat(published).replace(tzinfo=dt.UTC) if published else None
            )
            day.append(NONE if start is None else micros(start))
        found = Moments(np.asarray(seen, dtype=np.int64), np.asarray(day, dtype=np.int64))
        _CACHE[corpus] = found
    return found
