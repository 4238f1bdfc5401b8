"""The streamed, batched build writes exactly what the reference pipeline writes."""

from __future__ import annotations

import filecmp
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval import ingest
from retrieval.bm25 import BM25Params
from retrieval.cancel import BuildCancelled
from retrieval.columns import _Column
from retrieval.corpus import Corpus
from retrieval.documents import load_documents
from retrieval.ingest import write_corpus
from retrieval.progress import BuildProgress, Stage

WIRE = (
    "Bridge talks end\n\nSEOUL - North Korea and Russia agreed on Tuesday to open a road bridge\n"
    "over the Tumen River next year. About 300 vehicles a day are expected\n"
    "to cross it, officials said.\n\n- The U.S. said 2,850 trucks a week would pass.\n"
)
UNICODE = "Ökonomie heute\n\nDie İstanbul-Börse fiel um 1,5 % am Montag. Der Euro stieg.\n"


def _hostile_folder(tmp_path: Path) -> Path:
    """Good files with shared stems and words, and every kind of file the load must skip."""
    root = tmp_path / "corpus"
    (root / "b").mkdir(parents=True)
    for n in range(7):
        text = f"Story {n} Of The Day\n\n" + WIRE.replace("300", str(300 + n)) * (n % 3 + 1)
        (root / f"s{n}.txt").write_text(text, "utf-8")
    (root / "b" / "s1.txt").write_text(UNICODE, "utf-8")  # a stem taken by s1.txt
    (root / "b" / "s1.md").write_text("A second copy of the stem, in Markdown form.\n", "utf-8")
    (root / "u.txt").write_text(UNICODE * 3, "utf-8")
    (root / "latin1.txt").write_bytes(
        "Caf\xe9 prices rose again in Paris today.\n".encode("latin-1")
    )
    (root / "blob.txt").write_bytes(b"PK\x03\x04\x00\x00binary\x00stuff")
    (root / "empty.md").write_bytes(b"")
    (root / "short.txt").write_text("Hi\n\nThere\n", "utf-8")  # no sentence of three words
    (root / "notes.csv").write_text("a,b\n", "utf-8")
    (root / "big.txt").write_text(WIRE * 40, "utf-8")  # over the size limit below
    (root / "out.txt").symlink_to(tmp_path / "outside.txt")
    (tmp_path / "outside.txt").write_text(WIRE, "utf-8")
    os.mkfifo(root / "pipe.txt")
    return root


MAX_BYTES = 4000


def _reference(root: Path, out: Path, taken: frozenset[str]) -> Any:
    """The old pipeline: every Document loaded, then split, indexed and saved at once."""
    loaded = load_documents(root, MAX_BYTES, taken=taken)
    corpus = Corpus.from_documents(loaded.documents, BM25Params())
    for record in corpus.records:
        record["first_seen"] = float(len(record["sha256"]) + ord(record["sha256"][0]))
    corpus.save(out)
    return loaded


def _same_folders(a: Path, b: Path) -> None:
    names = sorted(str(p.relative_to(a)) for p in a.rglob("*"))
    assert names == sorted(str(p.relative_to(b)) for p in b.rglob("*"))
    for name in names:
        if (a / name).is_file():
            assert filecmp.cmp(a / name, b / name, shallow=False), name


@pytest.mark.parametrize("pooled", [True, False])
def test_the_batched_build_writes_what_the_reference_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pooled: bool
) -> None:
    """Same files byte for byte (arrays, vocabulary, records, texts) and the same digests,
    skips and ids, in worker processes (batches of 2 files) or in-process."""
    root = _hostile_folder(tmp_path)
    monkeypatch.setattr(ingest, "PARALLEL_MIN_BYTES", 0 if pooled else 1 << 40)
    monkeypatch.setattr(ingest, "BATCH_FILES", 2)
    taken = frozenset({"s3"})
    loaded = _reference(root, tmp_path / "old", taken)
    written = write_corpus(
        root,
        tmp_path / "new",
        BM25Params(),
        lambda sha: float(len(sha) + ord(sha[0])),
        MAX_BYTES,
        taken=taken,
    )
    _same_folders(tmp_path / "old", tmp_path / "new")
    assert written.ids == tuple(d.id for d in loaded.documents)
    assert written.skipped == loaded.skipped and written.digests == dict(loaded.digests)
    assert (written.documents, written.passages) == (
        len(loaded.documents),
        Corpus.load(tmp_path / "new", compiled=False).passage_count,
    )
    assert {"s3.txt", "blob.txt", "pipe.txt", "out.txt", "big.txt"} <= set(written.digests)


def test_workers_warnings_are_logged_by_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A file a worker skips is named in a warning of the building process."""
    root = _hostile_folder(tmp_path)
    monkeypatch.setattr(ingest, "PARALLEL_MIN_BYTES", 0)
    with caplog.at_level(logging.WARNING):
        write_corpus(root, tmp_path / "new", BM25Params(), lambda _: 0.0, MAX_BYTES)
    assert "skipping blob.txt: binary content, not text" in caplog.text
    assert "skipping short.txt: no sentences found" in caplog.text


def test_a_pooled_build_reports_every_file_and_can_be_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file read is reported in order; a stop ends the build and leaves no file."""
    root = _hostile_folder(tmp_path)
    monkeypatch.setattr(ingest, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(ingest, "BATCH_FILES", 3)
    reports: list[BuildProgress] = []
    write_corpus(root, tmp_path / "a", BM25Params(), lambda _: 0.0, progress=reports.append)
    total = reports[0].files_total
    assert [r.files_done for r in reports[:-1]] == list(range(1, total + 1))
    assert [r.stage for r in reports[-2:]] == [Stage.READING, Stage.INDEXING]
    stop = threading.Event()

    def _stop_at_third(report: BuildProgress) -> None:
        if report.files_done == 3:
            stop.set()

    with pytest.raises(BuildCancelled):
        write_corpus(
            root, tmp_path / "b", BM25Params(), lambda _: 0.0, stop=stop, progress=_stop_at_third
        )
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64])
@pytest.mark.parametrize("length", [0, 1, 10**6 + 3])
def test_a_streamed_column_is_the_file_numpy_saves(tmp_path: Path, dtype: Any, length: int) -> None:
    """Appended in pieces, a column's .npy file equals np.save's, header included."""
    values = (np.arange(length) % 100).astype(dtype)
    column = _Column(tmp_path / "streamed.npy", dtype)
    for piece in np.array_split(values, 3):
        column.append(piece)
    column.close()
    np.save(tmp_path / "saved.npy", values, allow_pickle=False)
    assert (tmp_path / "streamed.npy").read_bytes() == (tmp_path / "saved.npy").read_bytes()
