"""A corpus folder written as batches arrive: each array streamed to its file, never all held.

The files are those `Corpus.save` writes, byte for byte: the same .npy arrays (their header,
which holds the length, is written last), texts.bin, the document records and the index.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from retrieval import cancel
from retrieval.batch import SENTENCE_DTYPES, Batch
from retrieval.bm25 import BM25Params
from retrieval.build import VocabularyMerger
from retrieval.corpus import _save_records
from retrieval.index import BM25Index

# A 1-D array's .npy header (format 1.0) is padded to 128 bytes whatever its length.
_HEADER = 128
# (name, type, first value): the offset arrays begin at 0, passage_doc has one per passage.
_POINTERS: tuple[tuple[str, type[np.generic], int | None], ...] = (
    ("doc_sent_ptr", np.int64, 0),
    ("passage_ptr", np.int64, 0),
    ("passage_doc", np.int32, None),
    ("text_ptr", np.int64, 0),
)


class _Column:
    """One .npy file of a 1-D array, appended to; its header goes in when it is closed."""

    def __init__(self, path: Path, dtype: type[np.generic], first: int | None = None) -> None:
        self.path, self.dtype, self.count = path, np.dtype(dtype), 0
        self.file: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.file.write(b"\0" * _HEADER)
        if first is not None:
            self.append(np.array([first]))

    def append(self, values: npt.NDArray[Any]) -> None:
        self.file.write(np.ascontiguousarray(values, self.dtype).tobytes())
        self.count += len(values)

    def close(self) -> None:
        self.file.seek(0)
        header = {
            "descr": np.lib.format.dtype_to_descr(self.dtype),
            "fortran_order": False,
            "shape": (self.count,),
        }
        np.lib.format.write_array_header_1_0(self.file, header)
        if self.file.tell() != _HEADER:  # never for a 1-D array; a corrupt file if it were
            raise ValueError(f"{self.path.name}: a header of {self.file.tell()} bytes")
        self.file.close()


class ColumnWriter:
    """The columns of a corpus folder, written batch by batch (see `retrieval.ingest`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made = not folder.exists()
        folder.mkdir(parents=True, exist_ok=True)
        self.passages = self.documents = self.sentences = self.text_bytes = 0
        self.records: list[dict[str, Any]] = []
        self.merger = VocabularyMerger()
        self.lengths: list[npt.NDArray[np.int64]] = []
        self.index: BM25Index | None = None
        self._created: list[Path] = []
        self._sentences = [self._column(name, dtype) for name, dtype in SENTENCE_DTYPES]
        self._pointers = [self._column(name, dtype, first) for name, dtype, first in _POINTERS]
        self._texts = self._open("texts.bin")
        self._term_ids = self._open(".term_ids.part")  # every token, until the index is built

    def _open(self, name: str) -> IO[bytes]:
        self._created.append(self.folder / name)
        return open(self.folder / name, "wb")

    def _column(self, name: str, dtype: type[np.generic], first: int | None = None) -> _Column:
        self._created.append(self.folder / f"{name}.npy")
        return _Column(self.folder / f"{name}.npy", dtype, first)

    def add(self, batch: Batch, records: list[dict[str, Any]]) -> None:
        """Append a batch's documents with sentences (`records`: theirs, numbered)."""
        kept = batch.sentence_counts > 0
        counts, passage_counts = batch.sentence_counts[kept], batch.passage_counts[kept]
        if len(counts) != len(records):
            raise ValueError("a record for each document with sentences")
        for column, values in zip(self._sentences, batch.sentences, strict=True):
            column.append(values)
        doc_sent, passage_ptr, passage_doc, text_ptr = self._pointers
        doc_sent.append(self.sentences + np.cumsum(counts))
        passage_ptr.append(self.sentences + batch.passage_ends)
        passage_doc.append(self.documents + np.repeat(np.arange(len(counts)), passage_counts))
        text_ptr.append(self.text_bytes + np.cumsum(batch.text_lengths))
        self._texts.write(batch.text)
        self._term_ids.write(self.merger.merge(batch.terms, batch.term_ids).tobytes())
        self.lengths.append(batch.lengths)
        self.records += records
        self.documents += len(records)
        self.sentences += int(counts.sum())
        self.passages += len(batch.passage_ends)
        self.text_bytes += len(batch.text)

    def build_index(self, params: BM25Params, stop: threading.Event | None) -> None:
        """Index every passage added (the tokens read back from disk, then dropped)."""
        cancel.check(stop)
        self._term_ids.close()
        path = self.folder / ".term_ids.part"
        flat = np.fromfile(path, np.int32)
        os.unlink(path)
        lengths = np.concatenate(self.lengths) if self.lengths else np.zeros(0, np.int64)
        self.index = BM25Index.from_ids(self.merger.vocab, flat, lengths, params)

    def save(self) -> None:
        """Finish every file: array headers, the records, the index."""
        if self.index is None:
            raise ValueError("build_index before save")
        _save_records(self.folder, self.records)
        for column in (*self._sentences, *self._pointers):
            column.close()
        self._texts.close()
        self.index.save(self.folder / "bm25")
        self._created.clear()

    def __enter__(self) -> ColumnWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """On an error, close and remove the files begun: a failed build leaves none behind."""
        if not self._created:
            return
        for column in (*self._sentences, *self._pointers):
            column.file.close()
        self._texts.close()
        self._term_ids.close()
        for path in self._created:
            path.unlink(missing_ok=True)
        if self._made and not any(self.folder.iterdir()):
            self.folder.rmdir()
