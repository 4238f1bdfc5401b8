"""Text and metadata out of file formats that are not plain text: HTML, PDF and Word."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

NO_TEXT = "no extractable text"


class UnreadableFile(Exception):
    """A file of a supported format that yields no text; the message is the reason shown."""


@dataclass(frozen=True, slots=True)
class Extracted:
    """The text a parser extracted from a file, with what the file says about itself.

    `text` is what the corpus quotes from: paragraphs one a line, a blank line between them (so
    the corpus never reads two of them as one hard-wrapped paragraph). `pages` holds the offset in
    `text` where each page starts (PDF only; empty for formats without pages).
    """

    text: str
    title: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    url: str | None = None
    author: str | None = None
    pages: tuple[int, ...] = ()


PARAGRAPH_BREAK = "\n\n"


def clean(value: object) -> str | None:
    """A metadata value as a stripped string, or None when it is missing or blank."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


EXTRACTED_SUFFIXES = (".html", ".htm", ".pdf", ".docx")


def extract(relpath: str, data: bytes) -> Extracted:
    """Extract a file of one of EXTRACTED_SUFFIXES by its suffix; UnreadableFile if it cannot."""
    # Imported here: each parser loads only when a corpus holds its format.
    suffix = relpath.rsplit(".", 1)[-1].lower()
    if suffix in ("html", "htm"):
        from retrieval.formats.html import extract_html

        return extract_html(data)
    if suffix == "pdf":
        from retrieval.formats.pdf import extract_pdf

        return extract_pdf(data)
    if suffix == "docx":
        from retrieval.formats.word import extract_docx

        return extract_docx(data)
    raise ValueError(f"no extractor for {relpath}")
