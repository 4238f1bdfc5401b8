"""Fixtures for the answer layer: the seed corpus, opened once, and tiny corpora built on demand."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from retrieval.bm25 import BM25Params
from retrieval.corpus import Corpus
from retrieval.documents import load_documents
from retrieval.store import open_corpus

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
GOLDEN = Path(__file__).parent / "golden"

MakeCorpus = Callable[[dict[str, str]], Corpus]
StampedCorpus = Callable[[Path, Sequence[dt.datetime | None]], Corpus]


@pytest.fixture(scope="session")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The five seed articles, indexed once for the session through the persisted store."""
    return open_corpus(SEEDS, tmp_path_factory.mktemp("data")).corpus


@pytest.fixture
def make_corpus(tmp_path: Path) -> MakeCorpus:
    """Write {file name: text} into a fresh folder and open it as a corpus."""

    def _make(files: dict[str, str]) -> Corpus:
        root = tmp_path / "corpus"
        root.mkdir(exist_ok=True)
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8")
        return open_corpus(root, tmp_path / "data").corpus

    return _make


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
