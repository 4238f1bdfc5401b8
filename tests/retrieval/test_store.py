"""The persisted index: built once, reused while nothing changed, rebuilt on any change."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import retrieval.commits
import retrieval.documents
import retrieval.store
from retrieval.bm25 import BM25Params
from retrieval.cancel import BuildCancelled
from retrieval.store import OpenedCorpus, describe, open_corpus

WriteCorpus = Callable[[dict[str, str | bytes]], Path]
A = "The bridge over the Tumen River opens next year.\n"
B = "Shoigu thanked North Korea for its role in the Kursk region.\n"


@pytest.fixture
def root(write_corpus: WriteCorpus) -> Path:
    """A two-file corpus."""
    return write_corpus({"a.txt": A, "b.txt": B})


def reopen(root: Path, data: Path, **kwargs: object) -> OpenedCorpus:
    """Open root's corpus with data as the data folder."""
    return open_corpus(root, data, **kwargs)  # type: ignore[arg-type]


def age(path: Path, seconds: float = 3600) -> None:
    """Set path's mtime in the past, as for a file written long before the index."""
    stamp = path.stat().st_mtime_ns - int(seconds * 1e9)
    os.utime(path, ns=(stamp, stamp))


def test_first_open_builds_second_reuses(root: Path, tmp_path: Path) -> None:
    """The first open builds the index; the second reuses it with the same key and built_at."""
    first = reopen(root, tmp_path / "data")
    second = reopen(root, tmp_path / "data")
    assert (first.built, second.built) == (True, False)
    assert second.key == first.key
    assert second.built_at == first.built_at
    assert second.folder == tmp_path / "data" / "index" / first.key
    assert second.corpus.document_count == 2


def test_rebuild_flag_forces_a_build(root: Path, tmp_path: Path) -> None:
    """rebuild=True builds again even though the files are unchanged."""
    first = reopen(root, tmp_path / "data")
    again = reopen(root, tmp_path / "data", rebuild=True)
    assert again.built and again.key == first.key


@pytest.mark.parametrize("change", ["add", "change", "remove"])
def test_any_file_change_rebuilds(root: Path, tmp_path: Path, change: str) -> None:
    """Adding, changing or removing a file gives a new key and a new commit (a segment for the
    new text, deletions for the old); folders the commit does not use are pruned."""
    first = reopen(root, tmp_path / "data")
    if change == "add":
        (root / "c.md").write_text("Pyongyang and Moscow continue high-level exchanges.\n")
    elif change == "change":
        (root / "a.txt").write_text(A + "A second line is here now.\n")
    else:
        (root / "b.txt").unlink()
    second = reopen(root, tmp_path / "data")
    assert second.built
    assert second.key != first.key
    assert second.corpus.document_count == {"add": 3, "change": 2, "remove": 1}[change]
    folders = {p.name for p in (tmp_path / "data" / "index").iterdir() if p.is_dir()}
    assert folders == retrieval.commits.referenced(second.folder)
    segments = {name for name in folders if name.startswith("seg-")}
    assert folders - segments == {first.key, second.key}
    assert len(segments) == {"add": 1, "change": 1, "remove": 0}[change]
    (root / "d.md").write_text("Pyongyang and Moscow continue high-level exchanges.\n")
    third = reopen(root, tmp_path / "data")
    assert {p.name for p in (tmp_path / "data" / "index").iterdir() if p.is_dir()} == (
        retrieval.commits.referenced(third.folder)
    )
    assert second.key not in retrieval.commits.referenced(third.folder)


def test_same_size_change_within_one_mtime_tick_rebuilds(root: Path, tmp_path: Path) -> None:
    """Regression: a same-size rewrite keeping the mtime (one clock tick) reused a stale index."""
    path = root / "a.txt"
    first = reopen(root, tmp_path / "data")
    stat = path.stat()
    path.write_text(A.replace("Tumen", "Yalu "))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    second = reopen(root, tmp_path / "data")
    assert second.built and second.key != first.key
    assert "Yalu" in second.corpus.document_by_id("a").text


def test_digests_of_old_files_are_cached(root: Path, tmp_path: Path) -> None:
    """Files older than a few seconds keep their (size, mtime) stamp, so they are not re-hashed."""
    age(root / "a.txt")
    reopen(root, tmp_path / "data")
    cached = json.loads((tmp_path / "data" / "index" / "files.json").read_text())
    assert cached["a.txt"]["stamp"] == [len(A), (root / "a.txt").stat().st_mtime_ns]
    assert cached["b.txt"]["stamp"] is None  # written just now: hashed again next time


def test_damaged_digest_cache_is_ignored(root: Path, tmp_path: Path) -> None:
    """Regression: a files.json holding a JSON list crashed with AttributeError."""
    first = reopen(root, tmp_path / "data")
    (tmp_path / "data" / "index" / "files.json").write_text("[]")
    assert reopen(root, tmp_path / "data").key == first.key


def test_tokenizer_version_changes_the_key(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new tokenizer version invalidates the persisted index."""
    first = reopen(root, tmp_path / "data")
    monkeypatch.setattr(retrieval.store, "TOKENIZER_VERSION", "tokenizer-next")
    second = reopen(root, tmp_path / "data")
    assert second.built and second.key != first.key


def test_document_version_changes_the_key(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a change to sentence or metadata parsing did not invalidate the index."""
    first = reopen(root, tmp_path / "data")
    monkeypatch.setattr(retrieval.store, "DOCUMENT_VERSION", "parser-next")
    second = reopen(root, tmp_path / "data")
    assert second.built and second.key != first.key


def test_bm25_params_change_the_key(root: Path, tmp_path: Path) -> None:
    """Other BM25 parameters are another index."""
    first = reopen(root, tmp_path / "data")
    second = reopen(root, tmp_path / "data", params=BM25Params(k1=1.2))
    assert second.built and second.key != first.key


@pytest.mark.parametrize(
    "damaged", ["sent_start.npy", "bm25/idf.npy", "bm25/terms.bin", "bm25/term_ids.npy"]
)
def test_missing_index_file_is_rebuilt(root: Path, tmp_path: Path, damaged: str) -> None:
    """An index folder missing one of its files is rebuilt instead of crashing."""
    first = reopen(root, tmp_path / "data")
    (first.folder / damaged).unlink()
    second = reopen(root, tmp_path / "data")
    assert second.built and second.key == first.key
    assert (second.folder / damaged).exists()
    assert [h.passage.doc_id for h in second.corpus.search("Kursk")] == ["b"]


@pytest.mark.parametrize(
    ("damaged", "content"),
    [
        ("documents.jsonl", b"{not json"),
        ("doc_ids.json", b'["a"]'),
        ("passage_doc.npy", b"\x93NUMPY garbage"),
        ("manifest.json", b"[1, 2]"),
        ("manifest.json", b"{}"),
    ],
)
def test_corrupt_index_file_is_rebuilt(
    root: Path, tmp_path: Path, damaged: str, content: bytes
) -> None:
    """A corrupt index file (bad JSON or .npy, a manifest of the wrong shape) is rebuilt."""
    first = reopen(root, tmp_path / "data")
    (first.folder / damaged).write_bytes(content)
    second = reopen(root, tmp_path / "data")
    assert second.built and second.key == first.key
    assert second.corpus.document_count == 2


def test_saved_index_holds_no_pickle(root: Path, tmp_path: Path) -> None:
    """No file of the data folder is a pickle, and every .npy loads with allow_pickle=False."""
    opened = reopen(root, tmp_path / "data")
    files = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix in {".pkl", ".pickle", ".joblib"}]
    # Pickle protocols 2 to 5 open with the PROTO opcode.
    assert not [
        p
        for p in files
        if p.read_bytes()[:2] in {b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05"}
    ]
    npys = [p for p in files if p.suffix == ".npy"]
    assert {p.parent.name for p in npys} == {opened.key, "bm25"}
    for path in npys:
        assert np.load(path, allow_pickle=False).dtype != np.dtype(object)
    assert (opened.folder / "texts.bin").read_bytes() == (A + B).encode()


def test_first_seen_survives_a_rebuild(root: Path, tmp_path: Path) -> None:
    """A document keeps its first-seen stamp across rebuilds; a new one is stamped at its build."""
    first = reopen(root, tmp_path / "data")
    seen_a = first.corpus.document_by_id("a").first_seen
    assert seen_a == first.built_at
    (root / "c.md").write_text("Pyongyang and Moscow continue high-level exchanges.\n")
    second = reopen(root, tmp_path / "data", rebuild=True)
    assert second.built_at > first.built_at
    assert second.corpus.document_by_id("a").first_seen == seen_a
    assert second.corpus.document_by_id("c").first_seen == second.built_at


def test_changed_text_is_seen_anew(root: Path, tmp_path: Path) -> None:
    """First-seen follows the text: a rewritten file is stamped at the rebuild that met it."""
    reopen(root, tmp_path / "data")
    (root / "a.txt").write_text(A + "A second line is here now.\n")
    second = reopen(root, tmp_path / "data")
    assert second.corpus.document_by_id("a").first_seen == second.built_at


def test_skipped_files_are_remembered(write_corpus: WriteCorpus, tmp_path: Path) -> None:
    """Files skipped at build time are reported again when the index is reused."""
    root = write_corpus({"a.txt": A, "blob.txt": b"\x00\x01"})
    first = reopen(root, tmp_path / "data")
    second = reopen(root, tmp_path / "data")
    assert first.skipped == second.skipped
    assert [s.path for s in first.skipped] == ["blob.txt"]


def test_describe(root: Path, tmp_path: Path) -> None:
    """describe() summarizes the index with exact counts."""
    opened = reopen(root, tmp_path / "data")
    status = describe(opened)
    assert status == {
        "key": opened.key,
        "built": True,
        "built_at": opened.built_at,
        "documents": 2,
        "passages": 2,
        "sentences": 2,
        "terms": len(opened.corpus.index.vocab),
        "segments": 1,
        "skipped": [],
        "folder": str(opened.folder),
    }
    assert status["terms"] == 13
    (root / "c.md").write_text("Pyongyang and Moscow continue high-level exchanges.\n")
    updated = describe(reopen(root, tmp_path / "data"))
    assert (updated["documents"], updated["segments"]) == (3, 2)


def test_crash_leftover_staging_folders_are_pruned(root: Path, tmp_path: Path) -> None:
    """Regression: a `.build-*` folder left by a process killed while saving stayed forever.

    The next open removes one that no build holds locked; one a live build holds (locked), and
    one created less than a minute ago (not locked yet), are left alone.
    """
    index = tmp_path / "data" / "index"
    dead, live, new = (index / f".build-{name}" for name in ("dead", "live", "new"))
    for staging in (dead, live, new):
        (staging / "bm25").mkdir(parents=True)
        (staging / "bm25" / "idf.npy").write_bytes(b"half written")
    age(dead)
    age(live)
    held = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        reopen(root, tmp_path / "data")
        assert not dead.exists()
        assert live.exists() and new.exists()
    finally:
        os.close(held)
    reopen(root, tmp_path / "data")
    assert not live.exists() and new.exists()


def test_a_stopped_build_leaves_no_index(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build stopped mid-way (the bot shutting down) raises BuildCancelled and leaves no
    index folder and no staging folder; the next open builds normally."""
    stop = threading.Event()
    real_parse = retrieval.documents.parse_document

    def _parse_then_stop(*args: Any) -> Any:
        stop.set()  # as SIGTERM does while the first file is parsed
        return real_parse(*args)

    monkeypatch.setattr(retrieval.documents, "parse_document", _parse_then_stop)
    with pytest.raises(BuildCancelled):
        reopen(root, tmp_path / "data", stop=stop)
    # .lock stays: deleting a lock file another process may be opening would race.
    assert sorted(p.name for p in (tmp_path / "data" / "index").iterdir()) == [
        ".lock",
        "files.json",
    ]
    monkeypatch.setattr(retrieval.documents, "parse_document", real_parse)
    assert reopen(root, tmp_path / "data").corpus.document_count == 2


def _hold_build_lock(data: Path) -> int:
    """Take the build lock as another process would (flock conflicts between open files)."""
    (data / "index").mkdir(parents=True, exist_ok=True)
    holder = os.open(data / "index" / ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    return holder


def test_open_waits_for_another_build_then_reuses_it(root: Path, tmp_path: Path) -> None:
    """Two processes never build over one folder at once: the second waits for the lock and
    then reuses the index the first put in place instead of building it again."""
    data = tmp_path / "data"
    holder = _hold_build_lock(data)
    results: list[OpenedCorpus] = []
    waiter = threading.Thread(target=lambda: results.append(reopen(root, data)))
    waiter.start()
    waiter.join(1.0)
    assert waiter.is_alive() and not list((data / "index").glob("*/manifest.json"))
    elsewhere = reopen(root, tmp_path / "other")  # "the other process" builds, then renames
    shutil.copytree(elsewhere.folder, data / "index" / elsewhere.key)
    os.close(holder)
    waiter.join(10)
    assert [(r.built, r.key, r.built_at) for r in results] == [
        (False, elsewhere.key, elsewhere.built_at)
    ]


def test_waiting_for_the_build_lock_can_be_cancelled(root: Path, tmp_path: Path) -> None:
    """A cancelled open stops waiting for another process's build."""
    data, stop = tmp_path / "data", threading.Event()
    holder = _hold_build_lock(data)
    errors: list[BaseException] = []

    def _open() -> None:
        try:
            reopen(root, data, stop=stop)
        except BuildCancelled as err:
            errors.append(err)

    waiter = threading.Thread(target=_open)
    waiter.start()
    waiter.join(0.5)
    stop.set()
    waiter.join(10)
    os.close(holder)
    assert len(errors) == 1 and not list((data / "index").glob("*/manifest.json"))
