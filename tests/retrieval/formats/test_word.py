"""The DOCX extractor: paragraphs in order, core properties, and broken files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from retrieval.formats import UnreadableFile
from retrieval.formats import word as word_format
from retrieval.formats.word import extract_docx
from tests.samples import memo_docx


def test_paragraphs_in_order_one_a_line() -> None:
    """The heading, then each paragraph, in the document's order, a blank line between."""
    assert extract_docx(memo_docx()).text.split("\n\n") == [
        "Budget memo for the harbour board",
        "The board approved a maintenance budget of 18 million euros for the coming year.",
        "Dredging of the inner basin will start in April and last six weeks.",
        "A decision on the new ferry terminal was postponed until June.",
    ]


def test_core_properties_give_title_author_and_created_date() -> None:
    """title, author and created."""
    found = extract_docx(memo_docx())
    assert (found.title, found.author, found.published) == (
        "Budget memo for the harbour board", "Elin Sand", dt.date(2026, 1, 20),
    )  # fmt: skip


def test_a_file_that_is_not_a_docx_is_corrupt() -> None:
    """Plain bytes and a zip without a Word document both fail with a reason."""
    empty_zip = io.BytesIO()
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("hello.txt", "hi")
    for data in (b"not a zip", empty_zip.getvalue()):
        with pytest.raises(UnreadableFile, match="corrupt DOCX"):
            extract_docx(data)


def test_a_docx_that_unpacks_too_large_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The unpacked size is checked before parsing (a zip bomb is never inflated)."""
    monkeypatch.setattr(word_format, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(UnreadableFile, match="unpacks to"):
        extract_docx(memo_docx())
