"""What every answer is made of: plain frozen data that each front end renders its own way."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field


class Kind(enum.Enum):
    """Which question an answer answers."""

    SUMMARY = "summary"
    FIGURES = "figures"
    SOURCES = "sources"
    CITE = "cite"
    ASK = "ask"
    BRIEFING = "briefing"


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
    DATE = "date"  # a calendar date: "April 30", "June 2024", "the 23rd"
    YEAR = "year"  # a year alone: "2024"
    ORDINAL = "ordinal"  # "the 80th anniversary"


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


@dataclass(frozen=True, slots=True)
class Story:
    """Documents about the same event, headed by the clearest sentence."""

    headline: Quote
    quotes: tuple[Quote, ...]
    markers: tuple[int, ...]
    figures: tuple[Figure, ...] = ()  # the story's key figures


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer, whatever the question; empty lists when they do not apply."""

    kind: Kind
    query: str
    sources: tuple[Source, ...] = ()
    sentences: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()
    quotes: tuple[Quote, ...] = ()
    passages: tuple[Quote, ...] = ()
    stories: tuple[Story, ...] = ()
    notice: str | None = None  # a plain-language note, e.g. why nothing was found
    window: tuple[dt.datetime, dt.datetime] | None = None  # briefing: what "new" meant
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        """False when the documents say nothing on the query."""
        return bool(self.sources)
