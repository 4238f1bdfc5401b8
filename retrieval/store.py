"""The persisted corpus: built once into a data folder, reused while the files are unchanged."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from retrieval import cancel
from retrieval.bm25 import BM25Params
from retrieval.commits import (
    Update,
    file_locations,
    load_commit,
    load_segment,
    referenced,
    save_files,
    set_current,
    update,
)
from retrieval.commits import write_json as _write_json
from retrieval.composite import SegmentedCorpus
from retrieval.corpus import Corpus
from retrieval.documents import DOCUMENT_VERSION
from retrieval.ingest import write_corpus
from retrieval.listing import recall, remember, take_listing
from retrieval.passages import PASSAGE_VERSION
from retrieval.progress import BuildProgress, ProgressCallback, Stage
from retrieval.reader import DEFAULT_MAX_BYTES, CorpusError, Skipped, find_files, read_raw
from retrieval.tokenizer import TOKENIZER_VERSION

log = logging.getLogger(__name__)

STORE_VERSION = "4"  # 4: documents.jsonl + offsets, no documents.json
# A file changed twice within the filesystem's timestamp granularity can keep its size and
# mtime; digests of files this fresh are not cached, so the next open hashes them again.
_RACY_SECONDS = 2.0
_STAGING_GRACE_SECONDS = 60.0
_LOCK_POLL_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class OpenedCorpus:
    """A corpus ready to search, and how it came to be."""

    corpus: Corpus
    key: str
    built: bool  # True when this call (re)built the index, False when it reused one
    built_at: float
    skipped: tuple[Skipped, ...]
    folder: Path


def _file_digests(
    root: Path, cache_path: Path, max_bytes: int, stop: threading.Event | None = None
) -> dict[str, str]:
    """sha256 of every corpus file; unchanged (size, mtime) files reuse the cached digest.

    Files are read as the load reads them (`retrieval.reader.read_raw`): only regular files
    inside the folder, never blocking, at most max_bytes + 1 bytes. A file over the limit is
    not read: its size and time stand for its content.
    """
    try:
        cached = json.loads(cache_path.read_text("utf-8"))
    except (OSError, ValueError):
        cached = {}
    if not isinstance(cached, dict):
        cached = {}
    digests: dict[str, str] = {}
    fresh: dict[str, Any] = {}
    now_ns = time.time_ns()
    real_root = os.path.realpath(root)
    for relpath, path in find_files(root):
        cancel.check(stop)
        known = functools.partial(_cached_digest, cached.get(relpath))
        raw = read_raw(path, relpath, max_bytes, real_root, known)
        digests[relpath] = raw.digest
        stamp = list(raw.stamp) if raw.stamp else None
        if stamp is not None and now_ns - stamp[1] < _RACY_SECONDS * 1e9:
            stamp = None
        fresh[relpath] = {"stamp": stamp, "sha256": raw.digest}
    if fresh != cached:  # rewriting an unchanged cache cost most of a restart at 50k files
        _write_json(cache_path, fresh)
    return digests


def _cached_digest(entry: Any, stamp: tuple[int, int]) -> str | None:
    if isinstance(entry, dict) and entry.get("stamp") == list(stamp):
        return str(entry["sha256"])
    return None


def corpus_key(digests: dict[str, str], params: BM25Params, max_bytes: int) -> str:
    """Content hash of the files and of everything that shapes the index."""
    h = hashlib.sha256()
    versions = f"{STORE_VERSION}|{DOCUMENT_VERSION}|{TOKENIZER_VERSION}|{PASSAGE_VERSION}"
    h.update(f"{versions}|{params}|{max_bytes}".encode())
    for relpath in sorted(digests):
        h.update(f"\n{relpath}\0{digests[relpath]}".encode())
    return h.hexdigest()[:32]


class _FirstSeen:
    """When each text (by its sha256) was first indexed, kept across rebuilds."""

    def __init__(self, path: Path, now: float) -> None:
        self._path, self._now = path, now
        try:
            self._seen: dict[str, float] = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            self._seen = {}

    def stamp(self, sha256: str) -> float:
        return self._seen.setdefault(sha256, self._now)

    def save(self) -> None:
        _write_json(self._path, self._seen)


def open_corpus(
    root: Path,
    data_dir: Path,
    params: BM25Params | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    rebuild: bool = False,
    stop: threading.Event | None = None,
    compiled: bool = True,
    progress: ProgressCallback | None = None,
) -> OpenedCorpus:
    """Load the persisted index for root's current files, building it first if needed.

    Setting `stop` (from another thread) ends a build early with `cancel.BuildCancelled`.
    compiled=False serves a one-shot process: numpy search, no numba (see BM25Index).
    `progress` hears how a build is going (files read, passages, stage); a reuse is silent.
    """
    params = params or BM25Params()
    store = data_dir / "index"
    store.mkdir(parents=True, exist_ok=True, mode=0o700)
    _prune_staging(store)
    # Taken before any file is hashed: a file changed after this changes the next listing.
    listing = take_listing(root, corpus_key({}, params, max_bytes))
    key = recall(store / "listing", listing) if not rebuild else None
    digests: dict[str, str] | None = None
    if key is None:
        digests = _file_digests(root, store / "files.json", max_bytes, stop)
        key = corpus_key(digests, params, max_bytes)
    if not rebuild and (reused := _reuse(store / key, key, compiled)) is not None:
        remember(store / "listing", listing, key)
        return reused
    with _build_lock(store, stop):
        # Another process (a shard, or `briefbot index`) may have built it while we waited.
        if not rebuild and (reused := _reuse(store / key, key, compiled)) is not None:
            remember(store / "listing", listing, key)
            return reused
        opened = None
        if not rebuild:
            if digests is None:  # the listing named a key whose index is gone or damaged
                digests = _file_digests(root, store / "files.json", max_bytes, stop)
            opened = _update(root, data_dir, store, key, digests, params, max_bytes, stop, compiled)
        if opened is None:
            opened = _build(
                root, data_dir, store, key, params, max_bytes, stop, compiled, progress or _silent
            )
        set_current(store, opened.key)
    if opened.key == key:  # else the files changed while read: the listing is already stale
        remember(store / "listing", listing, key)
    return opened


def _update(
    root: Path,
    data_dir: Path,
    store: Path,
    expected: str,
    digests: dict[str, str],
    params: BM25Params,
    max_bytes: int,
    stop: threading.Event | None,
    compiled: bool,
) -> OpenedCorpus | None:
    """Commit the changed files as a new segment (see `retrieval.commits`); None: build all."""
    started = time.time()
    seen = _FirstSeen(data_dir / "first_seen.json", started)

    def key_of(files: dict[str, str]) -> str:
        return corpus_key(files, params, max_bytes)

    job = Update(root, store, params, max_bytes, seen.stamp, key_of, started)
    updated = update(job, digests, expected, stop, compiled)
    if updated is None:
        return None
    seen.save()
    _prune(updated.folder)
    return OpenedCorpus(
        updated.corpus, updated.key, True, updated.built_at, updated.skipped, updated.folder
    )


def _silent(report: BuildProgress) -> None:
    """No one is listening to this build."""


def _reuse(folder: Path, key: str, compiled: bool) -> OpenedCorpus | None:
    """The index already built in ``folder``, or None if there is none or it is damaged."""
    manifest = folder / "manifest.json"
    if not manifest.exists():
        return None
    try:
        info = json.loads(manifest.read_text("utf-8"))
        corpus = load_commit(folder, info, compiled)
        skipped = tuple(Skipped(s["path"], s["reason"]) for s in info["skipped"])
        return OpenedCorpus(corpus, key, False, float(info["built_at"]), skipped, folder)
    except (OSError, ValueError, KeyError, TypeError) as err:
        log.warning("index %s is damaged (%s); rebuilding", folder, err)
        return None


@contextlib.contextmanager
def _build_lock(store: Path, stop: threading.Event | None) -> Iterator[None]:
    """One build at a time over a data folder, across processes: an flock on index/.lock.

    The kernel drops the lock when its holder dies, however it dies. Waiting polls, so a
    cancelled open (``stop`` set) stops waiting too.
    """
    lock = os.open(store / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                cancel.check(stop)
                time.sleep(_LOCK_POLL_SECONDS)
        yield
    finally:
        os.close(lock)


def _build(
    root: Path,
    data_dir: Path,
    store: Path,
    expected: str,
    params: BM25Params,
    max_bytes: int,
    stop: threading.Event | None,
    compiled: bool,
    progress: ProgressCallback,
) -> OpenedCorpus:
    started = time.time()
    last: list[BuildProgress] = []

    def reading(report: BuildProgress) -> None:
        last[:] = [report]
        progress(report)

    seen = _FirstSeen(data_dir / "first_seen.json", started)
    staging = Path(tempfile.mkdtemp(dir=store, prefix=".build-"))
    lock = os.open(staging, os.O_RDONLY)

    def saving() -> None:
        read = last[0] if last else BuildProgress(Stage.READING, 0, 0, 0, 0.0)
        elapsed = time.time() - started
        progress(replace(read, stage=Stage.SAVING, elapsed=elapsed, reading=read.elapsed))

    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # held until renamed: see _prune_staging
        written = write_corpus(
            root,
            staging,
            params,
            seen.stamp,
            max_bytes,
            stop=stop,
            progress=reading,
            before_save=saving,
        )
        seen.save()
        # Keyed by the bytes parsed, not by those hashed before: a file edited in between (and
        # reverted later) must not leave this index under the key of a text it does not hold.
        key = corpus_key(written.digests, params, max_bytes)
        if key != expected:
            log.info("the corpus changed while it was read; indexing what was read")
        folder = store / key
        save_files(staging, file_locations(staging, written.digests, 0))
        _write_json(
            staging / "manifest.json",
            {
                "key": key,
                "shape": corpus_key({}, params, max_bytes),
                "built_at": started,
                "skipped": _skipped_json(written.skipped),
                "documents": written.documents,
                "passages": written.passages,
            },
        )
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)  # readers see the old index or the whole new one
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(lock)
    _prune(folder)
    log.info(
        "indexed %d documents, %d passages in %.2fs",
        written.documents,
        written.passages,
        time.time() - started,
    )
    # Serve from the mapped files, so memory is the same whether we built or reused.
    reloaded = load_segment(folder, compiled)
    return OpenedCorpus(reloaded, key, True, started, written.skipped, folder)


def _prune(keep: Path) -> None:
    """Remove index folders the commit in `keep` does not need (open maps of them stay valid
    until closed)."""
    needed = referenced(keep)
    for other in keep.parent.iterdir():
        if other.is_dir() and other.name not in needed and not other.name.startswith(".build-"):
            shutil.rmtree(other, ignore_errors=True)


def _prune_staging(store: Path) -> None:
    """Remove the `.build-*` staging folders of builds that died (killed while saving).

    A build holds an exclusive flock on its staging folder until the folder is renamed into
    place, and the kernel drops the lock when the process dies, however it dies: a folder
    this process can lock has no writer left, whatever its age, and one being written (by
    another process, say `briefbot index` beside the bot) is never touched. The minute's grace
    covers the instant between creating a folder and locking it.
    """
    for staging in store.glob(".build-*"):
        try:
            if time.time() - staging.stat().st_mtime < _STAGING_GRACE_SECONDS:
                continue
            lock = os.open(staging, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live build holds it
        else:
            shutil.rmtree(staging, ignore_errors=True)
            log.info("removed %s, left by a build that did not finish", staging.name)
        finally:
            os.close(lock)


def describe(opened: OpenedCorpus) -> dict[str, Any]:
    """A small status summary (for `briefbot index` and `/corpus status`)."""
    c = opened.corpus
    return {
        "key": opened.key,
        "built": opened.built,
        "built_at": opened.built_at,
        "documents": c.document_count,
        "passages": c.passage_count,
        "sentences": c.sentence_count,
        "terms": len(c.index.vocab),
        "segments": len(c.segments) if isinstance(c, SegmentedCorpus) else 1,
        "skipped": _skipped_json(opened.skipped),
        "folder": str(opened.folder),
    }


def _skipped_json(skipped: tuple[Skipped, ...]) -> list[dict[str, str]]:
    return [{"path": s.path, "reason": s.reason} for s in skipped]


__all__ = ["CorpusError", "OpenedCorpus", "corpus_key", "describe", "open_corpus"]
