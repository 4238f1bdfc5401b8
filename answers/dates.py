"""Dates as a sentence states them, resolved against the document's date, or honestly not.

Absolute dates ("April 30, 2025", "June 2024", "2014") come from `answers.quantities`; this
module adds what prose says relative to when it was written: "last year", "on Tuesday", "the
third quarter of last year", "in June of last year", "three years ago", "the 23rd", "April 30"
without a year. Those resolve only against the document's own published date, and the answer
says so ("on Tuesday → 27 May 2025, from the article's date"); in an undated document they stay
unresolved, with the reason. A past-tense sentence means the latest such day on or before the
date; a future one ("will", "is expected to") the next one on or after it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from dataclasses import dataclass

from answers.models import Category, Precision, StatedDate
from answers.quantities import Mention, extract
from answers.units import MONTHS, WORD_NUMBERS

log = logging.getLogger(__name__)

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_ORDER = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_ORDER |= {"final": 4, "last": 4}


def _relative_year_of(tag: str) -> str:
    """ "last year" (group ry<tag>), for the parts of a year that may name theirs."""
    return rf"(?P<ry{tag}>last|this|next|previous|past|coming)\s+year"


def _year_of(tag: str) -> str:
    """ " of last year", " of 2024" (groups ry<tag>, year<tag>), optional."""
    return rf"(?:\s+of\s+(?:{_relative_year_of(tag)}|(?P<year{tag}>\d{{4}})))?"


_WEEKDAYS = {name: i for i, name in enumerate(calendar.day_name)}
_NUMBER = "|".join(sorted({*WORD_NUMBERS, *map(str, range(1, 100))}, key=len, reverse=True))
# A month named alone is a date after these words ("in June", "since April"), not "May" the verb.
_BEFORE_MONTH = "(?:in|In|of|by|since|Since|until|from|early|late|mid|last|next|this)"
_PATTERNS = re.compile(
    rf"\b(?:(?:the\s+)?(?P<q>{'|'.join(_ORDER)})\s+quarter{_year_of('q')}"
    # A half names its year ("the first half of last year"): "in the second half" is a match's.
    rf"|(?:the\s+)?(?P<h>first|second|1st|2nd)\s+half(?=\s+of\s+(?:last|this|next|previous|past|coming|\d))"
    rf"{_year_of('h')}"
    rf"|(?:{_BEFORE_MONTH}[\s-])?(?P<m>{_MONTH})(?:\s+of)?\s+{_relative_year_of('m')}"
    rf"|(?P<shift>last|this|next|previous|past|coming)\s+(?P<unit>year|month|week)"
    rf"|(?P<ago>{_NUMBER}|a|an)\s+(?P<agounit>year|month|week|day)s?\s+ago"
    rf"|(?P<day>yesterday|today|tonight|tomorrow)"
    rf"|(?:(?P<ws>last|next|this)\s+)?(?P<w>{'|'.join(_WEEKDAYS)})"
    rf"|{_BEFORE_MONTH}[\s-]"
    rf"(?P<mo>{_MONTH})(?!\w|\s+\d)"
    r")\b",
)
# A sentence about what is to come: its relative dates fall on or after the document's date.
_FUTURE = re.compile(
    r"\b(?:will|shall|is\s+(?:expected|set|due|scheduled|planned)|are\s+(?:expected|set|due|"
    r"scheduled|planned)|(?:plans?|hopes?|aims?|intends?|wants?)\s+to|planning|upcoming|later|next)\b",
    re.IGNORECASE,
)
_SHIFT = {"last": -1, "previous": -1, "past": -1, "this": 0, "coming": 1, "next": 1}
_WHEN = "from the article's date"
UNDATED = "not resolved: the document has no date"


@dataclass(frozen=True, slots=True)
class _Span:
    """A calendar span being resolved: its first and last day and its precision."""

    first: dt.date
    last: dt.date
    precision: Precision


def _month(year: int, month: int) -> _Span:
    last = calendar.monthrange(year, month)[1]
    return _Span(dt.date(year, month, 1), dt.date(year, month, last), Precision.MONTH)


def _year(year: int) -> _Span:
    return _Span(dt.date(year, 1, 1), dt.date(year, 12, 31), Precision.YEAR)


def _part(year: int, number: int, months: int, precision: Precision) -> _Span:
    """The `number`-th quarter (months=3) or half (months=6) of `year`."""
    first = (number - 1) * months + 1
    end = _month(year, first + months - 1).last
    return _Span(dt.date(year, first, 1), end, precision)


def _day(day: dt.date) -> _Span:
    return _Span(day, day, Precision.DAY)


def label(span: _Span) -> str:
    """ "27 May 2025", "week of 19 May 2025", "June 2024", "Q3 2024", "H1 2024", "2024"."""
    first = span.first
    match span.precision:
        case Precision.DAY:
            return f"{first.day} {first:%B %Y}"
        case Precision.WEEK:
            return f"week of {first.day} {first:%B %Y}"
        case Precision.MONTH:
            return f"{first:%B %Y}"
        case Precision.QUARTER:
            return f"Q{(first.month - 1) // 3 + 1} {first.year}"
        case Precision.HALF:
            return f"H{(first.month - 1) // 6 + 1} {first.year}"
        case Precision.YEAR:
            return str(first.year)


def _nearest(candidates: list[_Span], on: dt.date, future: bool) -> _Span:
    """The latest span starting on or before `on`, or (future) the first ending on or after."""
    if future:
        return next(s for s in candidates if s.last >= on)
    return [s for s in candidates if s.first <= on][-1]


def _relative_year(word: str | None, year: str | None, on: dt.date) -> int:
    return int(year) if year else on.year + (_SHIFT[word] if word else 0)


def _weekday(m: re.Match[str], on: dt.date, future: bool) -> _Span:
    """ "on Tuesday": the latest Tuesday up to the date (the next one in a future sentence)."""
    target, shift = _WEEKDAYS[m["w"]], m["ws"]
    back = (on.weekday() - target) % 7
    ahead = (target - on.weekday()) % 7
    if shift == "last" or (shift is None and not future):
        back = back or (7 if shift == "last" else 0)
        return _day(on - dt.timedelta(days=back))
    ahead = ahead or (7 if shift == "next" else 0)
    return _day(on + dt.timedelta(days=ahead))


def _ago(m: re.Match[str], on: dt.date) -> _Span:
    raw = m["ago"].lower()
    n = 1 if raw in ("a", "an") else int(WORD_NUMBERS.get(raw, 0) or int(raw))
    unit = m["agounit"]
    if unit == "year":
        return _year(on.year - n)
    if unit == "month":
        months = on.year * 12 + on.month - 1 - n
        return _month(months // 12, months % 12 + 1)
    if unit == "week":
        return _week(on - dt.timedelta(weeks=n))
    return _day(on - dt.timedelta(days=n))


def _week(day: dt.date) -> _Span:
    monday = day - dt.timedelta(days=day.weekday())
    return _Span(monday, monday + dt.timedelta(days=6), Precision.WEEK)


def _shifted(unit: str, shift: int, on: dt.date) -> _Span:
    """ "last year", "this month", "next week"."""
    if unit == "year":
        return _year(on.year + shift)
    if unit == "week":
        return _week(on + dt.timedelta(weeks=shift))
    months = on.year * 12 + on.month - 1 + shift
    return _month(months // 12, months % 12 + 1)


def _first(m: re.Match[str], *groups: str) -> str | None:
    return next((m[g] for g in groups if m[g]), None)


def _resolve(m: re.Match[str], on: dt.date, future: bool) -> _Span:
    """The span a relative phrase means, written on `on`."""
    if m["q"] or m["h"]:
        number = _ORDER[(m["q"] or m["h"]).lower()]
        months, precision = (3, Precision.QUARTER) if m["q"] else (6, Precision.HALF)
        word, year = _first(m, "ryq", "ryh"), _first(m, "yearq", "yearh")
        if word or year:
            return _part(_relative_year(word, year, on), number, months, precision)
        years = range(on.year - 1, on.year + 2)
        return _nearest([_part(y, number, months, precision) for y in years], on, future)
    if m["m"]:
        return _month(_relative_year(m["rym"], None, on), MONTHS[m["m"]][0])
    if m["shift"]:
        return _shifted(m["unit"], _SHIFT[m["shift"]], on)
    if m["ago"]:
        return _ago(m, on)
    if m["day"]:
        offset = {"yesterday": -1, "tomorrow": 1}.get(m["day"].lower(), 0)
        return _day(on + dt.timedelta(days=offset))
    if m["w"]:
        return _weekday(m, on, future)
    month, shift = MONTHS[m["mo"]][0], m.group(0).split()[0].lower()
    spans = [_month(y, month) for y in range(on.year - 1, on.year + 2)]
    if shift == "last":  # "last June", written in June 2025: June 2024
        return [s for s in spans if s.last < on.replace(day=1)][-1]
    if shift == "next":
        return next(s for s in spans if s.first > on)
    return _nearest(spans, on, future)


_PRECISION = {"q": Precision.QUARTER, "h": Precision.HALF, "m": Precision.MONTH}
_PRECISION |= {"w": Precision.DAY, "day": Precision.DAY, "mo": Precision.MONTH}


def _precision(m: re.Match[str]) -> Precision:
    """What an unresolved phrase would pin down."""
    if m["shift"] or m["ago"]:
        unit = m["unit"] or m["agounit"]
        return {"year": Precision.YEAR, "month": Precision.MONTH}.get(unit, Precision.DAY)
    return next(p for group, p in _PRECISION.items() if m[group])


def _stated(phrase: str, start: int, span: _Span, relative: bool, how: str) -> StatedDate:
    text = label(span)
    return StatedDate(
        phrase, start, start + len(phrase), span.precision, relative, span.first, span.last,
        text, how or f"{phrase} → {text}, {_WHEN}",
    )  # fmt: skip


def _relative(m: re.Match[str], on: dt.date | None, future: bool) -> StatedDate:
    phrase = m.group(0)
    year = _first(m, "yearq", "yearh")
    if year:  # "the third quarter of 2024": nothing relative about it
        stated = _resolve(m, dt.date(int(year), 1, 1), future)
        return _stated(phrase, m.start(), stated, False, "stated")
    if on is None:
        return StatedDate(phrase, m.start(), m.end(), _precision(m), True, how=UNDATED)
    return _stated(phrase, m.start(), _resolve(m, on, future), True, "")


def _calendar(iso: str, on: dt.date | None, future: bool) -> tuple[_Span | None, str]:
    """An ISO form from `quantities` ("2024-06", "--04-30", "---23"): its span and how."""
    if re.fullmatch(r"\d{4}", iso):
        return _year(int(iso)), "stated"
    if m := re.fullmatch(r"(\d{4})-(\d\d)", iso):
        return _month(int(m[1]), int(m[2])), "stated"
    if m := re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", iso):
        return _day(dt.date(int(m[1]), int(m[2]), int(m[3]))), "stated"
    if on is None:
        return None, UNDATED
    if m := re.fullmatch(r"--(\d\d)-(\d\d)", iso):
        month, day = int(m[1]), int(m[2])
        days = [_day(dt.date(y, month, day)) for y in range(on.year - 1, on.year + 2)]
        return _nearest(days, on, future), "the year " + _WHEN
    day = int(iso[3:])
    months = [on.year * 12 + on.month - 1 + k for k in (-1, 0, 1)]
    days = [_day(dt.date(n // 12, n % 12 + 1, day)) for n in months]
    return _nearest(days, on, future), "the month " + _WHEN


def _future(text: str, before: int) -> bool:
    """Whether the sentence speaks of what is to come before the date it states."""
    return _FUTURE.search(text, 0, before) is not None


def stated_dates(text: str, published: dt.date | None) -> list[StatedDate]:
    """Every date `text` states, left to right, resolved against `published` where relative."""
    found = [_relative(m, published, _future(text, m.start())) for m in _PATTERNS.finditer(text)]
    for mention in extract(text):
        if mention.category not in (Category.DATE, Category.YEAR) or mention.iso is None:
            continue
        if not any(d.start < mention.end and mention.start < d.end for d in found):
            found.append(_absolute(mention, published, _future(text, mention.start)))
    return sorted(found, key=lambda d: d.start)


def _absolute(mention: Mention, published: dt.date | None, future: bool) -> StatedDate:
    """A calendar date `quantities` found; without a year or month, resolved like the rest."""
    assert mention.iso is not None
    span, how = _calendar(mention.iso, published, future)
    phrase, start = mention.value, mention.start
    if span is None:
        missing = "month and year" if mention.iso.startswith("---") else "year"
        known = f"{phrase}, {missing} not stated"
        return StatedDate(phrase, start, mention.end, Precision.DAY, True, label=known, how=how)
    if how == "stated":
        return _stated(phrase, start, span, False, how)
    return _stated(phrase, start, span, True, f"{phrase} → {label(span)}, {how}")
