"""Sentence splitting that keeps exact character offsets into the original text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from retrieval.tokenizer import STOPWORDS

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
_SEPARATOR = re.compile(r"[\s" + re.escape(_OPENERS) + r"]")
_ACRONYM = re.compile(r"(?:[A-Z]\.)+[A-Z]")
_SPACES = re.compile(r"\s*")


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
_NUMBERING = frozenset(["no", "nos", "vol", "pp", "p", "fig"])
# Abbreviations that are also everyday words ("he sat.", "the sun."): only when capitalized.
_WORDLIKE = frozenset(["sat", "sun", "wed", "mar", "gen", "rep", "hon", "col"])
# Abbreviations that often end a sentence too ("made in the U.S. The", "at 3 p.m. It").
_FINAL = frozenset(["etc", "inc", "ltd", "co", "corp", "jr", "sr", "p.m", "a.m"])
# Words that begin a sentence and almost never follow "U.S." or "p.m." inside one: function
# words ("The", "How", "It"), where a name ("U.S. Army") goes on the same sentence.
_STARTERS = STOPWORDS | frozenset(
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
_INITIAL = re.compile(r"[A-Z]\.")
_NEXT_WORD = re.compile(r"[" + re.escape(_OPENERS) + r"]*(\w+)")


def _is_abbreviation(text: str, dot: int, after: int) -> bool:
    """True when the period at `dot` closes an abbreviation or an initial, not a sentence."""
    # Look only at the few characters before the dot, reversed: a search from 0 rescans the whole
    # text at every period (quadratic), an `…+$` search retries at each of the 64 positions.
    before = text[max(0, dot - _LONGEST_WORD) : dot][::-1]
    separator = _SEPARATOR.search(before)
    word = (before[: separator.start()] if separator else before)[::-1]
    if not word:
        return False
    lower, next_char = word.lower(), text[after]
    if lower in _NUMBERING:
        return next_char.isdigit()
    if lower in _WORDLIKE and not word[0].isupper():
        return False
    acronym = _ACRONYM.fullmatch(word) is not None  # "U.S", "N.K"
    if lower in ABBREVIATIONS or acronym:
        if lower in _FINAL or acronym:
            following = _NEXT_WORD.match(text, after)
            return following is None or following[1].lower() not in _STARTERS
        return True
    if next_char.isdigit() and lower in _MONTHS:
        return True  # "29 May. 2025"
    if word == "I":  # the pronoun ("so do I. We"), or a numeral ("World War I."), or "I. M. Pei"
        return _INITIAL.match(text, after) is not None
    # A single capital initial ("J. Smith").
    return len(word) == 1 and "A" <= word <= "Z"


def _starts_sentence(text: str, pos: int) -> bool:
    """True when the text at `pos` (after whitespace) can begin a new sentence."""
    while pos < len(text) and text[pos] in _OPENERS + "-–—*•":
        pos += 1
    return pos < len(text) and (text[pos].isupper() or text[pos].isdigit())


def split_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Yield (start, end) offsets of the sentences in text[start:end], whitespace trimmed."""
    end = len(text) if end is None else end
    begin = start
    for m in _END.finditer(text, start, end):
        stop = m.end()
        after = _SPACES.match(text, stop, end).end()  # type: ignore[union-attr]
        if after >= end:
            break
        if not _starts_sentence(text, after):
            continue
        single_dot = m.group().rstrip(_CLOSERS) == "."
        if single_dot and _is_abbreviation(text, m.start(), after):
            continue
        yield from trimmed(text, begin, stop)
        begin = after
    yield from trimmed(text, begin, end)


def trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """text[start:end] without its surrounding whitespace, as one span, or none if blank."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (a convenience over `split_spans`)."""
    return [text[s:e] for s, e in split_spans(text)]
