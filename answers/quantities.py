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

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from answers.models import Category
from answers.units import (
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    MODIFIERS,
    MONTHS,
    NOT_NAMES,
    NOT_NOUNS,
    PLURALS,
    TEMPERATURE_SCALES,
    UNITS,
    VAGUE,
    WORD_NUMBERS,
)
from retrieval.tokenizer import STOPWORDS

log = logging.getLogger(__name__)


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of the words, longest first (so "sq km" wins over "sq")."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


# 2,850 / 10 000 (spaced thousands, not before a hyphen: "12 150-metre sections") / 850.5
_NUMERAL = r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d\-])|\d+)(?:\.\d+)?"
_WORDS = _alternation(WORD_NUMBERS)
_MONTH = _alternation(MONTHS)
# A minus sign only after a space or bracket ("-20C", "(-0.3%)"), never inside "1-2".
_ANCHOR = re.compile(
    rf"(?:(?<![^\s(\[])(?P<sign>[-−])|(?<![\w.,:/\-–]))(?P<numeral>{_NUMERAL})(?![\d]|[.,:]\d)"
    rf"|\b(?P<word>{_WORDS})\b",
    re.IGNORECASE,
)
# A match score: "won 3-1", "a 2-2 draw", "a 1-2 defeat" (a pair that falls, or a result word).
_SCORE = re.compile(
    r"(?P<a>\d{1,2})[-–](?P<b>\d{1,2})(?![\d%]|[.,]\d)"
    r"(?P<result>\s+(?:win|draw|defeat|victory|loss|lead|scoreline|thrashing|aggregate)\b)?",
    re.IGNORECASE,
)
_MINUS = re.compile(r"\bminus\s+$", re.IGNORECASE)
_CLOCK = re.compile(r"\s?(?:[ap]\.?m\b\.?|o['’]clock\b)", re.IGNORECASE)
# "the two countries", "its three ministers": a number word that names, not counts.
_DETERMINER = re.compile(
    r"\b(?:the|these|those|its|their|his|her|our|your|my|both|all|every|first|last|next|other)"
    r"\s+$",
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
_SCALE = re.compile(
    r"\s?(?P<s>hundred|thousand|million|billion|trillion|bn|mn|tn|trn|m|k|b)\b", re.IGNORECASE
)
_SCALES = {"hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6}
_SCALES |= {"billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12}
_LETTERS = frozenset({"m", "k", "b"})  # scale letters only after money: "850 m" is meters
_TEMPERATURE = re.compile(
    r"(?:\s?°\s?|(?<=\d)|\s+degrees\s+)(?P<t>C|F|Celsius|Fahrenheit|centigrade)\b"
)
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
# A counted noun named before its number: "Of the 365 people, 213 …", "the number of Russians
# … was 544", "casualty estimates rising to about 4,700", "purposes were the most common (253)".
_OF_THE = re.compile(r"\bof\s+the\s+$", re.IGNORECASE)
_NUMBER_OF = re.compile(r"(?<![Aa] )\bnumber\s+of(?=\s)", re.IGNORECASE)  # not "a number of"
_TOLL = re.compile(
    r"\b(?P<n>casualty|death|fatality|injury|victim|arrest)\s+"
    r"(?:toll|estimates?|figures?|count|tally|numbers?)\b",
    re.IGNORECASE,
)
_MOST_COMMON = re.compile(
    r"(?P<n>(?:[A-Za-z]+\s+)?[A-Za-z]+s)\s+(?:were|was|are|is)\s+(?:the\s+)?(?:most|least)\s+"
    r"[A-Za-z]+\s*\($"
)


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
    return float(re.sub(r"[,\s]", "", raw)), False


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
    if scale and (scale["s"].lower() not in _LETTERS or r.category is Category.MONEY):
        r.end = scale.end()
        factor = _SCALES[scale["s"].lower()]
        r.number *= factor
        r.upper = None if r.upper is None else r.upper * factor
    if r.category is Category.MONEY:
        return
    if r.take(_PERCENT):
        r.unit, r.category = "%", Category.PERCENT
    elif degrees := r.take(_TEMPERATURE):
        r.unit, r.category = TEMPERATURE_SCALES[degrees["t"]], Category.TEMPERATURE
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


def _counts(r: _Reading, raw: str) -> bool:
    """Whether a number word is a figure: with a unit, a range or a vague plural, or before a
    counted noun ("killed seven people") unless it names ("the two countries", "one of")."""
    if r.category not in (Category.NUMBER, Category.COUNT) or r.approximate or r.upper is not None:
        return True
    if r.category is Category.NUMBER or raw.lower() == "one":
        return False
    head = (r.unit or "").rsplit(" ", 1)[-1]
    plural = head in PLURALS or (head.endswith("s") and not head.endswith("ss"))
    # A plural common noun: not a name ("Six Nations", "Five Live", "five US") nor "five back".
    return head.islower() and plural and _DETERMINER.search(r.text, 0, r.start) is None


def _is_score(text: str, start: int) -> bool:
    """ "3-1", "2-2" or "1-2 defeat" at `start`: a match score, not a range."""
    score = _SCORE.match(text, start)
    if score is None:
        return False
    return score["result"] is not None or int(score["b"]) <= int(score["a"])


def _read(text: str, m: re.Match[str]) -> Mention | None:
    """The figure around one number, or None if it is not a figure."""
    raw = m["numeral"] or m["word"]
    number, vague = _number(raw)
    r = _Reading(text, m.start(), m.end(), number, vague)
    numeral = m["numeral"] is not None
    if numeral and (_CLOCK.match(text, r.end) or _is_score(text, r.start)):
        return None  # "3 pm", "10am": a time; "won 3-1", "a 1-2 defeat": a score
    if m["sign"] or r.extend_left(_MINUS):
        r.number = -r.number
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
    if not numeral and not _counts(r, raw):
        return None  # "the two countries", "one of them"
    r.take(_RATE)
    return r.mention()


def _last(pattern: re.Pattern[str], text: str, end: int) -> re.Match[str] | None:
    """The last match of `pattern` in text[:end] (the nearest frame before a number)."""
    last = None
    for last in pattern.finditer(text, 0, end):  # noqa: B007
        pass
    return last


def _partitive(text: str, found: list[Mention], before: int) -> str | None:
    """ "Of the 365 people, …": the noun that the sentence's later bare numbers count."""
    for m in found:
        if m.end > before:
            break
        framed = _OF_THE.search(text, 0, m.start) and text.startswith(",", m.end)
        if m.category is Category.COUNT and framed:
            return m.unit
    return None


def _noun_before(text: str, found: list[Mention], m: Mention) -> str | None:
    """The noun a bare number counts when the sentence named it first."""
    partitive = _partitive(text, found, m.start)
    if partitive:
        return partitive
    number_of = _last(_NUMBER_OF, text, m.start)
    if number_of:
        r = _Reading(text, number_of.end(), number_of.end(), 0.0, approximate=False)
        _counted_noun(r)
        if r.unit:
            return r.unit
    toll = _last(_TOLL, text, m.start)
    if toll:
        noun = toll["n"].lower()
        return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    common = _MOST_COMMON.search(text, 0, m.start)
    if common and common["n"].split()[0].lower() not in STOPWORDS:
        return common["n"]
    return None


def extract(text: str) -> list[Mention]:
    """Every figure in `text`, left to right, none overlapping another."""
    return list(_extract(text))


@functools.lru_cache(maxsize=1 << 15)  # sentences recur: a briefing reads the same stories
def _extract(text: str) -> tuple[Mention, ...]:
    found: list[Mention] = []
    for m in _ANCHOR.finditer(text):
        if found and m.start() < found[-1].end:
            continue
        mention = _read(text, m)
        if mention is not None and (not found or mention.start >= found[-1].end):
            found.append(mention)
    for i, mention in enumerate(found):
        bare = mention.category is Category.NUMBER and mention.unit is None
        if bare and not text[mention.end : mention.end + 1].isalpha():  # not "3G"
            noun = _noun_before(text, found, mention)
            if noun:
                found[i] = replace(mention, unit=noun, category=Category.COUNT)
    return tuple(found)
