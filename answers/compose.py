"""One entry point from a kind of question to its answer, shared by every front end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from answers.briefing import answer_briefing
from answers.citations import answer_cite
from answers.figures import answer_figures
from answers.models import Answer, Kind
from answers.passages import answer_ask
from answers.sources import answer_sources
from answers.summary import answer_summary
from retrieval.store import OpenedCorpus

# Each takes (corpus, text, **options); briefing's options are since=, now= and hours=.
COMPOSERS: dict[Kind, Callable[..., Answer]] = {
    Kind.SUMMARY: answer_summary,
    Kind.FIGURES: answer_figures,
    Kind.SOURCES: answer_sources,
    Kind.CITE: answer_cite,
    Kind.ASK: answer_ask,
    Kind.BRIEFING: answer_briefing,
}


def compose(kind: Kind, opened: OpenedCorpus, text: str, **options: Any) -> Answer:
    """The answer of `kind` to `text` over the opened corpus."""
    return COMPOSERS[kind](opened.corpus, text, **options)
