"""Writing a corpus folder from files: read, parse, split, tokenize, index and save.

The one entry point every build goes through: a whole folder (`retrieval.store`) or only some
of its files (a segment of an incremental index). Files are read in batches
(`retrieval.batch`), on every core for a large corpus, and merged here in corpus order: the
columns go to disk as they come, so no Document is held beyond its batch. What is written
equals `Corpus.from_documents(load_documents(...)).save(...)`, array for array.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval import build, cancel
from retrieval.batch import Batch, Task, read_batch
from retrieval.bm25 import BM25Params
from retrieval.columns import ColumnWriter
from retrieval.documents import _unique_id
from retrieval.progress import BuildProgress, ProgressCallback, Stage
from retrieval.reader import DEFAULT_MAX_BYTES, CorpusError, Skipped, find_files

log = logging.getLogger(__name__)

# sha256 of a document's parsed bytes -> when that text was first indexed (epoch seconds)
FirstSeen = Callable[[str], float]

# Below this many bytes of files, a worker pool costs more (its start, about half a second)
# than it saves: seeds/ and the tests read in-process.
PARALLEL_MIN_BYTES = 4 << 20
# Files per batch: big enough that sending a batch's result costs little beside reading it.
BATCH_FILES = 64


@dataclass(frozen=True, slots=True)
class Written:
    """What `write_corpus` wrote: the digest of every file as read, the files skipped, counts."""

    digests: dict[str, str]
    skipped: tuple[Skipped, ...]
    documents: int
    passages: int
    ids: tuple[str, ...] = field(default=())  # document ids, in document-number order


def write_corpus(
    root: Path,
    folder: Path,
    params: BM25Params,
    first_seen: FirstSeen,
    max_bytes: int = DEFAULT_MAX_BYTES,
    files: Sequence[tuple[str, Path]] | None = None,
    taken: frozenset[str] = frozenset(),
    stop: threading.Event | None = None,
    progress: ProgressCallback | None = None,
    before_save: Callable[[], None] | None = None,
) -> Written:
    """Index `files` (relpath, path) under root (all of root's files when None) into `folder`.

    Document ids avoid those in `taken` (ids of documents already indexed elsewhere). Raises
    `CorpusError` when no file loads, `cancel.BuildCancelled` when `stop` is set; `before_save`
    runs once everything is indexed, just before the folder is written (the last point at which
    a build can still be abandoned cheaply).
    """
    started = time.perf_counter()
    files = find_files(root) if files is None else files
    real_root = os.path.realpath(root)
    tasks = [
        Task(files[i : i + BATCH_FILES], real_root, max_bytes)
        for i in range(0, len(files), BATCH_FILES)
    ]
    with ColumnWriter(folder) as writer, _read_batches(tasks, _pooled(files), stop) as batches:
        merge = _Merge(writer, first_seen, set(taken), len(files), started, progress)
        for batch in batches:
            merge.add(batch)
        if not merge.ids:
            _nothing_loaded(root, merge.skipped)
        if progress is not None:
            reading = time.perf_counter() - started
            progress(merge.report(Stage.INDEXING, reading))
        writer.build_index(params, stop)
        cancel.check(stop)
        if before_save is not None:
            before_save()
        writer.save()
    return Written(
        merge.digests, tuple(merge.skipped), len(merge.ids), writer.passages, tuple(merge.ids)
    )


def _nothing_loaded(root: Path, skipped: list[Skipped]) -> None:
    shown = ", ".join(s.path for s in skipped[:3]) + (", …" if len(skipped) > 3 else "")
    raise CorpusError(
        f"no readable document in {root}" + (f" (skipped: {shown})" if skipped else "")
    )


def _pooled(files: Sequence[tuple[str, Path]]) -> bool:
    """Whether the files are worth a worker pool: at least PARALLEL_MIN_BYTES (a stat each,
    stopping as soon as there are enough), and more than one core."""
    if (os.cpu_count() or 1) < 2:
        return False
    total = 0
    for _, path in files:
        with contextlib.suppress(OSError):  # the read will say why it cannot be read
            total += os.lstat(path).st_size
        if total >= PARALLEL_MIN_BYTES:
            return True
    return False


@contextlib.contextmanager
def _read_batches(
    tasks: list[Task], pooled: bool, stop: threading.Event | None
) -> Iterator[Iterator[Batch]]:
    """The tasks' batches in order: read in-process, or by a pool terminated when done."""
    if not pooled:
        yield (read_batch(task, stop) for task in tasks)
        return
    with build.worker_pool(os.cpu_count() or 1, ["retrieval.batch"]) as pool:
        sent = [Task(t.files, t.real_root, t.max_bytes, capture_logs=True) for t in tasks]
        # imap keeps corpus order and lets the merge overlap with reading.
        yield build.polled(pool.imap(read_batch, sent), stop)


class _Merge:
    """Batches taken in corpus order: documents numbered, skips and digests kept, columns out."""

    def __init__(
        self,
        writer: ColumnWriter,
        first_seen: FirstSeen,
        taken: set[str],
        total: int,
        started: float,
        progress: ProgressCallback | None,
    ) -> None:
        self.writer, self.first_seen, self.taken = writer, first_seen, taken
        self.total, self.started, self.progress = total, started, progress
        self.digests: dict[str, str] = {}
        self.skipped: list[Skipped] = []
        self.ids: list[str] = []
        self.done = self.passages = 0

    def report(self, stage: Stage, reading: float = 0.0) -> BuildProgress:
        elapsed = time.perf_counter() - self.started
        return BuildProgress(stage, self.done, self.total, self.passages, elapsed, reading)

    def add(self, batch: Batch) -> None:
        """Number the batch's documents, note its skips and digests, and write its columns."""
        for name, level, message in batch.logs:  # what a worker would have logged
            logging.getLogger(name).log(level, "%s", message)
        kept: list[dict[str, Any]] = []
        parsed = 0
        for relpath, digest, reason in batch.listed:
            self.digests[relpath] = digest
            if reason:
                self.skipped.append(Skipped(relpath, reason))
            else:
                record = batch.records[parsed]
                if self._number(relpath, record, int(batch.sentence_counts[parsed])):
                    kept.append(record)
                self.passages += int(batch.passage_counts[parsed])
                parsed += 1
            self.done += 1
            if self.progress is not None:
                self.progress(self.report(Stage.READING))
        self.writer.add(batch, kept)

    def _number(self, relpath: str, record: dict[str, Any], sentences: int) -> bool:
        """Give a parsed document its id (as `load_documents` does); False: it has no sentences."""
        doc_id = _unique_id(relpath, self.taken)
        if not sentences:
            log.warning("skipping %s: no sentences found", relpath)
            self.skipped.append(Skipped(relpath, "no sentences found"))
            return False
        self.taken.add(doc_id)
        self.ids.append(doc_id)
        record["id"], record["first_seen"] = doc_id, self.first_seen(record["sha256"])
        return True
