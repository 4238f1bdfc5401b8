"""Sentence splitting that keeps exact character offsets into the original text."""

from __future__ import annotations

import re
from collections.abc import Iterator

# Words that end with a period without ending a sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "st",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "bros",
        "vs",
        "etc",
        "al",
        "approx",
        "dept",
        "est",
        "fig",
        "no",
        "nos",
        "vol",
        "pp",
        "ph",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "mt",
        "ft",
        "rev",
        "hon",
        "pres",
        "amb",
        "gov't",
        "univ",
        "assn",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "u.s.a",
        "p.m",
        "a.m",
        "d.c",
    ]
)

_CLOSERS = "\"'”’)]»"
_OPENERS = "\"'“‘([«"
# A candidate end: terminal punctuation, optional closing quotes/brackets, then whitespace.
_END = re.compile(r"[.!?…]+[" + re.escape(_CLOSERS) + r"]*(?=\s)")
_WORD_BEFORE = re.compile(r"([^\s" + re.escape(_OPENERS) + r"]+)$")


_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)


# Abbreviations that number what follows ("No. 5", "pp. 12"); before a word they are words.
_NUMBERING = frozenset(["no", "nos", "vol", "pp", "fig"])
# Abbreviations that are also everyday words ("he sat.", "the sun."): only when capitalized.
_WORDLIKE = frozenset(["sat", "sun", "wed", "mar", "gen", "rep", "hon", "col"])
# Abbreviations that often end a sentence too ("made in the U.S. The", "at 3 p.m. It").
_FINAL = frozenset(["etc", "inc", "ltd", "co", "corp", "jr", "sr", "p.m", "a.m"])
# Words that begin a sentence and almost never follow "U.S." or "p.m." inside one.
_STARTERS = frozenset(
    [
        "the",
        "he",
        "she",
        "it",
        "they",
        "we",
        "this",
        "that",
        "these",
        "those",
        "there",
        "his",
        "her",
        "its",
        "their",
        "our",
        "but",
        "however",
        "meanwhile",
        "in",
        "on",
        "if",
        "when",
        "while",
        "after",
    ]
)
_LONGEST_WORD = 64
_NEXT_WORD = re.compile(r"[" + re.escape(_OPENERS) + r"]*(\w+)")


def _is_abbreviation(text: str, dot: int, after: int) -> bool:
    """True when the period at `dot` closes an abbreviation or an initial, not a sentence."""
    # Look only at the few characters before the dot: a search from 0 rescans the whole text at
    # every period, quadratic in the paragraph's length (66 ms per 12 kB article).
    m = _WORD_BEFORE.search(text, max(0, dot - _LONGEST_WORD), dot)
    if not m:
        return False
    word = m.group(1)
    lower, next_char = word.lower(), text[after]
    if lower in _NUMBERING:
        return next_char.isdigit()
    if lower in _WORDLIKE and not word[0].isupper():
        return False
    acronym = re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", word) is not None  # "U.S", "N.K"
    if lower in ABBREVIATIONS or acronym:
        if lower in _FINAL or acronym:
            following = _NEXT_WORD.match(text, after)
            return following is None or following[1].lower() not in _STARTERS
        return True
    if next_char.isdigit() and lower in _MONTHS:
        return True  # "29 May. 2025"
    # A single capital initial ("J. Smith").
    return bool(re.fullmatch(r"[A-Z]", word))


def _starts_sentence(text: str, pos: int) -> bool:
    """True when the text at `pos` (after whitespace) can begin a new sentence."""
    while pos < len(text) and text[pos] in _OPENERS + "-–—*•":
        pos += 1
    return pos < len(text) and (text[pos].isupper() or text[pos].isdigit())


def _inside_quote(text: str, start: int, end: int) -> bool:
    """True when a curly or straight double quote opened in text[start:end] is still open."""
    segment = text[start:end]
    curly = segment.count("“") - segment.count("”")
    straight = segment.count('"') % 2
    return curly > 0 or straight == 1


def _quote_closes_later(text: str, pos: int, end: int) -> bool:
    segment = text[pos:end]
    return "”" in segment or '"' in segment


def split_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Yield (start, end) offsets of the sentences in text[start:end], whitespace trimmed."""
    end = len(text) if end is None else end
    begin = start
    for m in _END.finditer(text, start, end):
        stop = m.end()
        after = stop
        while after < end and text[after].isspace():
            after += 1
        if after >= end:
            break
        if not _starts_sentence(text, after):
            continue
        single_dot = m.group().rstrip(_CLOSERS) == "."
        if single_dot and _is_abbreviation(text, m.start(), after):
            continue
        if _inside_quote(text, begin, stop) and _quote_closes_later(text, stop, end):
            continue
        yield from _trimmed(text, begin, stop)
        begin = after
    yield from _trimmed(text, begin, end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (a convenience over `split_spans`)."""
    return [text[s:e] for s, e in split_spans(text)]
