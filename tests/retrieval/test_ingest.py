"""Tests for retrieval/ingest.py: writing a corpus folder from some or all of a folder's files."""

from __future__ import annotations

from pathlib import Path

from retrieval.bm25 import BM25Params
from retrieval.corpus import Corpus
from retrieval.ingest import write_corpus

TEXT = "The bridge over the river opened in May. It carries four lanes of traffic.\n"


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "b").mkdir(parents=True)
    (root / "a.txt").write_text(TEXT)
    (root / "b" / "a.txt").write_text(TEXT.replace("four", "six"))
    return root


def test_writes_only_the_files_given_with_ids_clear_of_those_taken(tmp_path: Path) -> None:
    """A segment of one file gets an id other than the ones already indexed elsewhere."""
    root = _folder(tmp_path)
    files = [("b/a.txt", root / "b" / "a.txt")]
    written = write_corpus(
        root, tmp_path / "out", BM25Params(), lambda _: 7.0, files=files, taken=frozenset({"a"})
    )
    assert (written.documents, written.ids, list(written.digests)) == (1, ("b/a",), ["b/a.txt"])
    corpus = Corpus.load(tmp_path / "out", compiled=False)
    assert corpus.document(0).first_seen == 7.0
    assert "six lanes" in corpus.document(0).text


def test_writes_every_file_when_none_are_given(tmp_path: Path) -> None:
    """Without a file list the whole folder is indexed."""
    root = _folder(tmp_path)
    written = write_corpus(root, tmp_path / "out", BM25Params(), lambda _: 0.0)
    assert written.documents == 2 and written.passages == 2
