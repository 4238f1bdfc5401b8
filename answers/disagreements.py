"""Sources that disagree: figures measuring the same thing that state different numbers.

Two figures measure the same thing when they have the same category and the same unit (metres
and kilometres compared in metres) or the same counted noun after folding synonyms ("troops",
"soldiers"; "broadband users" and "net users" are different users), the same rate ("daily" or
none), and they are on the same subject: their documents are on one topic (tf-idf cosine at
least `SAME_TOPIC`), and their sentences share at least `SAME_SUBJECT` of their idf-weighted
terms or, for a measure (distance, area, …, whose unit says nothing of its subject), the
figures stand within `NEAR` words of a word both neighbourhoods hold ("the 1-kilometer bridge",
"the bridge will be 850 m"). Money, percentages and durations are not compared.

They differ when the numbers are further apart than rounding explains (`EXACT` apart, `ROUNDED` if
either is approximate) yet within `SAME_SCALE` of each other, their ranges do not overlap, and
a bound ("more than 3", "nearly 300") does not already admit the other number.

A difference is a *change* rather than a conflict when each sentence states a date and the
dates differ (one figure per period), when one sentence says the figure moved ("rising to about
4,700", "up from 222": across documents), or when one sentence gives both ("544 …, an increase
from 222"). Two figures of one sentence never conflict (a breakdown), nor do two of one document
unless each is attributed to a source ("Reports indicate…", "…, officials said"): a document
that reports two sources' numbers is where a conflict is most often written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from answers.dates import stated_dates
from answers.models import Category, Difference, Mismatch, Quote, date_label
from answers.overlap import Weigher, cosine
from answers.quantities import Mention, extract
from answers.query import terms_of
from answers.relevance import Evidence
from answers.stories import Vector, document_vector
from answers.stories import cosine as story_cosine
from retrieval.documents import Document

log = logging.getLogger(__name__)

SAME_SUBJECT = 0.12
# Two documents on one topic (tf-idf cosine of the briefing's document vectors); lower than a
# briefing's story threshold (0.35): the seeds' bridge reports are 0.21 apart, while unrelated
# job-cut stories on bbc-news are 0.08-0.12.
SAME_TOPIC = 0.2
NEAR = 3  # words either side of a figure that say what it measures
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
# Money and percentages are left out: prices and shares move daily, amounts come converted into
# other currencies ("4bn euros ($5.2bn; £2.8bn)"), and their unit says nothing of what they
# measure; on bbc-news most such pairs were false alarms. So are durations, which mostly name
# different spans ("five days" of one price rally, "two days" of another).
_MEASURED = frozenset(Category) - {
    Category.DATE, Category.YEAR, Category.ORDINAL, Category.NUMBER, Category.PERCENT,
    Category.MONEY, Category.DURATION,
}  # fmt: skip
# Numbers further apart than this factor are not two estimates of one thing ("about 120 songs"
# a player holds, "more than 200 million songs" sold).
SAME_SCALE = 3.0
_RATE = re.compile(
    r"\b(?:daily|weekly|monthly|annually|yearly|a\s+(?:day|week|month|year)|per\s+\w+|each\s+\w+)"
)
_LOWER = re.compile(
    r"^(?:more than|over|at least|as many as|as much as|dozens|hundreds|thousands|millions)\b"
    r"|\b(?:or more|plus)\b",
    re.IGNORECASE,
)
_UPPER = re.compile(r"^(?:less than|fewer than|under|up to|at most|nearly|almost|close to)\b")
_CHANGE = re.compile(
    r"\b(?:ris(?:e|es|ing)|rose|fell|fall(?:s|ing)?|grew|grow(?:s|ing)?|increas\w*|decreas\w*|"
    r"climb\w*|jump\w*|doubl\w*|drop\w*|declin\w*|up|down|compared|from)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_CHANGE_WORD = re.compile(
    r"\b(?:increase|decrease|rise|fall|drop|jump|up|down)\s+(?:from|on)\b", re.IGNORECASE
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
    small, large = sorted((abs(a_low), abs(b_low)))
    if large > SAME_SCALE * small:
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


class _Stories:
    """Whether two documents tell one story (their tf-idf vectors, cached for one answer)."""

    def __init__(self, weight: Weigher) -> None:
        self.weight = weight
        self.vectors: dict[str, Vector] = {}

    def same(self, a: Document, b: Document) -> bool:
        if a.id == b.id:
            return True
        va, vb = (document_vector(d, self.weight) for d in (a, b))
        return story_cosine(va, vb) >= SAME_TOPIC


def _pair(a: Stated, b: Stated, stories: _Stories) -> Difference | None:
    """How two stated figures of one measure differ, or None if they do not disagree."""
    (ma, ea), (mb, eb) = a, b
    if not differ(ma, mb) or not _same_subject(a, b, stories.weight):
        return None
    if not stories.same(ea.document, eb.document):
        return None
    if ea.document.id == eb.document.id and ea.index == eb.index:
        low, high = sorted((ma, mb), key=lambda m: m.start)
        between = ea.sentence.text[low.end : high.start]
        return Difference.CHANGE if _CHANGE_WORD.search(between) else None  # else a breakdown
    when_a, when_b = _when(ea), _when(eb)
    if when_a and when_b and when_a != when_b:
        return Difference.CHANGE
    same_document = ea.document.id == eb.document.id
    if _moved(ma, ea) or _moved(mb, eb):
        return None if same_document else Difference.CHANGE
    attributed = all(_ATTRIBUTED.search(e.sentence.text) for e in (ea, eb))
    return Difference.CONFLICT if attributed or not same_document else None


def _subject(e: Evidence) -> frozenset[str]:
    """The sentence's terms without numbers: what its figures are about."""
    return frozenset(t for t in e.terms if not any(c.isdigit() for c in t))


def _near(m: Mention, e: Evidence) -> frozenset[str]:
    """The words next to a figure ("the 1-kilometer bridge"), its own number and unit left out."""
    text = e.sentence.text
    before = text[: m.start].split()[-NEAR:]
    after = text[m.end :].split()[:NEAR]
    return frozenset(t for t in terms_of(" ".join(before + after)) if not t[:1].isdigit())


def _modifiers_agree(a: Mention, b: Mention) -> bool:
    """ "broadband users" and "UK net users" count different users; "troops" and "North Korean
    soldiers" may count the same (one names no kind)."""
    kinds = [terms_of(m.unit or "") - terms_of((m.unit or "").rsplit(" ", 1)[-1]) for m in (a, b)]
    return not (kinds[0] and kinds[1]) or bool(kinds[0] & kinds[1])


def _same_subject(a: Stated, b: Stated, weight: Weigher) -> bool:
    """A count's noun is its subject, so its sentences need only be alike; a measure's unit
    says nothing, so it may instead stand next to the same word ("the 1-kilometer bridge",
    "the road bridge will be 850 meters long")."""
    (ma, ea), (mb, eb) = a, b
    alike = cosine(_subject(ea), _subject(eb), weight) >= SAME_SUBJECT
    if ma.category is Category.COUNT:
        return alike and _modifiers_agree(ma, mb)
    unit = terms_of(f"{ma.unit} {mb.unit}")
    return alike or bool((_near(ma, ea) & _near(mb, eb)) - unit)


def disagreeing(stated: Sequence[Stated], weight: Weigher) -> list[tuple[int, int, Difference]]:
    """Index pairs of the stated figures that disagree (or changed), conflicts first."""
    found, stories = [], _Stories(weight)
    for i, (mi, _) in enumerate(stated):
        key = measure(mi)
        if key is None:
            continue
        for j in range(i + 1, len(stated)):
            if measure(stated[j][0]) == key:
                difference = _pair(stated[i], stated[j], stories)
                if difference is not None:
                    found.append((i, j, difference))
    found.sort(key=lambda p: (p[2] is not Difference.CONFLICT, p[0], p[1]))
    return found[:MAX_DISAGREEMENTS]


def side_date(e: Evidence) -> str:
    """When a side's figure held: the dates its sentence states (if any) and its source's date."""
    when, published = _when(e), _published(e.document)
    return f"{when} (source {published})" if when else published


def _published(doc: Document) -> str:
    return date_label(doc.metadata.published)


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
