"""The vocabulary of figures: units of measure, currencies, months and number words."""

from __future__ import annotations

from dataclasses import dataclass

from answers.models import Category


def words(text: str) -> tuple[str, ...]:
    """The space-separated words of a text (word lists stay readable in source)."""
    return tuple(text.split())


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of measure: its canonical (plural) name and what it measures."""

    name: str
    category: Category


def _units(category: Category, table: dict[str, tuple[str, ...]]) -> dict[str, Unit]:
    return {form: Unit(name, category) for name, forms in table.items() for form in forms}


UNITS: dict[str, Unit] = {
    **_units(
        Category.AREA,
        {
            "square kilometers": (
                "square kilometers",
                "square kilometres",
                "square kilometer",
                "square kilometre",
                "sq km",
                "km²",
                "km2",
            ),
            "square meters": (
                "square meters",
                "square metres",
                "square meter",
                "square metre",
                "sq m",
                "m²",
                "m2",
            ),
            "square miles": ("square miles", "square mile", "sq mi"),
            "square feet": ("square feet", "square foot", "sq ft"),
            "hectares": ("hectares", "hectare", "ha"),
            "acres": ("acres", "acre"),
        },
    ),
    **_units(
        Category.DISTANCE,
        {
            "kilometers": ("kilometers", "kilometres", "kilometer", "kilometre", "km"),
            "meters": ("meters", "metres", "meter", "metre", "m"),
            "centimeters": ("centimeters", "centimetres", "centimeter", "centimetre", "cm"),
            "millimeters": ("millimeters", "millimetres", "millimeter", "millimetre", "mm"),
            "nautical miles": ("nautical miles", "nautical mile"),
            "miles": ("miles", "mile", "mi"),
            "feet": ("feet", "foot", "ft"),
            "yards": ("yards", "yard"),
        },
    ),
    **_units(
        Category.DURATION,
        {
            "years": ("years", "year", "yrs"),
            "months": ("months", "month"),
            "weeks": ("weeks", "week"),
            "days": ("days", "day"),
            "hours": ("hours", "hour", "hrs"),
            "minutes": ("minutes", "minute", "mins"),
            "seconds": ("seconds", "second", "secs"),
            "decades": ("decades", "decade"),
            "centuries": ("centuries", "century"),
        },
    ),
    **_units(
        Category.WEIGHT,
        {
            "tonnes": ("tonnes", "tonne", "metric tons", "metric ton"),
            "tons": ("tons", "ton"),
            "kilograms": ("kilograms", "kilogram", "kg"),
            "grams": ("grams", "gram"),
            "pounds": ("pounds", "pound", "lbs", "lb"),
        },
    ),
    **_units(
        Category.VOLUME,
        {
            "cubic meters": ("cubic meters", "cubic metres", "cubic meter", "cubic metre"),
            "liters": ("liters", "litres", "liter", "litre"),
            "barrels": ("barrels", "barrel"),
            "gallons": ("gallons", "gallon"),
        },
    ),
    **_units(
        Category.SPEED,
        {
            "kilometers per hour": ("kilometers per hour", "kilometres per hour", "km/h", "kph"),
            "miles per hour": ("miles per hour", "mph"),
            "knots": ("knots", "knot"),
        },
    ),
}

CURRENCY_SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₩": "KRW",
    "₽": "RUB",
    "₹": "INR",
}
# Temperature scales as written after a number: "-20C", "35°C", "5 degrees Celsius".
TEMPERATURE_SCALES: dict[str, str] = {
    "C": "°C",
    "Celsius": "°C",
    "centigrade": "°C",
    "F": "°F",
    "Fahrenheit": "°F",
}
CURRENCY_WORDS: dict[str, str] = {
    "us dollars": "USD",
    "dollars": "USD",
    "euros": "EUR",
    "won": "KRW",
    "rubles": "RUB",
    "roubles": "RUB",
    "yuan": "CNY",
    "renminbi": "CNY",
    "yen": "JPY",
    "pounds sterling": "GBP",
}

_MONTH_FORMS = [
    ("January", "Jan"),
    ("February", "Feb"),
    ("March", "Mar"),
    ("April", "Apr"),
    ("May",),
    ("June", "Jun"),
    ("July", "Jul"),
    ("August", "Aug"),
    ("September", "Sept", "Sep"),
    ("October", "Oct"),
    ("November", "Nov"),
    ("December", "Dec"),
]
# As written (capitalized: "may" and "march" are also verbs) -> (month number, full name).
MONTHS: dict[str, tuple[int, str]] = {
    form: (number, forms[0]) for number, forms in enumerate(_MONTH_FORMS, start=1) for form in forms
}

_SMALL = words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
_ALL_TENS = {"twenty": 20, **_TENS, "ninety": 90}
# "twenty-five", "ninety nine": the tens and a unit, hyphenated or spaced.
_COMPOUNDS = {
    f"{tens}{joint}{unit}": float(value + i)
    for tens, value in _ALL_TENS.items()
    for i, unit in enumerate(_SMALL[1:10], start=1)
    for joint in ("-", " ")
}
# Vague plurals read as their lower bound: "dozens" is at least two dozen.
VAGUE: dict[str, float] = {
    "dozens": 24,
    "scores": 40,
    "hundreds": 200,
    "thousands": 2_000,
    "tens of thousands": 20_000,
    "hundreds of thousands": 200_000,
    "millions": 2_000_000,
}
WORD_NUMBERS: dict[str, float] = {
    **{w: float(i) for i, w in enumerate(_SMALL)},
    **{w: float(v) for w, v in _TENS.items()},
    "ninety": 90.0,
    **_COMPOUNDS,
    "a dozen": 12.0,
    "a hundred": 100.0,
    "a thousand": 1_000.0,
    "a million": 1_000_000.0,
    **{w: float(v) for w, v in VAGUE.items()},
}

# Words around a number that shape how it is read (see answers.quantities).
MODIFIERS = frozenset(
    words("more additional new extra other fewer further")
)  # "12,000 more troops"
NOT_NOUNS = frozenset(
    words(
        "daily weekly monthly annually yearly per percent times ago later earlier away long old "
        "each apiece alone thirds quarters fifths halves tenths mark barrier milestone threshold"
    )
)
PLURALS = frozenset(words("people children men women personnel police staff"))
# Capitalized words that may stand before a number without making it an identifier.
NOT_NAMES = frozenset(
    words(
        "since in by from until after before during of some about around nearly almost over "
        "under only just approximately roughly another all the early mid late last this next "
        "than to and with at for on as between least estimated"
    )
)
