"""Numbers as news prose writes them: "850 meters", "nearly 300 vehicles daily", "97%", "June 2024".

`extract` finds every figure in a text and returns it with its exact span, so the phrase shown
is always `text[start:end]`. Each figure gets a parsed number, a unit (a measure such as
"meters", a currency code, or the counted noun: "people", "North Korean soldiers") and a
category. Years ("2024") and calendar dates ("April 30", "the 23rd", "June 2024") have categories
of their own, apart from counts. Identifiers ("Resolution 2397", "Covid-19") and clock times are
not figures; number words are figures only with a unit, a range or a vague plural ("one to two
years", "three or more North Koreans", "dozens of workers"), never in "the two countries".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from answers.models import Category
from answers.units import (
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    MODIFIERS,
    MONTHS,
    NOT_NAMES,
    NOT_NOUNS,
    PLURALS,
    UNITS,
    VAGUE,
    WORD_NUMBERS,
)
from retrieval.tokenizer import STOPWORDS

log = logging.getLogger(__name__)


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of the words, longest first (so "sq km" wins over "sq")."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


_NUMERAL = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_WORDS = _alternation(WORD_NUMBERS)
_MONTH = _alternation(MONTHS)
_ANCHOR = re.compile(
    rf"(?<![\w.,:/\-–])(?P<numeral>{_NUMERAL})(?![\d]|[.,:]\d)|\b(?P<word>{_WORDS})\b",
    re.IGNORECASE,
)
_MONTH_BEFORE = re.compile(rf"\b(?P<month>{_MONTH})\.?\s+$")
_MONTH_AFTER = re.compile(rf"\s+(?P<month>{_MONTH})\b\.?(?:,?\s+(?P<year>\d{{4}})\b(?![.,]\d))?")
_YEAR_AFTER = re.compile(r",?\s+(?P<year>\d{4})\b(?![.,]\d)")
_QUALIFIER = re.compile(
    r"\b(?P<q>more than|less than|fewer than|at least|at most|up to|as many as|as much as|"
    r"close to|an estimated|a mere|about|around|approximately|nearly|almost|roughly|some|"
    r"over|under|only|just|estimated|exactly|early|mid|late)(?:\s+|-)$",
    re.IGNORECASE,
)
_EXACT = frozenset({"only", "just", "exactly", "a mere"})
_THE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_CURRENCY = re.compile(rf"(?:{_alternation(CURRENCY_SYMBOLS)})\s?$")
_CURRENCY_WORD = re.compile(rf"\s+(?P<c>{_alternation(CURRENCY_WORDS)})\b", re.IGNORECASE)
_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b", re.IGNORECASE)
_DECADE = re.compile(r"s\b")
_RANGE = re.compile(
    rf"\s*(?:-|–|—|\s+to\s+(?:the\s+)?)(?P<n>{_NUMERAL}|{_WORDS})(?:st|nd|rd|th)?\b", re.I
)
_SCALE = re.compile(r"\s?(?P<s>million|billion|trillion|thousand|bn|mn|m|k)\b", re.IGNORECASE)
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9}
_SCALES |= {"bn": 1e9, "trillion": 1e12}
_PERCENT = re.compile(r"\s?%|\s+(?:percent|per\s+cent)\b|\s+percentage\s+points?\b", re.I)
_OR_MORE = re.compile(r"\s+(?:or\s+more|or\s+so|plus)\b", re.IGNORECASE)
_UNIT = re.compile(rf"(?:\s+|-|(?<=\d))(?P<u>{_alternation(UNITS)})(?![\w/²])", re.IGNORECASE)
_DIMENSION = re.compile(r"\s+(?:long|wide|high|deep|tall|away)\b")
_RATE = re.compile(
    r",?\s+(?:daily|weekly|monthly|annually|yearly|a\s+(?:day|week|month|year)|an\s+hour|"
    r"per\s+(?:day|week|month|year|hour|capita)|each\s+(?:day|year))\b",
    re.IGNORECASE,
)
_WORD_AFTER = re.compile(r"\s+(?P<w>[A-Za-z][A-Za-z’'\-]*)")
_OF_WORD_AFTER = re.compile(r"\s+(?:of\s+)?(?P<w>[A-Za-z][A-Za-z’'\-]*)")
_CAPITALIZED_BEFORE = re.compile(r"\b(?P<w>[A-Z][A-Za-z]*)\.?\s+$")
_YEARS = range(1800, 2101)


@dataclass(frozen=True, slots=True)
class Mention:
    """A figure found in a text: `value == text[start:end]`."""

    value: str
    start: int
    end: int
    number: float
    unit: str | None
    category: Category
    approximate: bool = False  # a qualifier ("nearly") or a lower bound ("dozens", "or more")
    upper: float | None = None  # the end of a range: "one to two years"
    iso: str | None = None  # dates and years, ISO 8601: "2024-06", "--04-30", "---23"


@dataclass(slots=True)
class _Reading:
    """A figure being read outward from its number (mutable while it grows)."""

    text: str
    start: int
    end: int
    number: float
    approximate: bool
    unit: str | None = None
    category: Category = Category.NUMBER
    upper: float | None = None
    iso: str | None = None

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """Extend the figure over `pattern` if it matches right after it."""
        m = pattern.match(self.text, self.end)
        if m:
            self.end = m.end()
        return m

    def extend_left(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """Extend the figure over `pattern` if it matches right before it."""
        m = pattern.search(self.text, 0, self.start)
        if m:
            self.start = m.start()
        return m

    def mention(self) -> Mention:
        value = self.text[self.start : self.end]
        return Mention(
            value, self.start, self.end, self.number, self.unit, self.category,
            self.approximate, self.upper, self.iso,
        )  # fmt: skip


def _number(raw: str) -> tuple[float, bool]:
    """The value of a numeral or number word, and whether it is only a lower bound."""
    word = raw.lower()
    if word in WORD_NUMBERS:
        return WORD_NUMBERS[word], word in VAGUE
    return float(raw.replace(",", "")), False


def _is_identifier(r: _Reading) -> bool:
    """ "Resolution 2397", "Article 5": a name (not a month, not a function word) before it."""
    m = _CAPITALIZED_BEFORE.search(r.text, 0, r.start)
    return bool(m) and m["w"] not in MONTHS and m["w"].lower() not in NOT_NAMES  # type: ignore[index]


def _day_iso(month: int, day: float, year: str | None) -> str:
    return f"{year}-{month:02d}-{int(day):02d}" if year else f"--{month:02d}-{int(day):02d}"


def _month_before(r: _Reading) -> bool:
    """ "April 30", "April 30, 2025", "June 2024"."""
    m = _MONTH_BEFORE.search(r.text, 0, r.start)
    if m is None or not r.number.is_integer():
        return False
    month, name = MONTHS[m["month"]]
    if 1 <= r.number <= 31:
        r.take(_ORDINAL)
        year = r.take(_YEAR_AFTER)
        r.iso = _day_iso(month, r.number, year["year"] if year else None)
    elif r.number in _YEARS:
        r.iso = f"{int(r.number)}-{month:02d}"
    else:
        return False
    r.start, r.category, r.unit = m.start(), Category.DATE, name
    return True


def _month_after(r: _Reading) -> bool:
    """ "29 May 2025", "6 September"."""
    m = _MONTH_AFTER.match(r.text, r.end)
    if m is None or not r.number.is_integer() or not 1 <= r.number <= 31:
        return False
    month, name = MONTHS[m["month"]]
    r.end, r.category, r.unit = m.end(), Category.DATE, name
    r.iso = _day_iso(month, r.number, m["year"])
    return True


def _ordinal(r: _Reading) -> None:
    """ "the 23rd" is a day of the month, "the 14th to the 18th" days; "80th anniversary" not."""
    r.take(_ORDINAL)
    noun = _WORD_AFTER.match(r.text, r.end)
    if (noun and noun["w"].lower() not in STOPWORDS | NOT_NOUNS) or not 1 <= r.number <= 31:
        _counted_noun(r)
        r.category = Category.ORDINAL
        return
    span = r.take(_RANGE)
    r.upper = _number(span["n"])[0] if span else None
    r.category, r.unit, r.iso = Category.DATE, "day", f"---{int(r.number):02d}"


def _counted_noun(r: _Reading) -> None:
    """The noun phrase a count counts ("people", "North Korean soldiers"), up to its head noun."""
    words: list[re.Match[str]] = []
    pattern, pos = (_OF_WORD_AFTER if r.approximate else _WORD_AFTER), r.end
    while len(words) < 4 and (m := pattern.match(r.text, pos)):
        pattern, pos, word = _WORD_AFTER, m.end(), m["w"]
        low = word.lower()
        if low in MODIFIERS and not words:
            continue
        if low in STOPWORDS or low in NOT_NOUNS or word in MONTHS:
            break
        if word.islower() and len(low) > 4 and low.endswith(("ed", "ing")):
            break  # a verb: "365 North Koreans entered"
        words.append(m)
        if low in PLURALS or (low.endswith("s") and not low.endswith("ss")):
            break  # the head noun of a plural count
    if words:
        r.unit = r.text[words[0].start("w") : words[-1].end()]
        r.end, r.category = words[-1].end(), Category.COUNT


def _year(r: _Reading, raw: str) -> bool:
    """A four-digit number from 1800 to 2100 without a plural noun is a year ("a 2009 deal")."""
    if not re.fullmatch(r"\d{4}", raw) or r.number not in _YEARS or r.upper is not None:
        return False
    plural = r.category is Category.COUNT and (r.unit or "").lower().endswith("s")
    return not plural


def _measure(r: _Reading) -> None:
    """Range, scale, percent, unit, currency word or counted noun after the number."""
    span = r.take(_RANGE)
    if span:
        r.upper = _number(span["n"])[0]
    scale = _SCALE.match(r.text, r.end)
    if scale and (scale["s"].lower() not in ("m", "k") or r.category is Category.MONEY):
        r.end = scale.end()
        factor = _SCALES[scale["s"].lower()]
        r.number *= factor
        r.upper = None if r.upper is None else r.upper * factor
    if r.category is Category.MONEY:
        return
    if r.take(_PERCENT):
        r.unit, r.category = "%", Category.PERCENT
    elif unit := r.take(_UNIT):
        found = UNITS[unit["u"].lower()]
        r.unit, r.category = found.name, found.category
        if found.category is Category.DISTANCE:
            r.take(_DIMENSION)
    elif currency := r.take(_CURRENCY_WORD):
        r.unit, r.category = CURRENCY_WORDS[currency["c"].lower()], Category.MONEY
    else:
        if r.take(_OR_MORE):
            r.approximate = True
        _counted_noun(r)


def _read(text: str, m: re.Match[str]) -> Mention | None:
    """The figure around one number, or None if it is not a figure."""
    raw = m["numeral"] or m["word"]
    number, vague = _number(raw)
    r = _Reading(text, m.start(), m.end(), number, vague)
    numeral = m["numeral"] is not None
    ordinal = numeral and _ORDINAL.match(text, r.end) is not None
    if numeral and (_month_before(r) or _month_after(r)):
        return r.mention()
    if numeral and not ordinal and _is_identifier(r):
        return None
    if ordinal:
        r.extend_left(_THE)
        _ordinal(r)
        return r.mention()
    if r.extend_left(_CURRENCY):
        symbol = text[r.start : m.start()].strip()
        r.category, r.unit = Category.MONEY, CURRENCY_SYMBOLS[symbol]
    qualifier = r.extend_left(_QUALIFIER)
    if qualifier:
        r.approximate = r.approximate or qualifier["q"].lower() not in _EXACT
    end = r.end
    _measure(r)
    if numeral and r.category in (Category.NUMBER, Category.COUNT) and _year(r, raw):
        r.end, r.unit, r.category, r.iso = end, None, Category.YEAR, raw
        if r.take(_DECADE):
            r.unit, r.iso = "decade", None
        return r.mention()
    counted = r.category in (Category.NUMBER, Category.COUNT)
    if not numeral and counted and not (r.approximate or r.upper is not None):
        return None  # "the two countries", "one of them"
    r.take(_RATE)
    return r.mention()


def extract(text: str) -> list[Mention]:
    """Every figure in `text`, left to right, none overlapping another."""
    found: list[Mention] = []
    for m in _ANCHOR.finditer(text):
        if found and m.start() < found[-1].end:
            continue
        mention = _read(text, m)
        if mention is not None and (not found or mention.start >= found[-1].end):
            found.append(mention)
    return found
