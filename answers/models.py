"""What every answer is made of: plain frozen data that each front end renders its own way."""

from __future__ import annotations

import datetime as dt
import enum
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar


class Kind(enum.Enum):
    """Which question an answer answers."""

    SUMMARY = "summary"
    FIGURES = "figures"
    SOURCES = "sources"
    CITE = "cite"
    ASK = "ask"
    BRIEFING = "briefing"
    TIMELINE = "timeline"


class Category(enum.StrEnum):
    """What a figure measures; years and calendar dates are kept apart from counts."""

    COUNT = "count"  # a counted noun: "2,850 people", "dozens of workers"
    NUMBER = "number"  # a bare number whose noun the sentence leaves implicit: "(253)"
    PERCENT = "percent"
    MONEY = "money"
    DISTANCE = "distance"
    AREA = "area"
    DURATION = "duration"
    WEIGHT = "weight"
    VOLUME = "volume"
    SPEED = "speed"
    TEMPERATURE = "temperature"  # "-20C", "35°C": the unit is °C or °F
    DATE = "date"  # a calendar date: "April 30", "June 2024", "the 23rd"
    YEAR = "year"  # a year alone: "2024"
    ORDINAL = "ordinal"  # "the 80th anniversary"


# What a document without a date is called where a date must stand: decided here, once.
UNDATED = "undated"


def date_label(published: dt.date | None) -> str:
    """The ISO date, or "undated"."""
    return published.isoformat() if published else UNDATED


class Support(enum.Enum):
    """How well a quote backs a claim (for `cite`)."""

    STRONG = "strong"
    WEAK = "weak"


@dataclass(frozen=True, slots=True)
class Source:
    """A listed source; `number` is what citation markers ([1], [2]) point to."""

    number: int
    id: str
    title: str
    outlet: str | None
    published: dt.date | None
    url: str | None
    score: float
    snippet: str  # verbatim: the passage that matched best
    anchor: str  # where the snippet starts, e.g. "003_b8…#p15.s1"
    path: str = ""
    coverage: float = 0.0  # share of the query's idf weight its best passage covers, in context

    @property
    def known_facts(self) -> tuple[str, ...]:
        """Outlet and ISO date, each only when the document says (nothing stands in for them)."""
        date = self.published.isoformat() if self.published else None
        return tuple(fact for fact in (self.outlet, date) if fact)


@dataclass(frozen=True, slots=True)
class Citations:
    """The number [n] of each listed source by document id: what every composer's markers use."""

    numbers: Mapping[str, int]

    @classmethod
    def of(cls, sources: Iterable[Source]) -> Citations:
        """Number the documents as the sources list does."""
        return cls({s.id: s.number for s in sources})

    def __getitem__(self, doc_id: str) -> int:
        return self.numbers[doc_id]

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.numbers


@dataclass(frozen=True, slots=True)
class Quote:
    """A verbatim sentence (or passage) with its place and the sources that report it."""

    text: str
    source_id: str
    anchor: str
    start: int
    end: int
    markers: tuple[int, ...]  # source numbers: the first is the quote's own source
    reference: str = ""  # formatted reference (cite)
    support: Support | None = None
    score: float = 0.0
    # Spans of `text` that state what the question asked for (a figure, a name), to emphasize.
    emphasis: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Figure:
    """A number stated in the documents, as written, parsed, and where it stands."""

    value: str  # the phrase as written: "850 meters", "2,850 people", "97%"
    number: float
    unit: str | None
    category: Category  # a str: count, percent, money, distance, area, duration, date, year…
    sentence: Quote
    markers: tuple[int, ...]
    approximate: bool = False  # "nearly 300", "dozens", "three or more"
    upper: float | None = None  # end of a range: "one to two years"
    iso: str | None = None  # dates and years, ISO 8601: "2024-06", "--04-30"
    others: tuple[Quote, ...] = ()  # the same figure in other sentences (one per extra source)
    score: float = 0.0


class Precision(enum.Enum):
    """How much of the calendar a stated date pins down: a day, a week, a month, a quarter…"""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class StatedDate:
    """A date as a sentence states it, and the calendar span it resolves to (None: unresolved).

    `start:end` is the phrase's span in the sentence's text; `how` says in words how it was
    resolved ("on Tuesday → 27 May 2025, from the article's date") or why it was not.
    """

    phrase: str
    start: int
    end: int
    precision: Precision
    relative: bool  # resolved against the document's date ("last year", "on Tuesday")
    first: dt.date | None = None
    last: dt.date | None = None
    label: str = ""  # "27 May 2025", "June 2024", "Q3 2024"; what is known when unresolved
    how: str = ""

    @property
    def resolved(self) -> bool:
        """False when the date could not be placed on the calendar (never guessed)."""
        return self.first is not None


@dataclass(frozen=True, slots=True)
class Event:
    """A dated sentence on a timeline; `also` holds other sources' reports of the same event."""

    date: StatedDate
    quote: Quote
    markers: tuple[int, ...]  # the quote's own source first, then the sources in `also`
    also: tuple[Quote, ...] = ()


class Difference(enum.Enum):
    """Two figures for the same measure: sources disagree, or one figure changed over time."""

    CONFLICT = "conflict"
    CHANGE = "change"


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Two figures measuring the same thing (same counted noun or unit, same subject) that differ.

    `dates` are what each side's source says of when: the stated date or the source's date.
    """

    measure: str  # "troops", "meters"
    sides: tuple[Figure, Figure]
    difference: Difference = Difference.CONFLICT
    dates: tuple[str, str] = ("", "")


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A claim's number that the best quote states differently ("2 km" vs "850 meters")."""

    claimed: str  # as the claim writes it: "2 km"
    stated: str  # as the quote writes it: "850 meters"
    quote: Quote


@dataclass(frozen=True, slots=True)
class Story:
    """Documents about the same event, headed by the clearest sentence."""

    headline: Quote
    quotes: tuple[Quote, ...]
    markers: tuple[int, ...]
    figures: tuple[Figure, ...] = ()  # the story's key figures
    continues: bool = False  # it continues a story of the previous (scheduled) briefing
    new_sources: tuple[int, ...] = ()  # markers of its documents the previous one did not have
    new_figures: tuple[Figure, ...] = ()  # its key figures the previous one did not state


@dataclass(frozen=True, slots=True)
class _Answered:
    """What every answer has: the query, its sources, and a plain-language notice."""

    query: str
    sources: tuple[Source, ...] = ()
    notice: str | None = None  # e.g. why nothing was found

    @property
    def found(self) -> bool:
        """False when the documents say nothing on the query."""
        return bool(self.sources)


@dataclass(frozen=True, slots=True)
class SummaryAnswer(_Answered):
    """A few verbatim sentences on a topic."""

    kind: ClassVar[Kind] = Kind.SUMMARY
    sentences: tuple[Quote, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()


@dataclass(frozen=True, slots=True)
class FiguresAnswer(_Answered):
    """The figures on a topic; `total` counts every distinct figure, shown or not."""

    kind: ClassVar[Kind] = Kind.FIGURES
    figures: tuple[Figure, ...] = ()
    total: int = 0
    disagreements: tuple[Disagreement, ...] = ()


@dataclass(frozen=True, slots=True)
class SourcesAnswer(_Answered):
    """The documents on a topic, ranked."""

    kind: ClassVar[Kind] = Kind.SOURCES


@dataclass(frozen=True, slots=True)
class CitationAnswer(_Answered):
    """The quotes that back a claim; `support` is the best grade among them, None if none."""

    kind: ClassVar[Kind] = Kind.CITE
    quotes: tuple[Quote, ...] = ()
    support: Support | None = None
    mismatches: tuple[Mismatch, ...] = ()


@dataclass(frozen=True, slots=True)
class AskAnswer(_Answered):
    """A question answered with the best passages."""

    kind: ClassVar[Kind] = Kind.ASK
    passages: tuple[Quote, ...] = ()


@dataclass(frozen=True, slots=True)
class BriefingAnswer(_Answered):
    """What is new in `window`; `new` False means nothing was (a scheduled one is not posted)."""

    kind: ClassVar[Kind] = Kind.BRIEFING
    stories: tuple[Story, ...] = ()
    figures: tuple[Figure, ...] = ()
    window: tuple[dt.datetime, dt.datetime] | None = None
    new: bool = False
    documents: int = 0  # how many new documents the window held


@dataclass(frozen=True, slots=True)
class TimelineAnswer(_Answered):
    """The dated events of a topic, oldest first; `unresolved`: dates that cannot be placed."""

    kind: ClassVar[Kind] = Kind.TIMELINE
    events: tuple[Event, ...] = ()
    unresolved: tuple[Event, ...] = ()


# Every kind of answer; renderers `match` on it and end with `assert_never`.
Answer = (
    SummaryAnswer
    | FiguresAnswer
    | SourcesAnswer
    | CitationAnswer
    | AskAnswer
    | BriefingAnswer
    | TimelineAnswer
)
ANSWER_TYPES: tuple[type[Answer], ...] = typing.get_args(Answer)
