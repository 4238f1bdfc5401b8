"""Finding and reading corpus files safely: nothing in a folder can crash the load."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md")
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


def find_files(root: Path) -> list[tuple[str, Path]]:
    """Every .txt/.md file under root, recursively, sorted by relative path; no symlinked dirs."""
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
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            found.append((prefix + name, base / name))
    found.sort(key=lambda item: item[0])
    return found


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return len(head) > 0 and controls / len(head) > 0.1


def read_file(path: Path, relpath: str, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceFile | None:
    """Read and decode one file, or log a warning naming it and return None."""
    try:
        stat = path.stat()
        if not path.is_file():
            log.warning("skipping %s: not a regular file", relpath)
            return None
        if stat.st_size > max_bytes:
            log.warning(
                "skipping %s: %d bytes is over the %d-byte limit", relpath, stat.st_size, max_bytes
            )
            return None
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as err:
        log.warning("skipping %s: unreadable (%s)", relpath, err.strerror or err)
        return None
    if len(data) > max_bytes:
        log.warning("skipping %s: grew past the %d-byte limit while reading", relpath, max_bytes)
        return None
    if _looks_binary(data[:_SNIFF]):
        log.warning("skipping %s: binary content, not text", relpath)
        return None
    text, replaced = _decode(data)
    if replaced:
        log.warning("%s: %d undecodable bytes replaced with U+FFFD", relpath, replaced)
    if not text.strip():
        log.warning("skipping %s: empty", relpath)
        return None
    return SourceFile(path, relpath, text, len(data), stat.st_mtime, replaced)


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
