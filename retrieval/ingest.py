"""Writing a corpus folder from files: read, parse, split, tokenize, index and save.

The one entry point every build goes through: a whole folder (`retrieval.store`) or only some
of its files (a segment of an incremental index). How it gets the work done (worker processes,
streaming columns) is this module's business; callers see only `write_corpus`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from retrieval import cancel
from retrieval.bm25 import BM25Params
from retrieval.corpus import Corpus
from retrieval.documents import load_documents
from retrieval.progress import BuildProgress, ProgressCallback, Stage
from retrieval.reader import DEFAULT_MAX_BYTES, Skipped

# sha256 of a document's parsed bytes -> when that text was first indexed (epoch seconds)
FirstSeen = Callable[[str], float]


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
    last: list[BuildProgress] = []

    def reading(report: BuildProgress) -> None:
        last[:] = [report]
        if progress is not None:
            progress(report)

    loaded = load_documents(root, max_bytes, stop, reading, files=files, taken=taken)
    if progress is not None:
        read = last[0] if last else BuildProgress(Stage.READING, 0, 0, 0, 0.0)
        progress(replace(read, stage=Stage.INDEXING, reading=read.elapsed))
    corpus = Corpus.from_documents(loaded.documents, params, stop)
    cancel.check(stop)
    if before_save is not None:
        before_save()
    for record in corpus.records:
        record["first_seen"] = first_seen(record["sha256"])
    corpus.save(folder)
    return Written(
        dict(loaded.digests),
        loaded.skipped,
        corpus.document_count,
        corpus.passage_count,
        tuple(doc.id for doc in loaded.documents),
    )
