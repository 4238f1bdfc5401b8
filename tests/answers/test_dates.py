"""Stated dates: absolute ones as written, relative ones against the document's date, or not."""

from __future__ import annotations

import datetime as dt

import pytest

from answers.dates import UNDATED, stated_dates
from answers.models import Precision

THURSDAY = dt.date(2025, 5, 29)  # 003's published date, a Thursday


def _one(text: str, published: dt.date | None = THURSDAY) -> tuple[str, str, Precision, str]:
    (d,) = stated_dates(text, published)
    assert text[d.start : d.end] == d.phrase
    return d.phrase, d.label, d.precision, d.how


@pytest.mark.parametrize(
    ("text", "phrase", "label", "precision"),
    [
        ("They met in June 2024.", "June 2024", "June 2024", Precision.MONTH),
        ("The bridge was completed in 2014.", "2014", "2014", Precision.YEAR),
        ("Signed on 6 September 2024.", "6 September 2024", "6 September 2024", Precision.DAY),
        ("It fell in the third quarter of 2024.", "the third quarter of 2024", "Q3 2024",
         Precision.QUARTER),
    ],
)  # fmt: skip
def test_absolute_dates_are_stated(
    text: str, phrase: str, label: str, precision: Precision
) -> None:
    """A date with its year needs no document date and says it was stated."""
    assert _one(text, None) == (phrase, label, precision, "stated")


@pytest.mark.parametrize(
    ("text", "label", "precision"),
    [
        ("The ceremony was held on Wednesday.", "28 May 2025", Precision.DAY),
        ("The paper reported on Thursday that it opened.", "29 May 2025", Precision.DAY),
        ("They met on Tuesday.", "27 May 2025", Precision.DAY),
        ("The talks will resume on Friday.", "30 May 2025", Precision.DAY),
        ("Sales fell last year.", "2024", Precision.YEAR),
        ("It opens next year.", "2026", Precision.YEAR),
        ("365 entered in the third quarter of last year.", "Q3 2024", Precision.QUARTER),
        ("222 in the first half of last year.", "H1 2024", Precision.HALF),
        ("A treaty was signed in June of last year.", "June 2024", Precision.MONTH),
        ("On April 30, they broke ground.", "30 April 2025", Precision.DAY),
        ("Work began in April.", "April 2025", Precision.MONTH),
        ("The visits will come in August.", "August 2025", Precision.MONTH),
        ("They agreed last June.", "June 2024", Precision.MONTH),
        ("It was reported on the 23rd.", "23 May 2025", Precision.DAY),
        ("It closed three years ago.", "2022", Precision.YEAR),
    ],
)
def test_relative_dates_resolve_against_the_document(
    text: str, label: str, precision: Precision
) -> None:
    """Each relative date lands where a reader of the 29 May 2025 article puts it, saying how."""
    phrase, got, got_precision, how = _one(text)
    assert (got, got_precision) == (label, precision)
    assert how.startswith(phrase) and "article's date" in how and f"→ {label}" in how


@pytest.mark.parametrize(
    "text",
    ["They met on Tuesday.", "Sales fell last year.", "365 came in the third quarter of last year.",
     "On April 30, they broke ground.", "It was reported on the 23rd."],
)  # fmt: skip
def test_relative_dates_in_an_undated_document_stay_unresolved(text: str) -> None:
    """Without a document date nothing relative is guessed, and the reason is given."""
    (d,) = stated_dates(text, None)
    assert not d.resolved and d.first is None and d.how == UNDATED


@pytest.mark.parametrize(
    "text",
    ["Prices may rise.", "The 80th anniversary falls soon.", "It lasted three years.",
     "Resolution 2397 was adopted.", "He won 3-1."],
)  # fmt: skip
def test_not_dates(text: str) -> None:
    """The verb "may", ordinals, durations, identifiers and scores state no date."""
    assert stated_dates(text, THURSDAY) == []


def test_two_dates_in_one_sentence_each_by_its_own_tense() -> None:
    """ "said on Tuesday that … will resume on Friday": one past, one future."""
    dates = stated_dates("He said on Tuesday that talks will resume on Friday.", THURSDAY)
    assert [d.label for d in dates] == ["27 May 2025", "30 May 2025"]
