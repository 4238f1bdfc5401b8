"""Adding a file to the corpus folder: a safe name, never an overwrite, read before it lands."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from retrieval.documents import Document, parse_document
from retrieval.passages import group_passages
from retrieval.reader import Skipped, read_file, supported

log = logging.getLogger(__name__)

UPLOADS = "uploads"
_MAX_STEM = 80


@dataclass(frozen=True, slots=True)
class Added:
    """A file saved into the corpus folder, as the index will read it."""

    relpath: str
    document: Document
    passages: int


def safe_name(filename: str) -> str:
    """A plain file name from any given one: no folders, no leading dot, ASCII letters, digits,
    `_` and `-`, and a lower-case extension ("../../etc/Pass wd.PDF" -> "Pass_wd.pdf")."""
    base = re.split(r"[\\/]", filename)[-1]
    # Accents dropped, not the letters: "Årsrapport" -> "Arsrapport".
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_-")[:_MAX_STEM] or "upload"
    suffix = re.sub(r"[^a-z0-9]+", "", suffix.lower())
    return f"{stem}.{suffix}" if suffix else stem


def add_file(
    root: Path, filename: str, data: bytes, max_bytes: int, folder: str = UPLOADS
) -> Added | Skipped:
    """Save `data` under root/folder with a safe, new name, if it reads as a document.

    The file is read exactly as the index reads it before it gets its name, so nothing that
    the index would skip lands in the corpus. An existing file is never replaced: the new one
    gets a `-2`, `-3`… suffix.
    """
    name = safe_name(filename)
    relpath = f"{folder}/{name}"
    if not supported(name):
        return Skipped(relpath, f"unsupported extension {Path(name).suffix or '(none)'}")
    if len(data) > max_bytes:
        return Skipped(relpath, f"{len(data)} bytes is over the {max_bytes}-byte limit")
    target = root / folder
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        return Skipped(relpath, f"{folder}/ in the corpus folder is not a plain folder")
    try:
        return _save(target, name, relpath, data, max_bytes)
    except OSError as err:  # a read-only folder (a container image), a full disk
        return Skipped(relpath, f"cannot write to the corpus folder ({err.strerror or err})")


def _save(target: Path, name: str, relpath: str, data: bytes, max_bytes: int) -> Added | Skipped:
    target.mkdir(parents=True, exist_ok=True)
    # A hidden temporary name: a reload meanwhile never indexes a half-written file.
    fd, tmp = tempfile.mkstemp(dir=target, prefix=".upload-", suffix=Path(name).suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        source = read_file(Path(tmp), relpath, max_bytes)
        if isinstance(source, Skipped):
            return source
        document = parse_document(source, Path(name).stem)
        if not document.sentences:
            return Skipped(relpath, "no sentences found")
        final = _link_new(Path(tmp), target, name)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    saved = f"{relpath.rsplit('/', 1)[0]}/{final.name}"
    log.info("added %s (%d bytes)", saved, len(data))
    return Added(saved, document, len(group_passages(document.sentences)))


def _link_new(tmp: Path, target: Path, name: str) -> Path:
    """Give tmp the first free name of `name`, `stem-2.ext`, `stem-3.ext`… (never replacing)."""
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 1
    while True:
        candidate = target / (name if number == 1 else f"{stem}-{number}{suffix}")
        try:
            os.link(tmp, candidate)  # fails if the name exists: no check-then-write race
            return candidate
        except FileExistsError:
            number += 1
