"""Adding files to the corpus: safe names, no overwrite, nothing unreadable lands."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest

from retrieval.intake import Added, add_file, safe_name
from retrieval.reader import Skipped
from retrieval.store import open_corpus
from tests.samples import two_page_pdf

TEXT = b"Harbour fees\n\nThe harbour board raised mooring fees by four percent this spring.\n"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\win.ini.TXT", "win_ini.txt"),
        (".hidden.md", "hidden.md"),
        ("Årsrapport 2025 (final).PDF", "Arsrapport_2025_final.pdf"),
        ("...", "upload"),
        ("naïve\x00name.docx", "naive_name.docx"),
    ],
)
def test_safe_name(given: str, expected: str) -> None:
    """No folder part, no leading dot, plain characters, lower-case extension."""
    assert safe_name(given) == expected


def test_added_file_lands_in_uploads_and_is_indexed(tmp_path: Path) -> None:
    """The file is saved under uploads/ and the next open indexes it with its metadata."""
    root = tmp_path / "corpus"
    root.mkdir()
    added = add_file(root, "Energy report.pdf", two_page_pdf(), 10**7)
    assert isinstance(added, Added)
    assert added.relpath == "uploads/Energy_report.pdf"
    assert (root / added.relpath).read_bytes() == two_page_pdf()
    assert added.document.metadata.published == dt.date(2026, 2, 3)
    assert added.passages >= 2
    paths = [rec["path"] for rec in open_corpus(root, tmp_path / "data").corpus.records]
    assert paths == ["uploads/Energy_report.pdf"]
    assert not [p for p in (root / "uploads").iterdir() if p.name.startswith(".")]


def test_same_name_twice_gets_a_suffix_and_never_overwrites(tmp_path: Path) -> None:
    """A second a.txt is a-2.txt; the first keeps its bytes."""
    first = add_file(tmp_path, "a.txt", TEXT, 10**6)
    second = add_file(tmp_path, "a.txt", TEXT.replace(b"four", b"five"), 10**6)
    assert isinstance(first, Added) and isinstance(second, Added)
    assert (first.relpath, second.relpath) == ("uploads/a.txt", "uploads/a-2.txt")
    assert (tmp_path / "uploads/a.txt").read_bytes() == TEXT


@pytest.mark.parametrize(
    ("filename", "data", "reason"),
    [
        ("photo.jpg", b"\xff\xd8", "unsupported extension .jpg"),
        ("big.txt", TEXT * 100, "bytes is over the 1000-byte limit"),
        ("broken.pdf", two_page_pdf()[:400], "corrupt PDF"),
        ("blank.txt", b"   \n", "empty"),
    ],
)
def test_unreadable_uploads_are_refused_and_leave_nothing(
    tmp_path: Path, filename: str, data: bytes, reason: str
) -> None:
    """Whatever the index would skip is refused with the reason, and no file is left."""
    result = add_file(tmp_path, filename, data, 1000)
    assert isinstance(result, Skipped) and reason in result.reason
    uploads = tmp_path / "uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_a_symlinked_uploads_folder_is_refused(tmp_path: Path) -> None:
    """uploads/ pointing elsewhere would write outside the corpus: refused."""
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "uploads").symlink_to(outside)
    result = add_file(root, "a.txt", TEXT, 10**6)
    assert isinstance(result, Skipped) and "not a plain folder" in result.reason
    assert list(outside.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_a_reason_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only corpus folder (a container's image) is refused with the OS's reason."""

    def _denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", _denied)
    result = add_file(tmp_path, "a.txt", TEXT, 10**6)
    assert isinstance(result, Skipped)
    assert result.reason == "cannot write to the corpus folder (Permission denied)"
