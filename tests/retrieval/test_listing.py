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
