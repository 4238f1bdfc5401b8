"""Figure extraction on news phrasings: precision and recall against hand-labelled sentences.

    python -m benchmarks.bench_figures [--errors]

The sentences were written for this benchmark from reading `seeds/` and
`../shared/data/bbc-news` (the file each one follows is named beside it; a few are short
verbatim sentences, most are rephrased). Each lists every figure a reader would want, as
(number, unit, category): times of day are not figures, a counted noun stated before its
number is its unit. A found figure is right when all three match; "number only" scores the
numbers alone.
"""

from __future__ import annotations

import argparse
import math

from answers.quantities import extract

Figure = tuple[float, str | None, str]
BBC = "bbc-news/"

CASES: list[tuple[str, str, list[Figure]]] = [
    (
        "Around 15,000 North Korean soldiers have been deployed, with casualty estimates rising "
        "to about 4,700.",
        "seeds/002",
        [(15000, "North Korean soldiers", "count"), (4700, "casualties", "count")],
    ),
    (
        "The number of Russians who entered North Korea was 544, up from 222.",
        "seeds/004",
        [(544, "Russians", "count"), (222, "Russians", "count")],
    ),
    (
        "Of the 365 people, business purposes were the most common (253).",
        "seeds/004",
        [(365, "people", "count"), (253, "people", "count")],
    ),
    (
        "It will process 2,850 people and nearly 300 vehicles daily from June 2024.",
        "seeds/002",
        [(2850, "people", "count"), (300, "vehicles", "count"), (2024, "June", "date")],
    ),
    ("The road bridge will be 850 meters long.", "seeds/001", [(850, "meters", "distance")]),
    (
        "The bombs killed seven people.",
        BBC + "politics/pm-apology-over-jailings",
        [(7, "people", "count")],
    ),
    (
        "The wind chill takes temperatures down to minus 20C and less.",
        BBC + "business/world-leaders-gather-to-face-uncertainty",
        [(-20, "°C", "temperature")],
    ),
    ("Overnight it was -20C in the capital.", "rephrased", [(-20, "°C", "temperature")]),
    ("Highs of 35°C are forecast.", "rephrased", [(35, "°C", "temperature")]),
    (
        "It fell to minus 5 degrees Celsius.",
        "rephrased",
        [(-5, "°C", "temperature")],
    ),
    (
        "Twenty-eight people have been arrested.",
        BBC + "tech/dozens-held-over-id-fraud-site",
        [(28, "people", "count")],
    ),
    (
        "Forty-four percent said they would buy online.",
        BBC + "tech/digital-uk-driven-by-net-and-tv",
        [(44, "%", "percent")],
    ),
    (
        "Twenty-one thousand people lost their lives.",
        BBC + "business/stormy-year-for-property-insurers",
        [(21000, "people", "count")],
    ),
    ("Ninety-five staff will go.", "rephrased", [(95, "staff", "count")]),
    ("The team hired seventy-two engineers.", "rephrased", [(72, "engineers", "count")]),
    ("The band sold two million albums.", "rephrased", [(2e6, "albums", "count")]),
    (
        "Police arrested four men under the new law.",
        BBC + "politics/defiant-hunts-put-ban-to-the-test",
        [(4, "men", "count")],
    ),
    ("Three people were hurt, and the two firms denied it.", "rephrased", [(3, "people", "count")]),
    ("Japan's debt stands at about $6.7tn.", "rephrased", [(6.7e12, "USD", "money")]),
    ("The EU set aside €10B for the fund.", "rephrased", [(1e10, "EUR", "money")]),
    ("The game cost $40k to make.", "rephrased", [(4e4, "USD", "money")]),
    ("A licence costs 10 000 euros.", "rephrased", [(10000, "EUR", "money")]),
    (
        "Quarterly profits jumped 76% to $1.13bn (£600m).",
        BBC + "business/ad-sales-boost-time-warner-profit",
        [(76, "%", "percent"), (1.13e9, "USD", "money"), (6e8, "GBP", "money")],
    ),
    (
        "It lost 464,000 subscribers in the fourth quarter.",
        BBC + "business/ad-sales-boost-time-warner-profit",
        [(464000, "subscribers", "count")],
    ),
    (
        "The newspapers are axing 90 journalist jobs - 17% of their editorial staff.",
        BBC + "business/telegraph-newspapers-axe-90-jobs",
        [(90, "journalist jobs", "count"), (17, "%", "percent")],
    ),
    ("Growth slowed to -0.3% in the quarter.", "rephrased", [(-0.3, "%", "percent")]),
    (
        "The number of hotspots is expected to reach 200,000 by 2008.",
        BBC + "tech/evil-twin-fear-for-wireless-net",
        [(200000, "hotspots", "count"), (2008, None, "year")],
    ),
    ("The death toll rose to 41 on Tuesday.", "rephrased", [(41, "deaths", "count")]),
    (
        "The firm cut 1,200 jobs over two years.",
        "rephrased",
        [(1200, "jobs", "count"), (2, "years", "duration")],
    ),
    ("The town lies 1,500 km from Moscow.", "rephrased", [(1500, "kilometers", "distance")]),
    (
        "One session started at about 2pm on a Sunday and paused at 5am.",
        BBC + "tech/losing-yourself-in-online-gaming",
        [],
    ),
    ("The meeting ends at 3 pm.", "rephrased", []),
    ("Shares closed at 5 p.m., up 3%.", "rephrased", [(3, "%", "percent")]),
    ("The two countries will build a bridge.", "seeds/001", []),
    (
        "Workers will return within one to two years.",
        "seeds/004",
        [(1, "years", "duration")],
    ),
    (
        "Dozens of North Korean workers were seen at the site.",
        "seeds/004",
        [(24, "North Korean workers", "count")],
    ),
    (
        "TimeWarner said sales rose 2% to $11.1bn from $10.9bn.",
        BBC + "business/ad-sales-boost-time-warner-profit",
        [(2, "%", "percent"), (11.1e9, "USD", "money"), (10.9e9, "USD", "money")],
    ),
    (
        "The number of people online in Europe has broken the 100 million mark.",
        BBC + "tech/broadband-challenges-tv-viewing",
        [(1e8, "people", "count")],
    ),
    ("Temperatures hit 40 degrees in the shade.", "rephrased", [(40, "degrees", "temperature")]),
    ("Five of the workers were freed.", "rephrased", [(5, "workers", "count")]),
    ("He scored twice in the 3-1 win.", "rephrased", []),
]


MATCHES = (("number, unit, category", True), ("number only", False))


def _same(found: Figure, expected: Figure) -> bool:
    number_ok = math.isclose(found[0], expected[0], rel_tol=1e-9)
    unit_ok = (found[1] or "").lower() == (expected[1] or "").lower()
    return number_ok and unit_ok and found[2] == expected[2]


def _score(strict: bool, errors: bool) -> tuple[float, float]:
    tp = n_found = n_expected = 0
    for sentence, _, expected in CASES:
        found: list[Figure] = [(m.number, m.unit, m.category.value) for m in extract(sentence)]
        left = list(expected)
        for f in found:
            match = next(
                (e for e in left if (_same(f, e) if strict else math.isclose(f[0], e[0]))), None
            )
            if match is not None:
                left.remove(match)
                tp += 1
            elif errors and strict:
                print(f"extra  {f} in {sentence!r}")
        if errors and strict:
            for e in left:
                print(f"missed {e} in {sentence!r}")
        n_found, n_expected = n_found + len(found), n_expected + len(expected)
    return tp / max(n_found, 1), tp / max(n_expected, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="list the misses and extras")
    args = parser.parse_args()
    n = sum(len(e) for _, _, e in CASES)
    rows = [(label, *_score(strict, args.errors)) for label, strict in MATCHES]
    print(f"{len(CASES)} sentences, {n} figures")
    print(f"{'match':<24} | {'precision':>9} | {'recall':>6}")
    print(f"{'-' * 24}-|-{'-' * 9}-|-{'-' * 6}")
    for label, precision, recall in rows:
        print(f"{label:<24} | {precision:>9.3f} | {recall:>6.3f}")


if __name__ == "__main__":
    main()
