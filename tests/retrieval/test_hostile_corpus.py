"""Corpus folders that fight back: a 100 MB file, a file deleted while indexing."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from retrieval import documents, store
from retrieval.store import open_corpus

ARTICLE = "Tumen bridge opens\n\nThe road bridge over the Tumen River will be 850 meters long.\n"


def test_huge_file_is_skipped_unread_and_the_rest_serves(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 100 MB file is named in a warning and skipped without being read, even for hashing."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE)
    with (corpus / "huge.txt").open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB without writing them
    reads: list[str] = []
    real_read_bytes = Path.read_bytes
    monkeypatch.setattr(
        Path, "read_bytes", lambda self: reads.append(self.name) or real_read_bytes(self)
    )
    with caplog.at_level(logging.WARNING):
        opened = open_corpus(corpus, tmp_path / "data")
    assert "huge.txt" not in reads
    assert [s.path for s in opened.skipped] == ["huge.txt"]
    assert "skipping huge.txt" in caplog.text and "over the" in caplog.text
    assert [h.passage.doc_id for h in opened.corpus.search("Tumen bridge")] == ["a", "a"]


def test_file_deleted_while_indexing_is_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file listed but gone before it is read is skipped with a warning; the load goes on."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE)
    (corpus / "b.txt").write_text(ARTICLE.replace("850", "900"))
    real_find = documents.find_files

    def _find_then_delete(root: Path) -> list[tuple[str, Path]]:
        found = real_find(root)
        (corpus / "b.txt").unlink()  # deleted between listing and reading
        return found

    monkeypatch.setattr(documents, "find_files", _find_then_delete)
    monkeypatch.setattr(store, "_file_digests", lambda *a: {"a.txt": "x", "b.txt": "y"})
    with caplog.at_level(logging.WARNING):
        opened = open_corpus(corpus, tmp_path / "data")
    assert [s.path for s in opened.skipped] == ["b.txt"]
    assert "skipping b.txt: unreadable" in caplog.text
    assert opened.corpus.document_count == 1
