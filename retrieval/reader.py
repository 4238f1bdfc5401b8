"""Finding and reading corpus files safely: nothing in a folder can crash or hang the load.

Only regular files whose real path is inside the corpus folder are opened, never blocking,
and each is read once, at most up to the size limit: the bytes hashed are the bytes parsed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Callable, Iterator
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
    return [(relpath, Path(path)) for relpath, path in find_paths(root)]


def find_paths(root: Path) -> list[tuple[str, str]]:
    """`find_files` with plain string paths (a Path per file costs more than its stat)."""
    return sorted((relpath, entry.path) for relpath, entry in list_entries(root))


def list_entries(root: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """The files `find_files` lists, with their directory entries, each folder's names sorted.

    An entry knows its type from the folder read and caches its `lstat`, so a caller that
    needs each file's stat (`retrieval.listing`) makes one system call a file and no path.
    """
    if not root.exists():
        raise CorpusError(f"corpus folder {root} does not exist")
    if not root.is_dir():
        raise CorpusError(f"corpus path {root} is not a folder")
    return _entries(os.fspath(root), "")


def _entries(folder: str, prefix: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
    try:
        with os.scandir(folder) as scan:
            entries = sorted((e for e in scan if not e.name.startswith(".")), key=_name)
    except OSError as err:
        log.warning("skipping %s: %s", err.filename, err.strerror or err)
        return
    for entry in entries:
        if not _is_dir(entry):
            yield prefix + entry.name, entry
        elif not _is_link(entry):  # a symlinked folder (and so a symlink loop) is never walked
            yield from _entries(entry.path, f"{prefix}{entry.name}/")


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """As os.walk sorts entries: a link to a folder counts as a folder, an error as a file."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


# Control bytes other than tab, newline, form feed and carriage return.
_CONTROLS = bytes(byte for byte in range(32) if byte not in (9, 10, 12, 13))


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    # Counted in C (the bytes deleted), not by a Python loop over every byte: an ingest hot spot.
    controls = len(head) - len(head.translate(None, _CONTROLS))
    return len(head) > 0 and controls / len(head) > 0.1


@dataclass(frozen=True, slots=True)
class RawFile:
    """A listed file's bytes, read once, and the digest that stands for them in index keys."""

    path: Path
    relpath: str
    data: bytes | None  # None: skipped (`skip` says why) or not read (`digest` was known)
    digest: str  # sha256 of `data`; for a skipped file, a stand-in naming the reason
    stamp: tuple[int, int] | None  # (size, mtime_ns) of the file read
    skip: str = ""


# Never block (a FIFO's open waits for a writer) and never follow a last-moment symlink.
_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
)


class _Skip(Exception):
    """Why a listed file is not read; its digest stand-in."""

    def __init__(self, reason: str, digest: str) -> None:
        super().__init__(reason)
        self.reason, self.digest = reason, digest


def _locate(path: Path, real_root: str) -> tuple[str, os.stat_result]:
    """The path to open for a listed file, and its stat; _Skip unless a regular file inside.

    os.walk never enters a symlinked folder, so only the file itself can be a link: its real
    path must lie inside the corpus folder (a `.txt` link to /etc/passwd is never read).
    """
    info = os.lstat(path)
    target = os.fspath(path)
    if stat.S_ISLNK(info.st_mode):
        target = os.path.realpath(path)
        if os.path.commonpath([real_root, target]) != real_root:
            raise _Skip(f"its real path is outside the corpus folder ({target})", "outside")
        info = os.stat(target)
    if not stat.S_ISREG(info.st_mode):
        raise _Skip("not a regular file", "not-regular")
    return target, info


def _check_size(info: os.stat_result, max_bytes: int) -> None:
    if info.st_size > max_bytes:
        raise _Skip(
            f"{info.st_size} bytes is over the {max_bytes}-byte limit",
            f"oversize:{info.st_size}:{info.st_mtime_ns}",
        )


def _read_at_most(fd: int, limit: int) -> bytes:
    parts, total = [], 0
    while total < limit:
        part = os.read(fd, min(limit - total, 1 << 20))
        if not part:
            break
        parts.append(part)
        total += len(part)
    return b"".join(parts)


def read_raw(
    path: Path,
    relpath: str,
    max_bytes: int,
    real_root: str,
    known: Callable[[tuple[int, int]], str | None] | None = None,
) -> RawFile:
    """Read a listed file once, at most max_bytes + 1 bytes, if it is a regular file inside
    real_root; `known(stamp)` may give its digest without reading (a cache). A file of an
    unsupported extension is never read: it is skipped by its name."""
    if not supported(relpath):
        suffix = Path(relpath).suffix.lower()
        reason = f"unsupported extension {suffix}" if suffix else "no extension"
        return RawFile(path, relpath, None, "unsupported", None, reason)
    try:
        target, info = _locate(path, real_root)
        _check_size(info, max_bytes)
        digest = known((info.st_size, info.st_mtime_ns)) if known else None
        if digest is not None:
            return RawFile(path, relpath, None, digest, (info.st_size, info.st_mtime_ns))
        fd = os.open(target, _OPEN_FLAGS)
        try:
            info = os.fstat(fd)  # what was opened, which may not be what was looked at
            if not stat.S_ISREG(info.st_mode):
                raise _Skip("not a regular file", "not-regular")
            _check_size(info, max_bytes)
            data = _read_at_most(fd, max_bytes + 1)
        finally:
            os.close(fd)
    except _Skip as skip:
        return RawFile(path, relpath, None, skip.digest, None, skip.reason)
    except OSError as err:
        return RawFile(
            path, relpath, None, "unreadable", None, f"unreadable ({err.strerror or err})"
        )
    if len(data) > max_bytes:
        reason = f"grew past the {max_bytes}-byte limit while reading"
        return RawFile(path, relpath, None, f"oversize:{len(data)}", None, reason)
    stamp = (info.st_size, info.st_mtime_ns)
    return RawFile(path, relpath, data, hashlib.sha256(data).hexdigest(), stamp)


def decode_file(raw: RawFile) -> SourceFile | Skipped:
    """Decode (or extract) the bytes read, or log a warning naming the file and say why not."""
    data = raw.data
    if data is None or raw.stamp is None:
        return _skip(raw.relpath, raw.skip or "not read")
    mtime = raw.stamp[1] / 1e9
    if raw.relpath.lower().endswith(EXTRACTED_SUFFIXES):
        return _extracted(raw.path, raw.relpath, data, mtime)
    if _looks_binary(data[:_SNIFF]):
        return _skip(raw.relpath, "binary content, not text")
    text, replaced = _decode(data)
    if replaced:
        log.warning("%s: %d undecodable bytes replaced with U+FFFD", raw.relpath, replaced)
    if not text.strip():
        return _skip(raw.relpath, "empty")
    return SourceFile(raw.path, raw.relpath, text, len(data), mtime, replaced)


def _extracted(path: Path, relpath: str, data: bytes, mtime: float) -> SourceFile | Skipped:
    """A file of a format with its own parser: the parser's text stands for the file."""
    try:
        found = extract(relpath, data)
    except UnreadableFile as err:
        return _skip(relpath, str(err))
    return SourceFile(path, relpath, found.text, len(data), mtime, 0, found)


def read_file(
    path: Path, relpath: str, max_bytes: int = DEFAULT_MAX_BYTES, root: Path | None = None
) -> SourceFile | Skipped:
    """Read and decode one file of root (default: its folder), or warn naming it: why not."""
    real_root = os.path.realpath(root if root is not None else path.parent)
    return decode_file(read_raw(path, relpath, max_bytes, real_root))


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
