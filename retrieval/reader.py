"""Finding and reading corpus files safely: nothing in a folder can crash the load."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from retrieval.formats import EXTRACTED_SUFFIXES, Extracted, UnreadableFile, extract

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", *EXTRACTED_SUFFIXES)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_SNIFF = 8192


class CorpusError(Exception):
    """The corpus as a whole is unusable (missing folder, nothing readable)."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A corpus file that was read and decoded."""

    path: Path
    relpath: str
    text: str
    raw_size: int
    mtime: float
    replaced: int  # undecodable bytes replaced by U+FFFD
    extracted: Extracted | None = None  # what a format's parser read (then text is its text)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A corpus file that did not load, and why (the reason is also logged)."""

    path: str
    reason: str


def supported(relpath: str) -> bool:
    """Whether the file's extension is one the corpus reads."""
    return relpath.lower().endswith(SUFFIXES)


def _skip(relpath: str, reason: str) -> Skipped:
    log.warning("skipping %s: %s", relpath, reason)
    return Skipped(relpath, reason)


def find_files(root: Path) -> list[tuple[str, Path]]:
    """Every file under root, recursively, sorted by relative path; no hidden files or symlinked
    dirs. Files of an unsupported extension are listed too, so the load can say it skipped them."""
    if not root.exists():
        raise CorpusError(f"corpus folder {root} does not exist")
    if not root.is_dir():
        raise CorpusError(f"corpus path {root} is not a folder")
    found: list[tuple[str, Path]] = []

    def _on_error(err: OSError) -> None:
        log.warning("skipping %s: %s", err.filename, err.strerror or err)

    # followlinks=False: a symlinked folder (and so a symlink loop) is never walked.
    # Plain strings in the loop: pathlib's parsing cost a second at every start for 50k files.
    top = os.fspath(root)
    for folder, dirs, files in os.walk(top, onerror=_on_error, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(folder)
        prefix = os.path.relpath(folder, top).replace(os.sep, "/") + "/"
        prefix = "" if prefix == "./" else prefix
        for name in files:
            if name.startswith("."):
                continue
            found.append((prefix + name, base / name))
    found.sort(key=lambda item: item[0])
    return found


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return len(head) > 0 and controls / len(head) > 0.1


def read_file(path: Path, relpath: str, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceFile | Skipped:
    """Read and decode (or extract) one file, or log a warning naming it and say why not."""
    if not supported(relpath):
        suffix = Path(relpath).suffix.lower()
        return _skip(relpath, f"unsupported extension {suffix}" if suffix else "no extension")
    try:
        stat = path.stat()
        if not path.is_file():
            return _skip(relpath, "not a regular file")
        if stat.st_size > max_bytes:
            return _skip(relpath, f"{stat.st_size} bytes is over the {max_bytes}-byte limit")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as err:
        return _skip(relpath, f"unreadable ({err.strerror or err})")
    if len(data) > max_bytes:
        return _skip(relpath, f"grew past the {max_bytes}-byte limit while reading")
    if relpath.lower().endswith(EXTRACTED_SUFFIXES):
        return _extracted(path, relpath, data, stat.st_mtime)
    if _looks_binary(data[:_SNIFF]):
        return _skip(relpath, "binary content, not text")
    text, replaced = _decode(data)
    if replaced:
        log.warning("%s: %d undecodable bytes replaced with U+FFFD", relpath, replaced)
    if not text.strip():
        return _skip(relpath, "empty")
    return SourceFile(path, relpath, text, len(data), stat.st_mtime, replaced)


def _extracted(path: Path, relpath: str, data: bytes, mtime: float) -> SourceFile | Skipped:
    """A file of a format with its own parser: the parser's text stands for the file."""
    try:
        found = extract(relpath, data)
    except UnreadableFile as err:
        return _skip(relpath, str(err))
    return SourceFile(path, relpath, found.text, len(data), mtime, 0, found)


def _decode(data: bytes) -> tuple[str, int]:
    """Decode UTF-8 (BOM dropped); count and replace what does not decode."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        # U+FFFD already in the file would be counted too; an over-count only errs on warning.
        return text, text.count("\ufffd")
