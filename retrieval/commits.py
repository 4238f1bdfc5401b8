"""Commits of an incremental index: which segments are live, and what is deleted from each.

A full build writes one corpus folder, `index/<key>/` (one segment). When files are added,
changed or removed, `update` indexes only the new and changed files into a new segment folder
(`index/seg-<hex>/`), marks the removed documents and the old versions of changed ones deleted,
and writes a commit folder `index/<key>/` whose manifest lists the live segments and their
deletions with the union's statistics. A commit folder is complete before it is renamed into
place, so a reader sees the old commit or the new one. `index/current` names the newest
commit, the base of the next update. Merging: past `MAX_SEGMENTS` the next update rewrites
every segment after the first into one (they are small); when deletions or the small segments
outgrow `COMPACT_FRACTION` of the corpus, `needs_compaction` says so, and a full rebuild (which
writes a single segment again) is due: the bot runs it in the background.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import secrets
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.bm25 import BM25Params
from retrieval.composite import SegmentedCorpus
from retrieval.corpus import Corpus
from retrieval.ingest import FirstSeen, write_corpus
from retrieval.reader import CorpusError, Skipped
from retrieval.segments import IntArray, Segment, Union, load_union, save_union, union_of

log = logging.getLogger(__name__)

MAX_SEGMENTS = 8
COMPACT_FRACTION = 0.25
# Each file's digest and place: its segment and document number there (-1, -1: skipped).
Files = dict[str, list[Any]]
_CURRENT = "current"


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temp file + rename), so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# Segment folders never change once renamed into place (a rebuild under the same key makes a
# new folder, a new inode): a process that already maps one (the bot serving the last commit)
# reuses it for the next commit instead of loading it again (its vocabulary dict, at 1M
# passages, took longer than the whole update). Weak: a segment no commit in use holds goes.
_LOADED: weakref.WeakValueDictionary[tuple[str, bool, int, int], Corpus] = (
    weakref.WeakValueDictionary()
)


def load_segment(folder: Path, compiled: bool, shared: bool = False) -> Corpus:
    """The corpus in a segment folder; `shared`: the one this process already maps, if any
    (an update's base; opening a commit to serve it loads and so checks every file)."""
    info = folder.stat()
    key = (str(folder), compiled, info.st_ino, info.st_mtime_ns)
    corpus = _LOADED.get(key) if shared else None
    if corpus is None:
        corpus = Corpus.load(folder, compiled)
        _LOADED[key] = corpus
    return corpus


def load_commit(folder: Path, info: dict[str, Any], compiled: bool, shared: bool = False) -> Corpus:
    """The corpus a manifest describes: a single corpus folder, or a commit of segments."""
    if "segments" not in info:
        return load_segment(folder, compiled, shared)
    segments = [
        Segment(
            str(s["name"]),
            load_segment(folder.parent / str(s["name"]), compiled, shared),
            np.load(folder / f"order-{number}.npy", allow_pickle=False),
        )
        for number, s in enumerate(info["segments"])
    ]
    union = load_union(folder, len(segments), info["union"])
    sizes = [len(s.corpus.index.vocab) for s in segments]
    if len(union.doc_freqs) != sizes[0] + len(union.extras) or any(
        ids is None or len(ids) != size for ids, size in zip(union.maps[1:], sizes[1:], strict=True)
    ):
        raise ValueError("the commit's term maps do not match its segments")
    return SegmentedCorpus(segments, union, compiled)


def referenced(folder: Path) -> set[str]:
    """The folders a commit (or a single corpus folder) needs: itself and its segments."""
    try:
        info = json.loads((folder / "manifest.json").read_text("utf-8"))
        return {folder.name, *(str(s["name"]) for s in info.get("segments", ()))}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {folder.name}


def set_current(store: Path, key: str) -> None:
    """Record the newest commit, the base of the next update."""
    tmp = store / f".{_CURRENT}.{os.getpid()}"
    tmp.write_text(key, "ascii")
    os.replace(tmp, store / _CURRENT)


def save_files(folder: Path, files: Files) -> None:
    """Write the files' digests and places: paths and digests as JSON lists, places as .npy
    (a JSON object per file cost a second at 100k files)."""
    paths = list(files)
    places = np.array([files[r][1:] for r in paths], dtype=np.int64).reshape(-1, 2)
    np.save(folder / "places.npy", places, allow_pickle=False)
    write_json(folder / "files.json", {"paths": paths, "digests": [files[r][0] for r in paths]})


def load_files(folder: Path) -> Files:
    """The files' digests and places (see `save_files`)."""
    listed = json.loads((folder / "files.json").read_text("utf-8"))
    paths, digests = listed["paths"], listed["digests"]
    places = np.load(folder / "places.npy", allow_pickle=False).tolist()
    if not (len(paths) == len(digests) == len(places)):
        raise ValueError("files.json and places.npy do not agree")
    return {r: [d, seg, doc] for r, d, (seg, doc) in zip(paths, digests, places, strict=True)}


def file_locations(folder: Path, digests: dict[str, str], segment: int) -> dict[str, list[Any]]:
    """Each file's digest and where its document is (segment, number), read from the records."""
    located: dict[str, list[Any]] = {
        relpath: [digest, -1, -1] for relpath, digest in digests.items()
    }
    with (folder / "documents.jsonl").open("rb") as lines:
        for number, line in enumerate(lines):
            located[json.loads(line)["path"]][1:] = [segment, number]
    return located


def needs_compaction(corpus: Corpus) -> bool:
    """True when a commit carries so many deletions or small segments that a rebuild is due."""
    if not isinstance(corpus, SegmentedCorpus):
        return False
    total = sum(s.corpus.passage_count for s in corpus.segments)
    dead = total - corpus.passage_count
    tail = sum(s.live_passages for s in corpus.segments[1:])
    return dead > COMPACT_FRACTION * total or tail > COMPACT_FRACTION * max(total, 1)


@dataclass(frozen=True, slots=True)
class Update:
    """What an update needs: the corpus, the data folder's index/, and what shapes the index."""

    root: Path
    store: Path
    params: BM25Params
    max_bytes: int
    first_seen: FirstSeen
    key_of: Callable[[dict[str, str]], str]  # files' digests -> corpus key
    started: float  # the update's time, as `first_seen` stamps new texts


@dataclass(frozen=True, slots=True)
class Updated:
    """A new commit: its key, folder, corpus, when it was made and the files skipped."""

    key: str
    folder: Path
    corpus: Corpus
    built_at: float
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True, slots=True)
class _Base:
    key: str
    info: dict[str, Any]
    segments: list[Segment]
    files: dict[str, list[Any]]
    union: Union | None  # the base's, when it is a commit of segments


def _base(job: Update, compiled: bool) -> _Base | None:
    """The newest commit, if it is whole and of this index's shape."""
    try:
        key = (job.store / _CURRENT).read_text("ascii").strip()
        folder = job.store / key
        info = json.loads((folder / "manifest.json").read_text("utf-8"))
        if not isinstance(info, dict) or info.get("shape") != job.key_of({}):
            return None
        files = load_files(folder)
        corpus = load_commit(folder, info, compiled, shared=True)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as err:
        log.info("no incremental update (%s): building the whole index", err)
        return None
    if isinstance(corpus, SegmentedCorpus):
        return _Base(key, info, list(corpus.segments), files, corpus.union_index.union)
    return _Base(key, info, [Segment(key, corpus, np.arange(corpus.document_count))], files, None)


def update(
    job: Update,
    digests: dict[str, str],
    expected: str,
    stop: threading.Event | None,
    compiled: bool,
) -> Updated | None:
    """Commit the files' changes as a new segment plus deletions; None if a full build is due."""
    base = _base(job, compiled)
    if base is None:
        return None
    plan = _plan(base, digests)
    if plan is None:
        return None
    changed, removed, files, keep, fresh = plan
    parts = [(base.segments[n].name, base.segments[n].corpus) for n in keep]
    skipped = [Skipped(s["path"], s["reason"]) for s in base.info["skipped"] if s["path"] in files]
    if fresh:
        written = _segment(job, fresh, _taken(files, parts, fresh), stop, compiled)
        if written is None:
            return None
        name, corpus, located, new_skipped = written
        parts.append((name, corpus))
        skipped += new_skipped
        for relpath, (digest, _, doc) in located.items():
            files[relpath] = [digest, len(parts) - 1 if doc >= 0 else -1, doc]
    if not parts:
        return None  # every document removed: the full build says there is nothing to index
    segments = [
        Segment(name, corpus, order)
        for (name, corpus), order in zip(parts, _orders(files, parts), strict=True)
    ]
    key = job.key_of({r: str(place[0]) for r, place in files.items()})
    if key != expected:
        log.info("the corpus changed while it was read; indexing what was read")
    union = _union(base, segments)
    folder = _commit(job, key, segments, union, files, skipped)
    log.info(
        "updated the index: %d new or changed files, %d removed, %d segments, in %.2fs",
        len(changed),
        len(removed),
        len(segments),
        time.time() - job.started,
    )
    return Updated(
        key, folder, SegmentedCorpus(segments, union, compiled), job.started, tuple(skipped)
    )


def _union(base: _Base, segments: list[Segment]) -> Union:
    """The new commit's union, reusing the base's term maps while its first segment stays."""
    previous = base.union
    if previous is None or segments[0].name != base.segments[0].name:
        return union_of(segments)
    known = {
        s.name: ids for s, ids in zip(base.segments, previous.maps, strict=True) if ids is not None
    }
    return union_of(segments, known, previous.extras)


_Plan = tuple[list[str], list[str], dict[str, list[Any]], list[int], list[str]]


def _plan(base: _Base, digests: dict[str, str]) -> _Plan | None:
    """Files changed and removed; the unchanged files' places in the segments kept (renumbered);
    the segments kept; the files to index into the new segment. None when nothing changed."""
    old = base.files
    changed = sorted(r for r, d in digests.items() if r not in old or old[r][0] != d)
    removed = sorted(set(old) - set(digests))
    if not changed and not removed:
        return None
    files = {r: old[r] for r in digests if r in old and r not in changed}
    keep = list(range(len(base.segments)))
    if len(base.segments) >= MAX_SEGMENTS:  # merge the small segments into the new one
        keep = [0]
    merged = (r for r, place in files.items() if place[1] >= 0 and place[1] not in keep)
    fresh = sorted({*changed, *merged})
    live = {place[1] for r, place in files.items() if r not in fresh and place[1] >= 0}
    keep = [n for n in keep if n in live]  # a segment with no live document is dropped
    renumber = {n: i for i, n in enumerate(keep)}
    for relpath, place in files.items():
        files[relpath] = [place[0], renumber.get(place[1], -1), place[2]]
    return changed, removed, files, keep, fresh


def _taken(
    files: dict[str, list[Any]], parts: list[tuple[str, Corpus]], fresh: list[str]
) -> frozenset[str]:
    """The ids of the documents that stay: a new document's id must avoid them."""
    kept: list[set[int]] = [set() for _ in parts]
    rewritten = set(fresh)
    for relpath, (_, seg, doc) in files.items():
        if seg >= 0 and relpath not in rewritten:
            kept[seg].add(doc)
    return frozenset(
        doc_id
        for (_, corpus), docs in zip(parts, kept, strict=True)
        for doc_id, number in corpus.ids.items()
        if number in docs
    )


def _orders(files: dict[str, list[Any]], parts: list[tuple[str, Corpus]]) -> list[IntArray]:
    """Each segment's local document -> union number: live documents in path order (-1: none)."""
    orders = [np.full(corpus.document_count, -1, dtype=np.int64) for _, corpus in parts]
    live = sorted((r, place[1], place[2]) for r, place in files.items() if place[1] >= 0)
    for number, (_, seg, doc) in enumerate(live):
        orders[seg][doc] = number
    return orders


def _segment(
    job: Update,
    relpaths: list[str],
    taken: frozenset[str],
    stop: threading.Event | None,
    compiled: bool,
) -> tuple[str, Corpus, dict[str, list[Any]], list[Skipped]] | None:
    """Index some files into a new segment folder; None if none of them loads."""
    name = f"seg-{secrets.token_hex(8)}"
    with _staging(job.store) as staging:
        try:
            written = write_corpus(
                job.root,
                staging,
                job.params,
                job.first_seen,
                job.max_bytes,
                files=[(r, job.root / r) for r in relpaths],
                taken=taken,
                stop=stop,
            )
        except CorpusError:
            return None  # nothing loadable among them: the full build records why
        located = file_locations(staging, written.digests, 0)
        os.replace(staging, job.store / name)
    return name, load_segment(job.store / name, compiled), located, list(written.skipped)


def _commit(
    job: Update,
    key: str,
    segments: list[Segment],
    union: Union,
    files: dict[str, list[Any]],
    skipped: list[Skipped],
) -> Path:
    """Write the commit folder for these segments and rename it into place."""
    folder = job.store / key
    with _staging(job.store) as staging:
        stats = save_union(staging, union)
        for number, seg in enumerate(segments):
            np.save(staging / f"order-{number}.npy", seg.order, allow_pickle=False)
        save_files(staging, files)
        write_json(
            staging / "manifest.json",
            {
                "key": key,
                "shape": job.key_of({}),
                "built_at": job.started,
                "skipped": [{"path": s.path, "reason": s.reason} for s in skipped],
                "documents": sum(s.live_documents for s in segments),
                "passages": union.stats.passages,
                "segments": [{"name": s.name} for s in segments],
                "union": stats,
            },
        )
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    return folder


@contextlib.contextmanager
def _staging(store: Path) -> Any:
    """A `.build-*` folder, flocked until renamed (see store._prune_staging), removed if left."""
    staging = Path(tempfile.mkdtemp(dir=store, prefix=".build-"))
    lock = os.open(staging, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(lock)
