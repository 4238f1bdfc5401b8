"""PDF reports: the text of each page and the document information, through pypdf."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError

from retrieval.formats import NO_TEXT, PARAGRAPH_BREAK, Extracted, UnreadableFile, clean

log = logging.getLogger(__name__)

_ENDS = tuple('.!?:;"”’)…')
# A line at least this share of the page's longest line is taken as wrapped, not as a paragraph.
_FULL_LINE = 0.75


def extract_pdf(data: bytes) -> Extracted:
    """Text page by page (wrapped lines joined into paragraphs), with title, author and date."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        _decrypt(reader)
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or pypdf.DocumentInformation()
    except UnreadableFile:
        raise
    except (FileNotDecryptedError, DependencyError) as err:
        raise UnreadableFile(f"{NO_TEXT} (encrypted PDF)") from err
    except Exception as err:  # pypdf raises many kinds on broken files; none may stop the load
        log.debug("pypdf failed: %r", err)
        raise UnreadableFile(f"corrupt PDF ({type(err).__name__}: {err})"[:200]) from err
    text, starts = _join_pages(pages)
    if not text:
        raise UnreadableFile(f"{NO_TEXT} (image-only or scanned PDF?)")
    created = _field(info, "creation_date")
    return Extracted(
        text=text,
        title=clean(_field(info, "title")),
        published=created.date() if isinstance(created, dt.datetime) else None,
        author=clean(_field(info, "author")),
        pages=starts,
    )


def _field(info: pypdf.DocumentInformation, name: str) -> object:
    """One document-information entry, or None when it is missing or will not parse."""
    try:
        return getattr(info, name)
    except Exception as err:  # a malformed date or string must not cost the document
        log.debug("ignoring the PDF's /%s: %r", name, err)
        return None


def _decrypt(reader: pypdf.PdfReader) -> None:
    """Open a PDF encrypted only against editing (empty user password); refuse any other."""
    if reader.is_encrypted and not reader.decrypt(""):
        raise UnreadableFile(f"{NO_TEXT} (encrypted PDF)")


def _join_pages(pages: list[str]) -> tuple[str, tuple[int, ...]]:
    """All pages' paragraphs, a blank line between them, and the offset where each page starts."""
    out: list[str] = []
    starts: list[int] = []
    length = 0
    for page in pages:
        starts.append(length)
        paragraphs = _paragraphs(page)
        if paragraphs:
            block = PARAGRAPH_BREAK.join(paragraphs) + PARAGRAPH_BREAK
            out.append(block)
            length += len(block)
    return "".join(out).rstrip("\n"), tuple(starts)


def _paragraphs(page: str) -> list[str]:
    """The page's lines, a wrapped line joined to the next (a hyphen at a break is kept)."""
    lines = [" ".join(line.split()) for line in page.splitlines()]
    lines = [line for line in lines if line]
    widest = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    previous = ""
    for line in lines:
        if paragraphs and _continues(previous, line, widest):
            paragraphs[-1] += line if previous.endswith("-") else " " + line
        else:
            paragraphs.append(line)
        previous = line
    return paragraphs


def _continues(previous: str, line: str, widest: int) -> bool:
    """Whether `line` carries on the paragraph whose last line so far is `previous`."""
    if previous.endswith(_ENDS):
        return False
    return bool(re.match(r"[a-z0-9(]", line)) or len(previous) >= _FULL_LINE * widest
