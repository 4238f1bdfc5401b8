"""Typed helpers the tests import (fixtures stay in the conftest files)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from retrieval.bm25 import BM25Params
from retrieval.corpus import Corpus
from retrieval.documents import load_documents

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = ROOT / "tests" / "answers" / "golden"

MakeCorpus = Callable[[dict[str, str]], Corpus]
StampedCorpus = Callable[[Path, Sequence[dt.datetime | None]], Corpus]
WriteCorpus = Callable[[dict[str, str | bytes]], Path]
Run = Callable[..., tuple[int, str, str]]


def stamped(root: Path, first_seen: Sequence[dt.datetime | None]) -> Corpus:
    """The documents under root, in path order, first seen at the given moments (in memory)."""
    docs = load_documents(root).documents
    assert len(docs) == len(first_seen)
    stamped_docs = [
        replace(d, first_seen=None if moment is None else moment.timestamp())
        for d, moment in zip(docs, first_seen, strict=True)
    ]
    return Corpus.from_documents(stamped_docs, BM25Params())


def check_golden(name: str, text: str, suffix: str = ".txt") -> None:
    """`text` is exactly golden/<name><suffix>; UPDATE_GOLDEN=1 rewrites the file for review."""
    path = GOLDEN / f"{name}{suffix}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"re-run with UPDATE_GOLDEN=1 to review {path}"
