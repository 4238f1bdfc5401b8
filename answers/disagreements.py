"""Sources that disagree: figures measuring the same thing that state different numbers.

Two figures measure the same thing when they have the same category and the same unit (metres
and kilometres compared in metres) or the same counted noun after folding synonyms ("troops",
"soldiers"), the same rate ("daily" or none), and their sentences are on the same subject: they
share at least `SAME_SUBJECT` of their idf-weighted terms, numbers and units left out. They
differ when the numbers are further apart than rounding explains (`EXACT` apart, `ROUNDED` if
either is approximate), their ranges do not overlap, and a bound ("more than 3", "nearly 300")
does not already admit the other number.

A difference is a *change* rather than a conflict when either sentence says the figure moved
("rising to about 4,700", "up from 222", "compared to 213") or each sentence states a date and
the dates differ (one figure per period). Two figures of one sentence never conflict (a
breakdown), nor do two of one document unless each is attributed to a source ("Reports
indicate…", "…, officials said"): a document that reports two sources' numbers is where a
conflict is most often written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from answers.dates import stated_dates
from answers.models import Category, Difference, Mismatch, Quote
from answers.overlap import Weigher, cosine
from answers.quantities import Mention, extract
from answers.relevance import Evidence, terms_of
from retrieval.documents import Document

log = logging.getLogger(__name__)

SAME_SUBJECT = 0.12
NEAR = 30  # characters either side of a figure that say what it measures
EXACT, ROUNDED = 0.05, 0.15
MAX_DISAGREEMENTS = 5
# What a figure counts, folded: different words for the same people or things.
SYNONYMS = {
    "soldiers": "troops", "servicemen": "troops", "forces": "troops", "troop": "troops",
    "soldier": "troops", "individuals": "people", "persons": "people", "person": "people",
    "labourers": "workers", "laborers": "workers", "employees": "workers", "staff": "workers",
    "casualties": "casualties", "deaths": "deaths", "fatalities": "deaths",
}  # fmt: skip
_METRES = {"kilometers": 1000.0, "meters": 1.0, "centimeters": 0.01, "miles": 1609.344}
_METRES |= {"feet": 0.3048, "yards": 0.9144, "nautical miles": 1852.0, "millimeters": 0.001}
_MEASURED = frozenset(Category) - {
    Category.DATE, Category.YEAR, Category.ORDINAL, Category.NUMBER, Category.PERCENT,
}  # fmt: skip
_RATE = re.compile(
    r"\b(?:daily|weekly|monthly|annually|yearly|a\s+(?:day|week|month|year)|per\s+\w+|each\s+\w+)"
)
_LOWER = re.compile(r"^(?:more than|over|at least|as many as|as much as)\b|\b(?:or more|plus)\b")
_UPPER = re.compile(r"^(?:less than|fewer than|under|up to|at most|nearly|almost|close to)\b")
_CHANGE = re.compile(
    r"\b(?:ris(?:e|es|ing)|rose|fell|fall(?:s|ing)?|grew|grow(?:s|ing)?|increas\w*|decreas\w*|"
    r"climb\w*|jump\w*|doubl\w*|drop\w*|declin\w*|up|down|compared|from)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_ATTRIBUTED = re.compile(
    r"\b(?:according to|said|says|reported|reports?|indicated?|estimat\w+|claim\w*|stated|"
    r"believes?|told|intelligence)\b",
    re.IGNORECASE,
)

Stated = tuple[Mention, Evidence]


def measure(m: Mention) -> tuple[Category, str, str] | None:
    """What a figure measures (category, folded unit or counted noun, rate), None for dates."""
    if m.category not in _MEASURED or not m.unit:
        return None
    rate = _RATE.search(m.value)
    unit = m.unit.lower()
    if m.category is Category.DISTANCE and unit in _METRES:
        unit = "meters"
    elif m.category is Category.COUNT:
        head = unit.rsplit(" ", 1)[-1]
        unit = SYNONYMS.get(head, head)
    return m.category, unit, rate.group(0) if rate else ""


def in_base(m: Mention) -> tuple[float, float]:
    """The figure's number (and range end) in its measure's base unit (metres for distances)."""
    factor = _METRES.get(m.unit.lower(), 1.0) if m.category is Category.DISTANCE and m.unit else 1.0
    upper = m.upper if m.upper is not None else m.number
    return m.number * factor, upper * factor


def _admits(bound: Mention, other: float) -> bool:
    """Whether a bound ("more than 3", "nearly 300") already allows the other number."""
    low, high = in_base(bound)
    if _LOWER.search(bound.value.lower()):
        return other >= low
    if _UPPER.search(bound.value.lower()):
        return other <= high
    return False


def differ(a: Mention, b: Mention) -> bool:
    """Two numbers for one measure further apart than rounding, ranges and bounds explain."""
    (a_low, a_high), (b_low, b_high) = in_base(a), in_base(b)
    if a_low <= b_high and b_low <= a_high:
        return False
    if _admits(a, b_low) or _admits(b, a_low):
        return False
    gap = min(abs(a_low - b_high), abs(b_low - a_high)) / max(abs(a_high), abs(b_high), 1e-9)
    return gap > (ROUNDED if a.approximate or b.approximate else EXACT)


def _moved(m: Mention, e: Evidence) -> bool:
    """ "rising to about 4,700", "up from 222": the sentence says the figure changed."""
    return _CHANGE.search(e.sentence.text, 0, m.start) is not None


def _when(e: Evidence) -> str:
    """The dates a sentence states, as labels (or phrases when unresolved), joined."""
    dates = stated_dates(e.sentence.text, e.document.metadata.published)
    return ", ".join(d.label or d.phrase for d in dates)


def _pair(a: Stated, b: Stated, weight: Weigher) -> Difference | None:
    """How two stated figures of one measure differ, or None if they do not disagree."""
    (ma, ea), (mb, eb) = a, b
    same_document = ea.document.id == eb.document.id
    if same_document and ea.index == eb.index:
        return None
    attributed = all(_ATTRIBUTED.search(e.sentence.text) for e in (ea, eb))
    if (same_document and not attributed) or not differ(ma, mb):
        return None
    if not _same_subject(a, b, weight):
        return None
    when_a, when_b = _when(ea), _when(eb)
    if _moved(ma, ea) or _moved(mb, eb) or (when_a and when_b and when_a != when_b):
        return Difference.CHANGE
    return Difference.CONFLICT


def _subject(e: Evidence) -> frozenset[str]:
    """The sentence's terms without numbers: what its figures are about."""
    return frozenset(t for t in e.terms if not any(c.isdigit() for c in t))


def _near(m: Mention, e: Evidence) -> frozenset[str]:
    """The terms next to the figure ("the 1-kilometer bridge"), its own number and unit left out."""
    text = e.sentence.text
    around = text[max(0, m.start - NEAR) : m.start] + " " + text[m.end : m.end + NEAR]
    return frozenset(t for t in terms_of(around) if not any(c.isdigit() for c in t))


def _same_subject(a: Stated, b: Stated, weight: Weigher) -> bool:
    """Sentences on one subject, or figures that stand next to the same word."""
    (ma, ea), (mb, eb) = a, b
    if cosine(_subject(ea), _subject(eb), weight) >= SAME_SUBJECT:
        return True
    unit = terms_of(f"{ma.unit} {mb.unit}")
    return bool((_near(ma, ea) & _near(mb, eb)) - unit)


def disagreeing(stated: Sequence[Stated], weight: Weigher) -> list[tuple[int, int, Difference]]:
    """Index pairs of the stated figures that disagree (or changed), conflicts first."""
    found = []
    for i, (mi, _) in enumerate(stated):
        key = measure(mi)
        if key is None:
            continue
        for j in range(i + 1, len(stated)):
            if measure(stated[j][0]) == key:
                difference = _pair(stated[i], stated[j], weight)
                if difference is not None:
                    found.append((i, j, difference))
    found.sort(key=lambda p: (p[2] is not Difference.CONFLICT, p[0], p[1]))
    return found[:MAX_DISAGREEMENTS]


def side_date(e: Evidence) -> str:
    """When a side's figure held: the dates its sentence states (if any) and its source's date."""
    when, published = _when(e), _published(e.document)
    return f"{when} (source {published})" if when else published


def _published(doc: Document) -> str:
    published = doc.metadata.published
    return published.isoformat() if published else "undated"


def mismatches(claim: str, quotes: Sequence[Quote]) -> tuple[Mismatch, ...]:
    """The quotes that state a claim's measure with another number ("850 meters" for "2 km")."""
    found = []
    for claimed in extract(claim):
        key = measure(claimed)
        if key is None:
            continue
        for q in quotes:
            same = [m for m in extract(q.text) if (measure(m) or ())[:2] == key[:2]]
            if same and all(differ(claimed, m) for m in same):
                found.append(Mismatch(claimed.value, same[0].value, q))
    return tuple(found)
