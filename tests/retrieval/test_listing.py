"""The folder fingerprint: an unchanged corpus opens without hashing, any change is still seen."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import retrieval.listing
import retrieval.store
from retrieval.listing import take_listing
from retrieval.store import open_corpus

WriteCorpus = Callable[[dict[str, str | bytes]], Path]
A = "The bridge over the Tumen River opens next year.\n"
B = "Shoigu thanked North Korea for its role in the Kursk region.\n"


@pytest.fixture
def trusting(monkeypatch: Any) -> None:
    """Trust every stat, however fresh (the tests' files are all seconds old)."""
    monkeypatch.setattr(retrieval.listing, "RACY_SECONDS", 0.0)


@pytest.fixture
def no_hashing(monkeypatch: Any) -> Callable[[], None]:
    """Call it to make any digest pass (reading and hashing the files) fail the test."""

    def forbid() -> None:
        def fail(*args: object) -> None:
            raise AssertionError("the files were hashed")

        monkeypatch.setattr(retrieval.store, "_file_digests", fail)

    return forbid


def test_unchanged_corpus_opens_without_hashing(
    write_corpus: WriteCorpus, tmp_path: Path, trusting: None, no_hashing: Callable[[], None]
) -> None:
    """The second open recognises the listing and reuses the index, reading no file."""
    root = write_corpus({"a.txt": A, "b.txt": B})
    first = open_corpus(root, tmp_path / "data")
    no_hashing()
    second = open_corpus(root, tmp_path / "data")
    assert not second.built and second.key == first.key
    assert [h.passage.doc_id for h in second.corpus.search("Kursk")] == ["b"]


@pytest.mark.parametrize("change", ["add", "same-size edit", "remove", "rename"])
def test_any_change_is_seen(
    write_corpus: WriteCorpus, tmp_path: Path, trusting: None, change: str
) -> None:
    """Adding, editing (even to the same size), removing or renaming a file rebuilds."""
    root = write_corpus({"a.txt": A, "b.txt": B})
    first = open_corpus(root, tmp_path / "data")
    if change == "add":
        (root / "c.txt").write_text("Seoul talks on the Tumen bridge.\n")
    elif change == "same-size edit":
        (root / "b.txt").write_text(B.replace("Kursk", "Kyiv!"))
    elif change == "remove":
        (root / "b.txt").unlink()
    else:
        (root / "b.txt").rename(root / "c.txt")
    second = open_corpus(root, tmp_path / "data")
    assert second.built and second.key != first.key


def test_a_changed_symlink_target_is_seen(
    write_corpus: WriteCorpus, tmp_path: Path, trusting: None
) -> None:
    """A link's target (not listed itself: a hidden folder) changes: the listing changes."""
    root = write_corpus({"a.txt": A, ".hidden/real.txt": B})
    os.symlink(root / ".hidden" / "real.txt", root / "b.txt")
    first = take_listing(root, "salt")
    (root / ".hidden" / "real.txt").write_text(B + B)
    assert take_listing(root, "salt").digest != first.digest


def test_a_fresh_listing_is_not_trusted(write_corpus: WriteCorpus, tmp_path: Path) -> None:
    """Files changed within the timestamp granularity: the listing is not recorded."""
    root = write_corpus({"a.txt": A})
    assert not take_listing(root, "salt").trusted
    open_corpus(root, tmp_path / "data")
    assert not (tmp_path / "data" / "index" / "listing").exists()


def test_the_salt_keys_the_listing(write_corpus: WriteCorpus, tmp_path: Path) -> None:
    """Other BM25 parameters (in the salt) never recall the index of the old ones."""
    root = write_corpus({"a.txt": A})
    assert take_listing(root, "k1=1.5").digest != take_listing(root, "k1=1.2").digest


def _same_size_edit(root: Path) -> None:
    (root / "sub" / "b.txt").write_text(B.replace("Kursk", "Kyiv!"))


def _touch(root: Path) -> None:
    info = os.stat(root / "a.txt")
    os.utime(root / "a.txt", ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))


def _copy_keeping_size_and_times(root: Path) -> None:
    """What `cp -p` or `rsync -a` leaves: new bytes, the old size and mtime (a new inode)."""
    path, info = root / "a.txt", os.stat(root / "a.txt")
    (root / "a.new").write_text(A.replace("Tumen", "Volga"))
    os.utime(root / "a.new", ns=(info.st_atime_ns, info.st_mtime_ns))
    os.replace(root / "a.new", path)


def _new_subfolder(root: Path) -> None:
    (root / "new").mkdir()
    (root / "new" / "c.txt").write_text(A)


def _file_made_a_folder(root: Path) -> None:
    (root / "a.txt").unlink()
    (root / "a.txt").mkdir()


def _retarget(root: Path) -> None:
    (root / "link.txt").unlink()
    os.symlink(root / ".hidden" / "other.txt", root / "link.txt")


CHANGES: dict[str, Callable[[Path], object]] = {
    "same-size edit": _same_size_edit,
    "touch": _touch,
    "copy keeping size and mtime": _copy_keeping_size_and_times,
    "add": lambda root: (root / "c.txt").write_text(B),
    "remove": lambda root: (root / "sub" / "b.txt").unlink(),
    "rename": lambda root: (root / "sub" / "b.txt").rename(root / "sub" / "c.txt"),
    "move to another folder": lambda root: (root / "sub" / "b.txt").rename(root / "b.txt"),
    "symlink retarget": _retarget,
    "symlink target edit": lambda root: (root / ".hidden" / "real.txt").write_text(B + B),
    "new subfolder": _new_subfolder,
    "unsupported file added": lambda root: (root / "sub" / "notes.csv").write_text("a,b\n"),
    "file made a folder": _file_made_a_folder,
}


@pytest.fixture
def tree(write_corpus: WriteCorpus) -> Path:
    """Files at the top and in a subfolder, and a link into a hidden folder."""
    root = write_corpus(
        {"a.txt": A, "sub/b.txt": B, ".hidden/real.txt": B, ".hidden/other.txt": A + A}
    )
    os.symlink(root / ".hidden" / "real.txt", root / "link.txt")
    (root / "sub" / "deeper").mkdir()
    (root / "sub" / "deeper" / "d.txt").write_text(A)
    return root


@pytest.mark.parametrize("change", CHANGES)
def test_every_kind_of_change_changes_the_listing(tree: Path, change: str) -> None:
    """Each way a listed file can change (content, times, name, place, link) changes the digest."""
    before = take_listing(tree, "salt")
    assert take_listing(tree, "salt").digest == before.digest  # nothing changed: the same
    CHANGES[change](tree)
    assert take_listing(tree, "salt").digest != before.digest


@pytest.mark.parametrize(
    "change",
    ["hidden file", "hidden folder", "empty folder", "symlinked folder"],
)
def test_what_the_load_never_reads_leaves_the_listing(tree: Path, change: str) -> None:
    """Hidden files and folders, empty folders and symlinked folders are not listed (the load
    skips them too), so changing them keeps the digest: the reuse stays cheap and still safe."""
    before = take_listing(tree, "salt").digest
    if change == "hidden file":
        (tree / "sub" / ".draft.txt").write_text(B)
    elif change == "hidden folder":
        (tree / ".hidden" / "other.txt").write_text(B)  # no listed link points here
        (tree / ".hidden" / "more.txt").write_text(B)
    elif change == "empty folder":
        (tree / "sub" / "empty").mkdir()
    else:
        os.symlink(tree / "sub", tree / "linked")
    assert take_listing(tree, "salt").digest == before
