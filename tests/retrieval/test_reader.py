"""Reading a corpus folder: nothing in it can crash or hang the load; bad files are named."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.documents import load_documents
from retrieval.reader import DEFAULT_MAX_BYTES, CorpusError, Skipped, find_files, read_file

WriteCorpus = Callable[[dict[str, str | bytes]], Path]
GOOD = "The bridge over the Tumen River opens next year.\n"


def load_ids(root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[str]:
    """Ids of the documents that load from root."""
    return [doc.id for doc in load_documents(root, max_bytes).documents]


def test_binary_file_is_skipped_with_a_warning(
    write_corpus: WriteCorpus, caplog: pytest.LogCaptureFixture
) -> None:
    """A file with NUL bytes is skipped and named in a warning; the rest still loads."""
    root = write_corpus({"good.txt": GOOD, "blob.txt": b"PK\x03\x04\x00\x00binary\x00stuff"})
    with caplog.at_level(logging.WARNING):
        loaded = load_documents(root)
    assert [d.id for d in loaded.documents] == ["good"]
    assert [s.path for s in loaded.skipped] == ["blob.txt"]
    assert "skipping blob.txt: binary content, not text" in caplog.text


def test_control_characters_read_as_binary(tmp_path: Path) -> None:
    """Mostly control bytes (no NUL) are binary too."""
    path = tmp_path / "ctl.txt"
    path.write_bytes(bytes(range(1, 9)) * 20)
    assert isinstance(read_file(path, "ctl.txt"), Skipped)


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \r\n"])
def test_empty_file_is_skipped(
    write_corpus: WriteCorpus, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    """An empty or blank file is skipped with a warning naming it."""
    root = write_corpus({"good.txt": GOOD, "empty.md": content})
    with caplog.at_level(logging.WARNING):
        loaded = load_documents(root)
    assert [s.path for s in loaded.skipped] == ["empty.md"]
    assert "skipping empty.md: empty" in caplog.text


def test_undecodable_bytes_are_replaced_and_warned(
    write_corpus: WriteCorpus, caplog: pytest.LogCaptureFixture
) -> None:
    """Latin-1 bytes in a UTF-8 corpus become U+FFFD, counted in a warning; the file loads."""
    root = write_corpus(
        {"latin.txt": "The caf\xe9 in Seoul is open again today.\n".encode("latin-1")}
    )
    with caplog.at_level(logging.WARNING):
        (doc,) = load_documents(root).documents
    assert doc.sentences[0].text == "The caf\ufffd in Seoul is open again today."
    assert "latin.txt: 1 undecodable bytes replaced with U+FFFD" in caplog.text


def test_utf8_bom_is_dropped(write_corpus: WriteCorpus) -> None:
    """A UTF-8 byte-order mark is not part of the text (nor of the title)."""
    root = write_corpus({"bom.txt": b"\xef\xbb\xbfA Headline Here\n" + GOOD.encode()})
    (doc,) = load_documents(root).documents
    assert doc.metadata.title == "A Headline Here"
    assert doc.text.startswith("A Headline")


def test_oversize_file_is_skipped(
    write_corpus: WriteCorpus, caplog: pytest.LogCaptureFixture
) -> None:
    """A file over max_bytes is skipped with a warning naming it and its size."""
    root = write_corpus({"big.txt": GOOD * 10, "small.txt": GOOD})
    with caplog.at_level(logging.WARNING):
        loaded = load_documents(root, max_bytes=len(GOOD))
    assert [d.id for d in loaded.documents] == ["small"]
    assert f"skipping big.txt: {len(GOOD) * 10} bytes is over the {len(GOOD)}-byte limit" in (
        caplog.text
    )


def test_unreadable_file_is_skipped(
    write_corpus: WriteCorpus, caplog: pytest.LogCaptureFixture
) -> None:
    """A file without read permission is skipped with a warning naming it."""
    if os.geteuid() == 0:
        pytest.skip("root can read a chmod 000 file")
    root = write_corpus({"good.txt": GOOD, "secret.txt": GOOD})
    (root / "secret.txt").chmod(0)
    try:
        with caplog.at_level(logging.WARNING):
            loaded = load_documents(root)
    finally:
        (root / "secret.txt").chmod(0o644)
    assert [s.path for s in loaded.skipped] == ["secret.txt"]
    assert "skipping secret.txt: unreadable" in caplog.text


def test_read_error_is_skipped(
    write_corpus: WriteCorpus, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OSError while opening a file (as for chmod 000, even as root) skips it, named."""
    root = write_corpus({"good.txt": GOOD, "secret.txt": GOOD})
    real_open = os.open

    def _open(path: str, *args: object, **kwargs: object) -> int:
        if Path(path).name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", _open)
    with caplog.at_level(logging.WARNING):
        loaded = load_documents(root)
    assert [d.id for d in loaded.documents] == ["good"]
    assert "skipping secret.txt: unreadable (Permission denied)" in caplog.text


def test_symlink_loop_does_not_hang(write_corpus: WriteCorpus) -> None:
    """A folder symlink to its parent and a self-referencing file link neither hang nor crash."""
    root = write_corpus({"sub/a.txt": GOOD})
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "self.txt").symlink_to(root / "self.txt")
    assert [relpath for relpath, _ in find_files(root)] == ["self.txt", "sub/a.txt"]
    loaded = load_documents(root)
    assert [d.path for d in loaded.documents] == ["sub/a.txt"]
    assert [s.path for s in loaded.skipped] == ["self.txt"]


def test_unsupported_files_are_skipped_with_their_reason(write_corpus: WriteCorpus) -> None:
    """Other suffixes are listed as skipped with the reason; hidden files or folders are not
    seen at all; suffixes match in any case."""
    root = write_corpus(
        {
            "a.txt": GOOD,
            "b.md": GOOD,
            "C.TXT": GOOD,
            "e.txt.bak": GOOD,
            "notes": GOOD,
            ".hidden.txt": GOOD,
            ".git/f.txt": GOOD,
        }
    )
    assert [relpath for relpath, _ in find_files(root)] == [
        "C.TXT", "a.txt", "b.md", "e.txt.bak", "notes",
    ]  # fmt: skip
    loaded = load_documents(root)
    assert [d.path for d in loaded.documents] == ["C.TXT", "a.txt", "b.md"]
    assert loaded.skipped == (
        Skipped("e.txt.bak", "unsupported extension .bak"),
        Skipped("notes", "no extension"),
    )


def test_recursive_sorted_order(write_corpus: WriteCorpus) -> None:
    """Files in subfolders are found, in the sorted order of their relative paths."""
    root = write_corpus({"z.txt": GOOD, "b/2.txt": GOOD, "a/c/1.md": GOOD, "a/0.txt": GOOD})
    expected = ["a/0.txt", "a/c/1.md", "b/2.txt", "z.txt"]
    assert [relpath for relpath, _ in find_files(root)] == expected
    assert [d.path for d in load_documents(root).documents] == expected


def test_duplicate_stems_get_distinct_ids(
    write_corpus: WriteCorpus, caplog: pytest.LogCaptureFixture
) -> None:
    """Regression: x.txt, x.md and b/x.txt, b/x.md all got the ids `x` or `b/x`, twice each."""
    root = write_corpus(
        {"x.txt": GOOD, "x.md": GOOD, "a/x.txt": GOOD, "b/x.txt": GOOD, "b/x.md": GOOD}
    )
    with caplog.at_level(logging.WARNING):
        docs = load_documents(root).documents
    assert [(d.path, d.id) for d in docs] == [
        ("a/x.txt", "x"),
        ("b/x.md", "b/x"),
        ("b/x.txt", "b/x.txt"),
        ("x.md", "x.md"),
        ("x.txt", "x.txt"),
    ]
    assert "b/x.md: id 'x' is taken by another file, using 'b/x'" in caplog.text


def test_missing_folder_raises(tmp_path: Path) -> None:
    """A folder that does not exist is a CorpusError naming it."""
    with pytest.raises(CorpusError, match="does not exist"):
        load_documents(tmp_path / "missing")


def test_file_instead_of_folder_raises(tmp_path: Path) -> None:
    """A corpus path that is a file is a CorpusError."""
    (tmp_path / "a.txt").write_text(GOOD)
    with pytest.raises(CorpusError, match="is not a folder"):
        load_documents(tmp_path / "a.txt")


def test_folder_without_a_readable_file_raises(write_corpus: WriteCorpus) -> None:
    """A folder of binary, empty and ignored files is a CorpusError, not an empty corpus."""
    root = write_corpus({"a.txt": b"\x00\x01\x02", "b.md": b"", "c.pdf": GOOD})
    with pytest.raises(CorpusError, match="no readable document"):
        load_documents(root)


def test_fifo_is_not_opened(write_corpus: WriteCorpus) -> None:
    """A named pipe called x.txt is skipped as not a regular file (opening it would block)."""
    root = write_corpus({"good.txt": GOOD})
    os.mkfifo(root / "pipe.txt")
    loaded = load_documents(root)
    assert [s.path for s in loaded.skipped] == ["pipe.txt"]


def test_fifo_swapped_in_after_the_check_does_not_block(
    write_corpus: WriteCorpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that was regular when looked at and is a FIFO when opened: the open does not
    wait for a writer (O_NONBLOCK), and the opened file is checked again (fstat)."""
    root = write_corpus({"good.txt": GOOD})
    os.mkfifo(root / "pipe.txt")
    regular = os.lstat(root / "good.txt")
    real_lstat = os.lstat
    monkeypatch.setattr(
        os, "lstat", lambda p: regular if Path(p).name == "pipe.txt" else real_lstat(p)
    )
    result: list[object] = []
    worker = threading.Thread(
        target=lambda: result.append(read_file(root / "pipe.txt", "pipe.txt")), daemon=True
    )
    worker.start()
    worker.join(10)
    if worker.is_alive():  # blocked in open(): a writer releases it, then fail
        os.close(os.open(root / "pipe.txt", os.O_WRONLY))
        worker.join(10)
        pytest.fail("opening a FIFO blocked")
    assert len(result) == 1 and isinstance(result[0], Skipped)


def test_a_file_growing_past_the_limit_is_read_only_to_the_limit(
    write_corpus: WriteCorpus, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file under the limit when checked that grows before it is read is read to the limit
    plus one byte, no further, and skipped with a warning."""
    root = write_corpus({"good.txt": GOOD, "log.txt": GOOD})
    real_fstat, real_read = os.fstat, os.read
    read: list[int] = []

    def _fstat_then_grow(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        with (root / "log.txt").open("ab") as handle:
            handle.write(b"x" * 10_000_000)  # an appending writer, between check and read
        return info

    def _read(fd: int, size: int) -> bytes:
        data = real_read(fd, size)
        read.append(len(data))
        return data

    monkeypatch.setattr(os, "fstat", _fstat_then_grow)
    monkeypatch.setattr(os, "read", _read)
    with caplog.at_level(logging.WARNING):
        assert isinstance(read_file(root / "log.txt", "log.txt", max_bytes=1000), Skipped)
    assert sum(read) == 1001
    assert "skipping log.txt: grew past the 1000-byte limit while reading" in caplog.text
