"""Word documents (.docx): paragraphs in order and the core properties, through python-docx."""

from __future__ import annotations

import datetime as dt
import io
import logging
import zipfile

import docx

from retrieval.formats import NO_TEXT, PARAGRAPH_BREAK, Extracted, UnreadableFile, clean

log = logging.getLogger(__name__)

# A .docx is a zip: refuse one that would inflate past this (a zip bomb) before parsing it.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def extract_docx(data: bytes) -> Extracted:
    """Non-empty paragraphs in document order, with title, author and created date."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise UnreadableFile(f"DOCX unpacks to {unpacked} bytes, over {MAX_UNPACKED_BYTES}")
        document = docx.Document(io.BytesIO(data))
        paragraphs = [" ".join(p.text.split()) for p in document.paragraphs]
        props = document.core_properties
        title, author, created = props.title, props.author, props.created
    except UnreadableFile:
        raise
    except Exception as err:  # zip, XML and package errors alike: the file is broken
        log.debug("python-docx failed: %r", err)
        raise UnreadableFile(f"corrupt DOCX ({type(err).__name__})") from err
    text = PARAGRAPH_BREAK.join(p for p in paragraphs if p)
    if not text:
        raise UnreadableFile(NO_TEXT)
    return Extracted(
        text=text,
        title=clean(title),
        published=created.date() if isinstance(created, dt.datetime) else None,
        author=clean(author),
    )
