"""Corpus folders that fight back: huge files, deleted files, symlinks out, pipes, devices."""

from __future__ import annotations

import json
import logging
import os
import resource
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from retrieval import batch, ingest, reader, store
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
    opens: list[str] = []
    real_open = os.open

    def _open(path: str, *args: Any, **kwargs: Any) -> int:
        opens.append(os.path.basename(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", _open)
    with caplog.at_level(logging.WARNING):
        opened = open_corpus(corpus, tmp_path / "data")
    assert "a.txt" in opens and "huge.txt" not in opens
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
    real_find = reader.find_files

    def _find_then_delete(root: Path) -> list[tuple[str, Path]]:
        found = real_find(root)
        (corpus / "b.txt").unlink()  # deleted between listing and reading
        return found

    monkeypatch.setattr(ingest, "find_files", _find_then_delete)
    monkeypatch.setattr(store, "_file_digests", lambda *a: {"a.txt": "x", "b.txt": "y"})
    with caplog.at_level(logging.WARNING):
        opened = open_corpus(corpus, tmp_path / "data")
    assert [s.path for s in opened.skipped] == ["b.txt"]
    assert "skipping b.txt: unreadable" in caplog.text
    assert opened.corpus.document_count == 1


# open_corpus in a fresh process: a hang is a timeout, an unbounded read a MemoryError.
_OPEN = """
import json, sys
from pathlib import Path
from retrieval.store import open_corpus
opened = open_corpus(Path(sys.argv[1]), Path(sys.argv[2]))
ids = [record["id"] for record in opened.corpus.records]
print(json.dumps({"skipped": [s.path for s in opened.skipped], "ids": ids}))
"""
_REPO = Path(__file__).resolve().parents[2]


def open_in_child(corpus: Path, data: Path, timeout: float = 30) -> tuple[dict[str, Any], str]:
    """open_corpus in a child limited to 2 GB of memory; (its summary, its stderr)."""

    def _limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    env = {**os.environ, "PYTHONPATH": str(_REPO)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", _OPEN, str(corpus), str(data)],
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_limit,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"open_corpus did not return within {timeout} s")
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout), done.stderr


def test_symlink_out_of_the_corpus_is_never_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a .txt symlink to a file outside the folder was indexed and quoted.

    It is skipped with a warning naming it and nothing of its target reaches the data folder;
    a symlink to a file inside the folder still loads.
    """
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE)
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("The root password of the server is hunter2 and nobody knows it.\n")
    (corpus / "leak.txt").symlink_to(secret)
    (corpus / "sub").mkdir()
    (corpus / "sub" / "alias.txt").symlink_to(corpus / "a.txt")
    with caplog.at_level(logging.WARNING):
        opened = open_corpus(corpus, tmp_path / "data")
    assert [s.path for s in opened.skipped] == ["leak.txt"]
    assert "skipping leak.txt: its real path is outside the corpus folder" in caplog.text
    assert [r["id"] for r in opened.corpus.records] == ["a", "alias"]
    assert not opened.corpus.search("root password hunter2")
    assert b"hunter2" not in b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*.*"))


def test_fifo_in_the_corpus_does_not_hang_the_open(tmp_path: Path) -> None:
    """Regression: a FIFO called pipe.txt blocked `open_corpus` (hashing opened it) forever."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE)
    os.mkfifo(corpus / "pipe.txt")
    summary, err = open_in_child(corpus, tmp_path / "data")
    assert summary == {"skipped": ["pipe.txt"], "ids": ["a"]}
    assert "skipping pipe.txt: not a regular file" in err


def test_symlink_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    """Regression: `zero.txt -> /dev/zero` was hashed until memory ran out (MemoryError)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE)
    (corpus / "zero.txt").symlink_to("/dev/zero")
    summary, err = open_in_child(corpus, tmp_path / "data")
    assert summary == {"skipped": ["zero.txt"], "ids": ["a"]}
    assert "skipping zero.txt" in err


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_device_inside_the_corpus_is_not_read(tmp_path: Path) -> None:
    """Regression: a character device inside the folder (a copy of /dev/zero) was hashed
    without bound; a device is not a regular file and is never opened."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE)
    os.mknod(corpus / "zero.txt", 0o600 | stat.S_IFCHR, os.makedev(1, 5))
    summary, err = open_in_child(corpus, tmp_path / "data")
    assert summary == {"skipped": ["zero.txt"], "ids": ["a"]}
    assert "skipping zero.txt: not a regular file" in err


def test_index_never_quotes_text_the_file_no_longer_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a file edited during a build and then reverted left an index, reused under
    the reverted file's key, quoting the edited sentence. The key is now the hash of the
    bytes parsed, so the reverted file gets its own index."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    path = corpus / "a.txt"
    path.write_text(ARTICLE)
    edited = ARTICLE.replace("850 meters", "999 meters")
    real_read = batch.read_batch

    def _read_while_edited(*args: Any, **kwargs: Any) -> Any:
        path.write_text(edited)  # edited after hashing, while the build reads
        try:
            return real_read(*args, **kwargs)
        finally:
            path.write_text(ARTICLE)  # and reverted before the next open

    monkeypatch.setattr(ingest, "read_batch", _read_while_edited)
    during = open_corpus(corpus, tmp_path / "data")
    assert "999 meters" in during.corpus.document_by_id("a").text
    monkeypatch.setattr(ingest, "read_batch", real_read)
    after = open_corpus(corpus, tmp_path / "data")
    assert after.key != during.key
    assert "850 meters" in after.corpus.document_by_id("a").text
