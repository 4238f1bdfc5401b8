"""The figure extractor: exact (value, number, unit, category) for sentences as news writes them."""

from __future__ import annotations

import pytest

from answers.models import Category
from answers.quantities import extract

C = Category
Expected = list[tuple[str, float, str | None, Category]]

CASES: list[tuple[str, Expected]] = [
    (
        "The road bridge will be 850 meters long and connected to the Russian road system.",
        [("850 meters long", 850, "meters", C.DISTANCE)],
    ),
    (
        "Set to process 2,850 people and nearly 300 vehicles daily, the project is part of a "
        "broader defense partnership established in June 2024.",
        [
            ("2,850 people", 2850, "people", C.COUNT),
            ("nearly 300 vehicles daily", 300, "vehicles", C.COUNT),
            ("June 2024", 2024, "June", C.DATE),
        ],
    ),
    (
        "Putin and Kim Jong-un confirmed the construction of the 1-kilometer bridge last June.",
        [("1-kilometer", 1, "kilometers", C.DISTANCE)],
    ),
    ("This 1.5-year project marks a milestone.", [("1.5-year", 1.5, "years", C.DURATION)]),
    (
        "The construction is projected to span 1.5 years.",
        [("1.5 years", 1.5, "years", C.DURATION)],
    ),
    (
        "Currently, about 97% of North Korea’s external trade relies on China, with a mere "
        "1.2% involving Russia.",
        [("about 97%", 97, "%", C.PERCENT), ("a mere 1.2%", 1.2, "%", C.PERCENT)],
    ),
    (
        "The customs facilities cover an area of about 172,500 square meters.",
        [("about 172,500 square meters", 172500, "square meters", C.AREA)],
    ),
    (
        "North Korea has dispatched approximately 12,000 troops over the last three years.",
        [
            ("approximately 12,000 troops", 12000, "troops", C.COUNT),
            ("three years", 3, "years", C.DURATION),
        ],
    ),
    (
        "Seoul says around 15,000 North Korean soldiers have been deployed, with casualty "
        "estimates rising to about 4,700.",
        [
            ("around 15,000 North Korean soldiers", 15000, "North Korean soldiers", C.COUNT),
            ("about 4,700", 4700, "casualties", C.COUNT),
        ],
    ),
    (
        "On April 30, North Korea and Russia held a groundbreaking ceremony.",
        [("April 30", 30, "April", C.DATE)],
    ),
    (
        "NK News reported on the 23rd (local time) that arrivals rose.",
        [("the 23rd", 23, "day", C.DATE)],
    ),
    (
        "She visited Russia from the 14th to the 18th and met Putin.",
        [("the 14th to the 18th", 14, "day", C.DATE)],
    ),
    (
        "Their visits coincide with the 80th anniversary of the founding of the party.",
        [("the 80th anniversary", 80, "anniversary", C.ORDINAL)],
    ),
    (
        "In 2022, only 223 North Koreans entered Russia annually.",
        [("2022", 2022, None, C.YEAR), ("only 223 North Koreans", 223, "North Koreans", C.COUNT)],
    ),
    (
        "Under a 2009 agreement, the bridge structure was completed in 2014.",
        [("2009", 2009, None, C.YEAR), ("2014", 2014, None, C.YEAR)],
    ),
    (
        "Security Council Resolution 2397, adopted in December 2017, gave them 24 months.",
        [("December 2017", 2017, "December", C.DATE), ("24 months", 24, "months", C.DURATION)],
    ),
    (
        "There were likely three or more North Koreans who entered Russia for work.",
        [("three or more North Koreans", 3, "North Koreans", C.COUNT)],
    ),
    (
        "Workers will return within one to two years.",
        [("one to two years", 1, "years", C.DURATION)],
    ),
    (
        "Dozens of North Korean workers were working at a site; thousands of workers are wanted.",
        [
            ("Dozens of North Korean workers", 24, "North Korean workers", C.COUNT),
            ("thousands of workers", 2000, "workers", C.COUNT),
        ],
    ),
    ("The two countries signed the treaty; one of them hesitated.", []),
    (
        "The deal is worth $1.5 billion, or 2 trillion won, up 15 percent.",
        [
            ("$1.5 billion", 1.5e9, "USD", C.MONEY),
            ("2 trillion won", 2e12, "KRW", C.MONEY),
            ("15 percent", 15, "%", C.PERCENT),
        ],
    ),
    (
        "The 5km road cost US$ 40m and took 18 months.",
        [
            ("5km", 5, "kilometers", C.DISTANCE),
            ("US$ 40m", 4e7, "USD", C.MONEY),
            ("18 months", 18, "months", C.DURATION),
        ],
    ),
    ("The Covid-19 pandemic delayed it; the meeting ended at 14:13.", []),
    (
        "Published 29 May 2025 and updated March 27, 2025.",
        [("29 May 2025", 29, "May", C.DATE), ("March 27, 2025", 27, "March", C.DATE)],
    ),
    (
        "The 1990s saw 12,000 more troops deployed in early 2023.",
        [
            ("1990s", 1990, "decade", C.YEAR),
            ("12,000 more troops", 12000, "troops", C.COUNT),
            ("early 2023", 2023, None, C.YEAR),
        ],
    ),
    (
        "Of the 365 people, 213 entered Russia by air and 13 on foot (253).",
        [
            ("365 people", 365, "people", C.COUNT),
            ("213", 213, "people", C.COUNT),
            ("13", 13, "people", C.COUNT),
            ("253", 253, "people", C.COUNT),
        ],
    ),
    ("They met at 3 pm and left by 5 p.m. on Friday.", []),
    (
        "The ship sailed 120 nautical miles at 12 knots carrying 4,000 tonnes.",
        [
            ("120 nautical miles", 120, "nautical miles", C.DISTANCE),
            ("12 knots", 12, "knots", C.SPEED),
            ("4,000 tonnes", 4000, "tonnes", C.WEIGHT),
        ],
    ),
    (
        "It covers 3 sq km, or 300 hectares.",
        [("3 sq km", 3, "square kilometers", C.AREA), ("300 hectares", 300, "hectares", C.AREA)],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_extract_exact(sentence: str, expected: Expected) -> None:
    """Each sentence yields exactly these figures, in order, as written."""
    found = [(m.value, m.number, m.unit, m.category) for m in extract(sentence)]
    assert found == expected


@pytest.mark.parametrize(("sentence", "_"), CASES, ids=[c[0][:40] for c in CASES])
def test_values_are_verbatim_spans(sentence: str, _: Expected) -> None:
    """Every value is the sentence's own text at the mention's offsets."""
    for m in extract(sentence):
        assert sentence[m.start : m.end] == m.value


def test_dates_and_ranges_are_parsed() -> None:
    """Dates carry ISO 8601 (partial) forms; ranges carry their upper end; qualifiers mark
    approximate figures."""
    text = "From the 14th to the 18th of June 2024, nearly 300 crossed within one to two years."
    found = {m.value: m for m in extract(text)}
    assert found["the 14th to the 18th"].upper == 18
    assert found["the 14th to the 18th"].iso == "---14"
    assert found["June 2024"].iso == "2024-06"
    assert found["nearly 300"].approximate is True
    assert found["one to two years"].upper == 2
    assert [m.iso for m in extract("On April 30 and 29 May 2025 and in 2009.")] == [
        "--04-30",
        "2025-05-29",
        "2009",
    ]


def test_years_are_kept_apart_from_counts() -> None:
    """A four-digit year is a year unless it counts a plural noun."""
    categories = [m.category for m in extract("In 2024, 2000 troops and a 2009 treaty.")]
    assert categories == [C.YEAR, C.COUNT, C.YEAR]


FORMS: list[tuple[str, Expected]] = [
    ("Twenty-five soldiers were hurt.", [("Twenty-five soldiers", 25, "soldiers", C.COUNT)]),
    ("It took ninety nine days.", [("ninety nine days", 99, "days", C.DURATION)]),
    ("Two hundred workers left.", [("Two hundred workers", 200, "workers", C.COUNT)]),
    ("The debt is $3.2tn.", [("$3.2tn", 3.2e12, "USD", C.MONEY)]),
    (
        "A €10B fund and a £2.5bn loan.",
        [("€10B", 1e10, "EUR", C.MONEY), ("£2.5bn", 2.5e9, "GBP", C.MONEY)],
    ),
    ("Sales hit $450k.", [("$450k", 4.5e5, "USD", C.MONEY)]),
    ("It was -20C at night.", [("-20C", -20, "°C", C.TEMPERATURE)]),
    (
        "Highs of 35°C, or 95 °F.",
        [("35°C", 35, "°C", C.TEMPERATURE), ("95 °F", 95, "°F", C.TEMPERATURE)],
    ),
    ("It fell to minus 5 degrees Celsius.", [("minus 5 degrees Celsius", -5, "°C", C.TEMPERATURE)]),
    ("Growth was -0.3% in May.", [("-0.3%", -0.3, "%", C.PERCENT)]),
    ("A fee of 10 000 euros.", [("10 000 euros", 10000, "EUR", C.MONEY)]),
    ("Prices rose 5-10% in May.", [("5-10%", 5, "%", C.PERCENT)]),
    ("The attack killed seven people.", [("seven people", 7, "people", C.COUNT)]),
    ("Police arrested three men and one woman.", [("three men", 3, "men", C.COUNT)]),
    (
        "The number of Russians who entered North Korea was 544, up from 222.",
        [("544", 544, "Russians", C.COUNT), ("222", 222, "Russians", C.COUNT)],
    ),
    (
        "Of the visitors, business purposes were the most common (253).",
        [("253", 253, "business purposes", C.COUNT)],
    ),
    ("The death toll rose to 41.", [("41", 41, "deaths", C.COUNT)]),
    ("A number of teams play, and 8 of them lost.", [("8", 8, None, C.NUMBER)]),
    ("They won two thirds of the seats.", []),
    ("Chelsea won 3-1 after a 2-2 draw and a 1-2 defeat.", []),
    (
        "People aged 18-24, on average, work 5-10 hours.",
        [("18-24", 18, None, C.NUMBER), ("5-10 hours", 5, "hours", C.DURATION)],
    ),
    (
        "The number of people online has broken the 100 million mark.",
        [("100 million", 1e8, "people", C.COUNT)],
    ),
    ("The meeting starts at 10am and ends at 4.30pm.", []),
]


@pytest.mark.parametrize(("sentence", "expected"), FORMS, ids=[c[0][:40] for c in FORMS])
def test_news_forms(sentence: str, expected: Expected) -> None:
    """Compound number words, scale letters, signs, temperatures, spaced thousands, number
    words before a counted noun, a counted noun stated earlier, and times (never figures)."""
    found = [(m.value, m.number, m.unit, m.category) for m in extract(sentence)]
    assert found == expected
    assert all(sentence[m.start : m.end] == m.value for m in extract(sentence))


def test_seed_sentences_get_their_counted_noun() -> None:
    """The seeds' own phrasings: the noun before the number is the unit (004, 002)."""
    fsb = (
        "According to the FSB, the number of Russians who entered North Korea was 544 in the "
        "third quarter of last year, a significant increase from 222 in the first half of last "
        "year."
    )
    assert [(m.number, m.unit) for m in extract(fsb) if m.category is C.COUNT] == [
        (544, "Russians"),
        (222, "Russians"),
    ]
    purposes = "Of the 365 people, business purposes were the most common (253)."
    assert [(m.value, m.unit) for m in extract(purposes)] == [
        ("365 people", "people"),
        ("253", "people"),
    ]
