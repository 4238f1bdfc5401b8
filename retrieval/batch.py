"""A batch of corpus files read, parsed, split into passages and tokenized: a worker's unit.

Everything a file costs happens here, in one pass and (for a large corpus) in a worker
process, so no stage waits on one core. What comes back is compact: flat arrays of sentences
and passage boundaries, the UTF-8 text, term ids local to the batch, and one small record per
document. The parent (`retrieval.ingest`) numbers documents and merges batches in corpus order.
"""

from __future__ import annotations

import logging
import threading
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval import cancel, documents
from retrieval.build import tokenize_chunk
from retrieval.corpus import _KINDS, _doc_record
from retrieval.documents import Document
from retrieval.passages import group_passages
from retrieval.reader import Skipped as SkippedFile
from retrieval.reader import decode_file, read_raw

IntArray = npt.NDArray[np.int64]
# The sentence columns, in the order `Batch.sentences` holds them, with their saved types.
SENTENCE_DTYPES = (
    ("sent_para", np.int32),
    ("sent_num", np.int32),
    ("sent_start", np.int64),
    ("sent_end", np.int64),
    ("sent_kind", np.int8),
)


@dataclass(frozen=True, slots=True)
class Task:
    """Files to read (relpath, path) under the corpus folder's real path, and the size limit."""

    files: Sequence[tuple[str, Path]]
    real_root: str
    max_bytes: int
    capture_logs: bool = False  # in a worker: send warnings back for the parent to log


@dataclass(frozen=True, slots=True)
class Batch:
    """What a batch of files gave, in file order.

    `listed` has every file: (relpath, digest of its bytes, why it was skipped or ""). Each
    file not skipped was parsed into one of `records` (its id still to be given), with
    `sentence_counts` sentences; only documents with sentences have columns and text.
    """

    listed: list[tuple[str, str, str]]
    records: list[dict[str, Any]]
    sentence_counts: IntArray  # per parsed document, zero for one without sentences
    passage_counts: IntArray  # per parsed document
    sentences: tuple[npt.NDArray[Any], ...]  # the columns of SENTENCE_DTYPES
    passage_ends: IntArray  # each passage's end, in sentences from the batch's first one
    text: bytes  # the UTF-8 text of each document with sentences, one after another
    text_lengths: IntArray  # bytes of each of those documents
    terms: list[str]  # the batch's terms in first-occurrence order
    term_ids: npt.NDArray[np.int32]  # every passage's tokens, as positions in `terms`
    lengths: IntArray  # tokens per passage
    logs: list[tuple[str, int, str]]  # (logger, level, message) captured in a worker


class _Columns:
    """The batch's growing columns, in compact arrays rather than lists of objects."""

    def __init__(self) -> None:
        self.sentences = [array("i"), array("i"), array("q"), array("q"), array("b")]
        self.passage_ends, self.text_lengths = array("q"), array("q")
        self.texts: list[str] = []
        self.blob: list[bytes] = []

    def add(self, doc: Document) -> int:
        """Add a document with sentences; returns its passage count."""
        para, num, start, end, kind = self.sentences
        base = len(para)
        for s in doc.sentences:
            para.append(s.anchor.paragraph)
            num.append(s.anchor.sentence)
            start.append(s.start)
            end.append(s.end)
            kind.append(_KINDS.index(s.kind))
        ranges = group_passages(doc.sentences)
        for lo, hi in ranges:
            self.passage_ends.append(base + hi)
            self.texts.append(doc.text[doc.sentences[lo].start : doc.sentences[hi - 1].end])
        encoded = doc.text.encode("utf-8")
        self.blob.append(encoded)
        self.text_lengths.append(len(encoded))
        return len(ranges)


class _Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def read_batch(task: Task, stop: threading.Event | None = None) -> Batch:
    """Read, parse, split and tokenize the task's files (see `Batch`); `stop` is checked
    before each file (in-process only: an event does not cross to a worker)."""
    captured = _Captured()
    logger = logging.getLogger("retrieval")
    if task.capture_logs:  # a worker has no handlers: the parent logs what happened
        logger.addHandler(captured)
        logger.propagate = False
    try:
        return _read(task, captured.records, stop)
    finally:
        if task.capture_logs:
            logger.removeHandler(captured)
            logger.propagate = True


def _read(task: Task, logs: list[tuple[str, int, str]], stop: threading.Event | None) -> Batch:
    columns = _Columns()
    listed: list[tuple[str, str, str]] = []
    records: list[dict[str, Any]] = []
    sentence_counts, passage_counts = array("q"), array("q")
    for relpath, path in task.files:
        cancel.check(stop)
        raw = read_raw(path, relpath, task.max_bytes, task.real_root)
        source = decode_file(raw)
        if isinstance(source, SkippedFile):
            listed.append((relpath, raw.digest, source.reason))
            continue
        listed.append((relpath, raw.digest, ""))
        doc = documents.parse_document(source, "")  # ids are given in corpus order, by the parent
        records.append(_doc_record(doc))
        sentence_counts.append(len(doc.sentences))
        passage_counts.append(columns.add(doc) if doc.sentences else 0)
    terms, term_ids, lengths = tokenize_chunk(columns.texts)
    return Batch(
        listed,
        records,
        np.frombuffer(sentence_counts, np.int64),
        np.frombuffer(passage_counts, np.int64),
        tuple(
            np.frombuffer(values, dtype)
            for values, (_, dtype) in zip(columns.sentences, SENTENCE_DTYPES, strict=True)
        ),
        np.frombuffer(columns.passage_ends, np.int64),
        b"".join(columns.blob),
        np.frombuffer(columns.text_lengths, np.int64),
        terms,
        term_ids,
        lengths,
        logs,
    )
