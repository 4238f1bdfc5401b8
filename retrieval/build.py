"""Building a BM25 index from passage texts, tokenizing on every core for large corpora."""

from __future__ import annotations

import contextlib
import functools
import logging
import multiprocessing
import os
import sys
import threading
import types
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.pool import IMapIterator, Pool
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from retrieval import cancel
from retrieval.bm25 import BM25Params
from retrieval.index import BM25Index
from retrieval.tokenizer import token_ids, tokenize

log = logging.getLogger(__name__)

T = TypeVar("T")
Tokenizer = Callable[[str], list[str]]
# (terms in first-occurrence order, each token's position in `terms`, tokens per passage)
Chunk = tuple[list[str], npt.NDArray[np.int32], npt.NDArray[np.int64]]

# Below this many passages a worker pool costs more (start-up, copying texts) than it saves.
PARALLEL_MIN_PASSAGES = 20_000
_CHUNK_PASSAGES = 10_000


def tokenize_chunk(texts: Sequence[str], tokenizer: Tokenizer = tokenize) -> Chunk:
    """Tokenize passages into ids local to this chunk (a worker's unit of work)."""
    if tokenizer is tokenize:  # the same numbers, each raw token looked up once
        terms, flat, counts = token_ids(texts)
        return terms, np.frombuffer(flat, np.int32), np.frombuffer(counts, np.int64)
    local: dict[str, int] = {}
    ids = array("i")
    lengths = array("q")
    for text in texts:
        tokens = tokenizer(text)
        ids.extend([local.setdefault(t, len(local)) for t in tokens])
        lengths.append(len(tokens))
    return list(local), np.frombuffer(ids, np.int32), np.frombuffer(lengths, np.int64)


def _chunks(texts: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(texts), size):
        yield texts[start : start + size]


class VocabularyMerger:
    """One vocabulary for chunks taken in corpus order.

    Terms new to a chunk are numbered in their order of first occurrence there, so global ids
    follow first occurrence in the whole corpus: the order in which rank_bm25 sums idf.
    """

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}

    def merge(self, terms: list[str], ids: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
        """A chunk's token ids (positions in its `terms`) as global ids."""
        vocab = self.vocab
        mapping = np.fromiter(
            (vocab.setdefault(t, len(vocab)) for t in terms), dtype=np.int32, count=len(terms)
        )
        merged: npt.NDArray[np.int32] = mapping[ids]
        return merged


def merge_chunks(
    chunks: Iterable[Chunk], stop: threading.Event | None = None
) -> tuple[dict[str, int], npt.NDArray[np.int32], npt.NDArray[np.int64]]:
    """One vocabulary, flat term ids and lengths for chunks taken in corpus order."""
    merger = VocabularyMerger()
    flats: list[npt.NDArray[np.int32]] = []
    lengths: list[npt.NDArray[np.int64]] = []
    for terms, ids, counts in chunks:
        cancel.check(stop)
        flats.append(merger.merge(terms, ids))
        lengths.append(counts)
    if not lengths:
        return merger.vocab, np.zeros(0, np.int32), np.zeros(0, np.int64)
    return merger.vocab, np.concatenate(flats), np.concatenate(lengths)


def polled(results: IMapIterator[T], stop: threading.Event | None) -> Iterator[T]:
    """A pool's results in order, checking `stop` every 0.2 s while one is pending."""
    while True:
        try:
            yield results.next(timeout=0.2)
        except multiprocessing.TimeoutError:
            cancel.check(stop)
        except StopIteration:
            return


@contextlib.contextmanager
def _bare_main() -> Iterator[None]:
    """Start workers without the application's main module.

    A spawned or forkserver worker first re-runs the parent's `__main__` script (for the
    `briefbot` command, the whole application: discord, the answer layer) unless it is run as
    `-m package`. Workers need only what they are sent, so while they start, `__main__` is a
    bare module that names no file.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


@contextlib.contextmanager
def worker_pool(workers: int, preload: list[str]) -> Iterator[Pool]:
    """A pool of `workers` processes that import only `preload` up front; terminated on exit."""
    # forkserver: safe in a process with threads (the bot), cheaper than spawn.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # Its server imports these modules, not the whole application (the default `__main__`).
        context.set_forkserver_preload(preload)
    with _bare_main():
        pool = context.Pool(workers)
    with pool:
        yield pool


def tokenize_corpus(
    texts: Sequence[str],
    tokenizer: Tokenizer | None = None,
    workers: int | None = None,
    stop: threading.Event | None = None,
) -> tuple[dict[str, int], npt.NDArray[np.int32], npt.NDArray[np.int64]]:
    """Vocabulary, flat term ids and lengths of the passages, using `workers` processes.

    `tokenizer` must be a module-level function when workers are used (it is sent by name).
    Setting `stop` ends the work with `cancel.BuildCancelled` (the pool is terminated).
    """
    workers = workers or os.cpu_count() or 1
    work = functools.partial(tokenize_chunk, tokenizer=tokenizer or tokenize)
    if workers == 1 or len(texts) < PARALLEL_MIN_PASSAGES:
        return merge_chunks(map(work, _chunks(texts, _CHUNK_PASSAGES)), stop)
    with worker_pool(workers, [__name__]) as pool:
        # imap keeps corpus order and lets the merge overlap with tokenizing.
        results = pool.imap(work, _chunks(texts, _CHUNK_PASSAGES))
        return merge_chunks(polled(results, stop), stop)


def build_index(
    texts: Sequence[str],
    params: BM25Params,
    tokenizer: Tokenizer | None = None,
    workers: int | None = None,
    stop: threading.Event | None = None,
) -> BM25Index:
    """Tokenize passages (in parallel when there are many) and index them."""
    vocab, flat, lengths = tokenize_corpus(texts, tokenizer, workers, stop)
    return BM25Index.from_ids(vocab, flat, lengths, params)
