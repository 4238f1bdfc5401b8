"""Rendering answers for the terminal (Jinja2 templates, overridable) and for scripts (JSON)."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from pathlib import Path
from typing import Any, assert_never

import jinja2

from answers.models import (
    Answer,
    AskAnswer,
    BriefingAnswer,
    CitationAnswer,
    Disagreement,
    Figure,
    FiguresAnswer,
    Mismatch,
    Quote,
    Source,
    SourcesAnswer,
    StatedDate,
    Story,
    SummaryAnswer,
    TimelineAnswer,
)
from answers.models import Event as TimelineEvent
from answers.quotes import quoted

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=8)
def environment(override: Path | None = None) -> jinja2.Environment:
    """Templates from `override` first (an operator's folder), then the packaged ones."""
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader("bot.terminal", "templates")]
    if override is not None:
        loaders.insert(0, jinja2.FileSystemLoader(str(override)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # plain text for a terminal; Discord escaping lives in its renderer
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["markers"] = lambda numbers: "".join(f"[{n}]" for n in numbers)
    env.filters["number"] = format_number
    env.filters["utc"] = format_utc
    env.filters["ordinal"] = format_ordinal
    env.filters["quoted"] = quoted
    env.filters["known"] = known_facts
    return env


def known_facts(source: Source) -> str:
    """Outlet and date, each only when known: "NationPress · 2025-09-06"."""
    facts = source.known_facts
    return " · ".join(facts)


def format_ordinal(value: float) -> str:
    """18.0 -> "18th", 22.0 -> "22nd"."""
    n = int(value)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_number(value: float) -> str:
    """2850.0 -> "2,850", 1.5 -> "1.5", 2000000.0 -> "2,000,000"."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def format_utc(moment: dt.datetime) -> str:
    """A moment as "2025-05-29 14:13 UTC"."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def render_text(answer: Answer, templates: Path | None = None) -> str:
    """The answer as readable terminal text."""
    template = environment(templates).get_template(f"{answer.kind.value}.txt.j2")
    return template.render(answer=answer).rstrip() + "\n"


def _source(s: Source) -> dict[str, Any]:
    return {
        "number": s.number,
        "id": s.id,
        "title": s.title,
        "outlet": s.outlet,
        "published": s.published.isoformat() if s.published else None,
        "url": s.url,
        "score": round(s.score, 6),
        "snippet": s.snippet,
        "anchor": s.anchor,
        "path": s.path,
        "coverage": round(s.coverage, 4),
    }


def _quote(q: Quote) -> dict[str, Any]:
    data: dict[str, Any] = {
        "text": q.text,
        "source_id": q.source_id,
        "anchor": q.anchor,
        "start": q.start,
        "end": q.end,
        "markers": list(q.markers),
    }
    if q.reference:
        data["reference"] = q.reference
    if q.support is not None:
        data["support"] = q.support.value
    if q.emphasis:  # offsets into `text` of what answers the question
        data["emphasis"] = [list(span) for span in q.emphasis]
    return data


def _figure(f: Figure, sources: dict[int, str]) -> dict[str, Any]:
    return {
        "value": f.value,
        "text": f.value,
        "number": f.number,
        "unit": f.unit,
        "category": f.category.value,
        "approximate": f.approximate,
        "upper": f.upper,
        "iso": f.iso,
        "sentence": f.sentence.text,
        "source_id": f.sentence.source_id,
        "anchor": f.sentence.anchor,
        "start": f.sentence.start,
        "end": f.sentence.end,
        "source_ids": [sources[m] for m in f.markers],
        "markers": list(f.markers),
        "others": [_quote(q) for q in f.others],
    }


def _story(s: Story, sources: dict[int, str]) -> dict[str, Any]:
    return {
        "headline": _quote(s.headline),
        "quotes": [_quote(q) for q in s.quotes],
        "markers": list(s.markers),
        "source_ids": [sources[m] for m in s.markers],
        "figures": [_figure(f, sources) for f in s.figures],
        "continues": s.continues,
        "new_sources": list(s.new_sources),
        "new_figures": [_figure(f, sources) for f in s.new_figures],
    }


def _disagreement(d: Disagreement, ids: dict[int, str]) -> dict[str, Any]:
    return {
        "measure": d.measure,
        "difference": d.difference.value,
        "sides": [
            _figure(f, ids) | {"date": date} for f, date in zip(d.sides, d.dates, strict=True)
        ],
    }


def _mismatch(x: Mismatch) -> dict[str, Any]:
    return {"claimed": x.claimed, "stated": x.stated, "quote": _quote(x.quote)}


def _date(d: StatedDate) -> dict[str, Any]:
    return {
        "phrase": d.phrase,
        "precision": d.precision.value,
        "relative": d.relative,
        "resolved": d.resolved,
        "first": d.first.isoformat() if d.first else None,
        "last": d.last.isoformat() if d.last else None,
        "label": d.label,
        "how": d.how,
    }


def _event(e: TimelineEvent) -> dict[str, Any]:
    return {
        "date": _date(e.date),
        "quote": _quote(e.quote),
        "markers": list(e.markers),
        "also": [_quote(q) for q in e.also],
    }


def _lists(answer: Answer, ids: dict[int, str]) -> dict[str, Any]:
    """The lists and kind-specific fields each kind of answer carries in JSON, besides `sources`."""
    match answer:
        case SummaryAnswer():
            return {
                "sentences": [_quote(q) for q in answer.sentences],
                "disagreements": [_disagreement(d, ids) for d in answer.disagreements],
            }
        case FiguresAnswer():
            data: dict[str, Any] = {
                "figures": [_figure(f, ids) for f in answer.figures],
                "disagreements": [_disagreement(d, ids) for d in answer.disagreements],
            }
            if answer.figures:
                data["extra"] = {"total": answer.total}
            return data
        case SourcesAnswer():
            return {}
        case CitationAnswer():
            support = answer.support.value if answer.support is not None else None
            return {
                "quotes": [_quote(q) for q in answer.quotes],
                "mismatches": [_mismatch(x) for x in answer.mismatches],
                "extra": {"support": support},
            }
        case AskAnswer():
            return {"passages": [_quote(q) for q in answer.passages]}
        case BriefingAnswer():
            window = answer.window
            return {
                "stories": [_story(s, ids) for s in answer.stories],
                "figures": [_figure(f, ids) for f in answer.figures],
                **({"window": [w.isoformat() for w in window]} if window is not None else {}),
                "extra": {"new": answer.new, "documents": answer.documents},
                "new": answer.new,
            }
        case TimelineAnswer():
            return {
                "events": [_event(e) for e in answer.events],
                "unresolved": [_event(e) for e in answer.unresolved],
            }
        case _:
            assert_never(answer)


def to_json(answer: Answer) -> dict[str, Any]:
    """The answer as one JSON-ready object (see the README for the schema)."""
    ids = {s.number: s.id for s in answer.sources}
    data: dict[str, Any] = {
        "kind": answer.kind.value,
        "query": answer.query,
        "found": answer.found,
        "notice": answer.notice,
        "sources": [_source(s) for s in answer.sources],
    }
    return data | _lists(answer, ids)
