"""The PDF extractor: text per page, wrapped lines joined, document information, and refusals."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest

from retrieval.formats import NO_TEXT, UnreadableFile
from retrieval.formats.pdf import _paragraphs, extract_pdf
from tests.samples import PDF_FIGURE, encrypted_pdf, image_only_pdf, two_page_pdf


def test_pages_start_where_their_text_starts() -> None:
    """Two pages, the second starting at its heading; the figure lies within page 2."""
    found = extract_pdf(two_page_pdf())
    assert len(found.pages) == 2 and found.pages[0] == 0
    assert found.text[found.pages[1] :].startswith("Generation\n")
    assert found.text.index(PDF_FIGURE) > found.pages[1]


def test_title_author_and_date_come_from_the_document_information() -> None:
    """/Title, /Author and /CreationDate."""
    found = extract_pdf(two_page_pdf())
    assert found.title == "Regional Energy Outlook 2026"
    assert found.author == "Northern Energy Agency"
    assert found.published == dt.date(2026, 2, 3)


def test_wrapped_lines_are_joined_and_short_lines_stay_apart() -> None:
    """A line that fills the width or runs on in lower case continues; a heading does not."""
    page = (
        "Annual Review\n"
        "The council approved the plan to build two new bridges across the\n"
        "river, and work will start in the spring of next year after a final\n"
        "Public consultation.\n"
        "A second paragraph.\n"
        "Ship-\nbuilding resumed."
    )
    assert _paragraphs(page) == [
        "Annual Review",
        "The council approved the plan to build two new bridges across the river, and work "
        "will start in the spring of next year after a final Public consultation.",
        "A second paragraph.",
        "Ship-building resumed.",
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (encrypted_pdf(), f"{NO_TEXT} (encrypted PDF)"),
        (image_only_pdf(), f"{NO_TEXT} (image-only or scanned PDF?)"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 20, "corrupt PDF"),
        (two_page_pdf()[:400], "corrupt PDF"),
    ],
    ids=["encrypted", "image-only", "garbage", "truncated"],
)
def test_unreadable_pdfs_say_why(data: bytes, reason: str) -> None:
    """Encrypted and scanned PDFs have no extractable text; broken ones are corrupt."""
    with pytest.raises(UnreadableFile) as caught:
        extract_pdf(data)
    assert str(caught.value).startswith(reason)


def test_pdf_locked_only_against_editing_is_read() -> None:
    """An empty user password (owner password only) does not stop reading."""
    assert PDF_FIGURE in extract_pdf(encrypted_pdf(user_password="")).text


def test_a_malformed_document_information_date_is_ignored() -> None:
    """Regression: a /CreationDate pypdf cannot parse raised out of the extractor."""
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(two_page_pdf()))
    writer.add_metadata({"/CreationDate": "D:garbage", "/Title": "Outlook"})
    out = io.BytesIO()
    writer.write(out)
    found = extract_pdf(out.getvalue())
    assert (found.title, found.published) == ("Outlook", None)
    assert PDF_FIGURE in found.text
