"""One entry point from a kind of question to its answer, shared by every front end."""

from __future__ import annotations

from typing import Any

from answers.models import Answer, Kind
from answers.passages import answer_ask
from answers.sources import answer_sources
from retrieval.store import OpenedCorpus


def compose(kind: Kind, opened: OpenedCorpus, text: str, **options: Any) -> Answer:
    """The answer of `kind` to `text` over the opened corpus."""
    corpus = opened.corpus
    if kind is Kind.SOURCES:
        return answer_sources(corpus, text, **options)
    if kind is Kind.ASK:
        return answer_ask(corpus, text, **options)
    raise NotImplementedError(kind)
