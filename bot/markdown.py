"""Answers as Markdown documents, with the sources as a reference list (for export)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import assert_never

from answers.models import (
    Answer,
    AskAnswer,
    BriefingAnswer,
    CitationAnswer,
    Figure,
    FiguresAnswer,
    Kind,
    Quote,
    Source,
    SourcesAnswer,
    SummaryAnswer,
    TimelineAnswer,
)
from answers.models import Disagreement as _Disagreement
from answers.models import Event as _Event
from bot.terminal.render import format_utc

log = logging.getLogger(__name__)

_SPECIAL = re.compile(r"([\\`*_\[\]<>~|#])")
_TITLES = {
    Kind.SUMMARY: "Summary",
    Kind.FIGURES: "Figures",
    Kind.SOURCES: "Sources",
    Kind.CITE: "Citation",
    Kind.ASK: "Answer",
    Kind.BRIEFING: "Briefing",
    Kind.TIMELINE: "Timeline",
}


def escape(text: str) -> str:
    """Text shown as written: Markdown's special characters backslash-escaped, one line."""
    return _SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))


def _markers(numbers: tuple[int, ...]) -> str:
    return "".join(f"\\[{n}\\]" for n in numbers)


def _quoted(q: Quote) -> str:
    return f"“{escape(q.text)}” {_markers(q.markers)}"


def title_of(answer: Answer) -> str:
    """The document's heading: "Summary: Tumen River bridge"."""
    name = _TITLES[answer.kind]
    return f"{name}: {answer.query.strip()}" if answer.query.strip() else name


def render_markdown(answer: Answer) -> str:
    """The whole answer as one Markdown document: heading, body, then the reference list."""
    lines = [f"# {escape(title_of(answer))}", ""]
    if isinstance(answer, BriefingAnswer) and answer.window is not None:
        start, end = (format_utc(moment) for moment in answer.window)
        lines += [f"New from {start} to {end}.", ""]
    if answer.notice:
        lines += [f"_{escape(answer.notice)}_", ""]
    if answer.found:
        lines += [*_body(answer), "", "## Sources", ""]
        lines += [_reference(s) for s in answer.sources]
    return "\n".join(lines).rstrip() + "\n"


def _body(answer: Answer) -> Iterator[str]:
    match answer:
        case SummaryAnswer():
            yield from (f"- {_quoted(q)}" for q in answer.sentences)
            yield from _disagreements(answer.disagreements)
        case FiguresAnswer():
            yield from _disagreements(answer.disagreements)
            for number, figure in enumerate(answer.figures, start=1):
                yield from _figure(number, figure)
        case SourcesAnswer():
            for s in answer.sources:
                yield f"{s.number}. **{escape(s.title)}** — score {s.score:.2f}"
                yield f"   > “{escape(s.snippet)}” — `{s.anchor}`"
        case CitationAnswer():
            for x in answer.mismatches:
                quote, stated = _markers(x.quote.markers), escape(x.stated)
                yield f"**The claim says {escape(x.claimed)}; the quote {quote} states {stated}:"
                yield "it contradicts the claim.**"
                yield ""
            for number, q in enumerate(answer.quotes, start=1):
                support = f"**{q.support.value.capitalize()} support:** " if q.support else ""
                yield f"{number}. {support}{_quoted(q)}"
                yield f"   {escape(q.reference)}" if q.reference else f"   `{q.anchor}`"
        case AskAnswer():
            for number, q in enumerate(answer.passages, start=1):
                yield f"{number}. {_quoted(q)} — `{q.anchor}`"
        case BriefingAnswer():
            yield from _briefing(answer)
        case TimelineAnswer():
            yield from (_event(e) for e in (*answer.events, *answer.unresolved))
        case _:
            assert_never(answer)


def _event(e: _Event) -> str:
    d = e.date
    when = f"**{escape(d.label)}**" if d.resolved else f"**{escape(d.phrase)}** (date unknown)"
    how = f" ({escape(d.how)})" if d.relative else ""
    also = f" (also reported by {_markers(e.markers[1:])})" if len(e.markers) > 1 else ""
    return f"- {when}{how}: “{escape(e.quote.text)}” {_markers(e.markers[:1])}{also}"


def _disagreements(found: tuple[_Disagreement, ...]) -> Iterator[str]:
    for d in found:
        head = "Sources disagree" if d.difference.value == "conflict" else "Changed over time"
        yield f"**{head} on {escape(d.measure)}:**"
        for f, date in zip(d.sides, d.dates, strict=True):
            yield f"- **{escape(f.value)}** ({escape(date)}): {_quoted(f.sentence)}"
        yield ""


def _figure(number: int, f: Figure) -> Iterator[str]:
    yield f"{number}. **{escape(f.value)}** {_markers(f.markers)} ({f.category.value})"
    yield f"   > “{escape(f.sentence.text)}” — `{f.sentence.anchor}`"
    for other in f.others:
        yield f"   > also {_quoted(other)} — `{other.anchor}`"


def _briefing(answer: BriefingAnswer) -> Iterator[str]:
    for number, story in enumerate(answer.stories, start=1):
        yield f"## {number}. {escape(story.headline.text)} {_markers(story.markers)}"
        yield ""
        if story.continues:
            new = [f"new sources {_markers(story.new_sources)}"] if story.new_sources else []
            new += [f"new: {escape(f.value)} {_markers(f.markers)}" for f in story.new_figures]
            yield "_Continues a story from the last briefing._ " + "; ".join(new)
            yield ""
        yield from (f"- {_quoted(q)}" for q in story.quotes)
        yield ""
    if answer.figures:
        yield "## Key figures"
        yield ""
        for f in answer.figures:
            yield f"- **{escape(f.value)}** {_markers(f.markers)} — “{escape(f.sentence.text)}”"


def _reference(s: Source) -> str:
    """`[1] **Title**, Outlet, 2026-02-03, <url> (path)`: outlet and date only when known."""
    parts = [f"**{escape(s.title)}**", *(escape(fact) for fact in s.known_facts)]
    if s.url:
        parts.append(f"<{s.url}>")
    where = f" (`{s.path}`)" if s.path else ""
    return f"- \\[{s.number}\\] " + ", ".join(parts) + where
