"""A cheap fingerprint of a corpus folder: if it is unchanged, no file needs reading or hashing.

The store hashes every file's bytes to key its index, and caches the digests by (size, mtime);
even so, checking an unchanged corpus of 100k files cost seconds at every start (a JSON of
every digest, a read per file). The fingerprint needs one stat per file and no I/O beyond it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.reader import list_entries

# Timestamps as coarse as this can hide a second change within the same tick: a listing with
# a file (or its inode change) this fresh is not trusted next time.
RACY_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Listing:
    """The fingerprint of every listed file's path and stat, salted with what shapes the index."""

    digest: str
    trusted: bool  # False when a file is too fresh for its stat to stand for its content


def take_listing(root: Path, salt: str) -> Listing:
    """Fingerprint root's files as `retrieval.reader.find_files` lists them (one stat each)."""
    names, stamps = [salt], array("q")
    for relpath, entry in list_entries(root):
        names.append(relpath)
        try:
            infos = [entry.stat(follow_symlinks=False)]  # the folder read gave its path
            if stat.S_ISLNK(infos[0].st_mode):  # the target can change under an unchanged link
                infos.append(os.stat(entry.path))
        except OSError:
            stamps.extend((-1, -1, -1, -1, -1))
            continue
        for info in infos:
            # ctime and inode too: a copy that keeps size and mtime (rsync -a, cp -p) still
            # changes them, and no one can set ctime back.
            stamps.extend(
                (info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
            )
    h = hashlib.sha256("\0".join(names).encode("utf-8", "surrogatepass"))
    h.update(stamps.tobytes())
    times = np.frombuffer(stamps, np.int64).reshape(-1, 5)[:, 2:4]
    newest = int(times.max()) if len(times) else 0
    return Listing(h.hexdigest(), time.time_ns() - newest >= RACY_SECONDS * 1e9)


def recall(path: Path, listing: Listing) -> str | None:
    """The index key last recorded for this exact listing, if any."""
    try:
        digest, key = path.read_text("ascii").split()
    except (OSError, ValueError):
        return None
    return key if digest == listing.digest else None


def remember(path: Path, listing: Listing, key: str) -> None:
    """Record that this listing is indexed under key (atomically; untrusted ones never)."""
    if not listing.trusted or recall(path, listing) == key:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(f"{listing.digest} {key}\n", "ascii")
    os.replace(tmp, path)
