"""Answer filters: only documents of a date range and an outlet, selected before ranking.

A document's date is its published date, else the UTC day it was first seen (indexed). Both
ends of the range are included. The outlet matches whole, ignoring case and spacing. The
filter selects documents for the search itself (`Corpus.search(within=...)`), so a narrow
filter still gets the best passages of the documents it keeps; idf stays the whole corpus's.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.corpus import Corpus

NO_DOCUMENT = "No document matches the filter: {what}."


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True, slots=True)
class Filters:
    """Which documents an answer may draw on; empty means all of them."""

    since: dt.date | None = None
    until: dt.date | None = None
    outlet: str | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since {self.since} is after until {self.until}")

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or (self.outlet and self.outlet.strip()))

    def describe(self) -> str:
        """What the filter keeps, in words: 'from “X”, dated 2026-03-14 to 2026-03-16'."""
        parts = []
        if self.outlet and self.outlet.strip():
            parts.append(f"from “{self.outlet.strip()}”")
        if self.since and self.until:
            parts.append(f"dated {self.since.isoformat()} to {self.until.isoformat()}")
        elif self.since:
            parts.append(f"dated {self.since.isoformat()} or later")
        elif self.until:
            parts.append(f"dated {self.until.isoformat()} or earlier")
        return ", ".join(parts)

    def notice(self) -> str:
        """The line an answer carries to say which filter applied."""
        return f"Filtered: only documents {self.describe()} (date: published, else first seen)."

    def mask(self, corpus: Corpus) -> npt.NDArray[np.bool_]:
        """True for each document number the filter keeps."""
        days, outlet_ids, names = _columns(corpus)
        keep = np.ones(corpus.document_count, dtype=np.bool_)
        if self.outlet and self.outlet.strip():
            keep &= outlet_ids == names.get(_fold(self.outlet), -2)
        if self.since:
            keep &= days >= self.since.toordinal()  # undated (-1) never passes
        if self.until:
            keep &= (days >= 0) & (days <= self.until.toordinal())
        return keep


_Columns = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], dict[str, int]]
_COLUMNS: weakref.WeakKeyDictionary[Corpus, _Columns] = weakref.WeakKeyDictionary()


def _columns(corpus: Corpus) -> _Columns:
    """Each document's day (ordinal, -1 if none) and outlet id (-1 if none), read once a corpus."""
    found = _COLUMNS.get(corpus)
    if found is None:
        names: dict[str, int] = {}
        days, outlet_ids = [], []
        for record in corpus.records:
            day = document_day(record)
            days.append(day.toordinal() if day else -1)
            outlet = record.get("outlet")
            outlet_ids.append(names.setdefault(_fold(outlet), len(names)) if outlet else -1)
        found = (np.asarray(days, np.int64), np.asarray(outlet_ids, np.int64), names)
        _COLUMNS[corpus] = found
    return found


def prepare(corpus: Corpus) -> None:
    """Read the corpus's filter columns now, so that no filtered answer waits for them."""
    _columns(corpus)


NO_FILTERS = Filters()  # frozen, so one shared default is safe


def document_day(record: dict[str, object]) -> dt.date | None:
    """A document's date: published, else the UTC day it was first seen."""
    published, seen = record.get("published"), record.get("first_seen")
    if isinstance(published, str) and published:
        return dt.date.fromisoformat(published)
    if isinstance(seen, int | float):
        return dt.datetime.fromtimestamp(seen, dt.UTC).date()
    return None


def outlets(corpus: Corpus) -> tuple[str, ...]:
    """The corpus's outlets, most documents first (then by name), for autocomplete."""
    counts: dict[str, int] = {}
    for record in corpus.records:
        name = record.get("outlet")
        if name:
            counts[name] = counts.get(name, 0) + 1
    return tuple(sorted(counts, key=lambda n: (-counts[n], n.casefold())))
