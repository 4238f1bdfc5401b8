"""Rendering answers for the terminal (Jinja2 templates, overridable) and for scripts (JSON)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

from answers.models import Answer, Figure, Kind, Quote, Source, Story

# The lists each kind of answer carries in JSON, besides `sources`.
_JSON_LISTS = {
    Kind.SUMMARY: ("sentences",),
    Kind.FIGURES: ("figures",),
    Kind.SOURCES: (),
    Kind.CITE: ("quotes",),
    Kind.ASK: ("passages",),
    Kind.BRIEFING: ("stories", "figures"),
}


@functools.lru_cache(maxsize=8)
def environment(override: Path | None = None) -> jinja2.Environment:
    """Templates from `override` first (an operator's folder), then the packaged ones."""
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader("answers", "templates")]
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
    return env


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
    return data


def _figure(f: Figure, sources: dict[int, str]) -> dict[str, Any]:
    return {
        "value": f.value,
        "text": f.value,
        "number": f.number,
        "unit": f.unit,
        "category": f.category,
        "sentence": f.sentence.text,
        "source_id": f.sentence.source_id,
        "anchor": f.sentence.anchor,
        "source_ids": [sources[m] for m in f.markers],
        "markers": list(f.markers),
    }


def _story(s: Story) -> dict[str, Any]:
    return {
        "headline": _quote(s.headline),
        "quotes": [_quote(q) for q in s.quotes],
        "markers": list(s.markers),
    }


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
    for name in _JSON_LISTS[answer.kind]:
        items = getattr(answer, name)
        if name == "figures":
            data[name] = [_figure(f, ids) for f in items]
        elif name == "stories":
            data[name] = [_story(s) for s in items]
        else:
            data[name] = [_quote(q) for q in items]
    if answer.window is not None:
        data["window"] = [answer.window[0].isoformat(), answer.window[1].isoformat()]
    return data
