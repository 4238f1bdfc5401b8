"""A restarted process: import, load a saved index, answer queries; prints its figures as JSON.

Run by bench_search.py in a fresh interpreter so that load time, first-query time and memory
are those of a real restart, not of the process that built the index.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def rss_mb() -> float:
    """Resident memory of this process, MB (file-backed mapped pages included)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(folder: str, query_file: str, k: int) -> None:
    started = time.perf_counter()
    from retrieval.index import BM25Index
    from retrieval.tokenizer import tokenize

    imported = time.perf_counter()
    base_rss = rss_mb()  # the interpreter and its libraries (numpy, numba), before the index
    index = BM25Index.load(Path(folder))
    loaded = time.perf_counter()
    queries = json.loads(Path(query_file).read_text("utf-8"))
    first = index.search(tokenize(queries[0]), k)
    answered = time.perf_counter()
    times, results = [], []
    for terms in [tokenize(q) for q in queries]:
        t0 = time.perf_counter()
        hits = index.search(terms, k)
        times.append((time.perf_counter() - t0) * 1000)
        results.append([[h.passage, h.score] for h in hits])
    report = {
        "import_s": imported - started,
        "load_s": loaded - imported,
        "first_ms": (answered - loaded) * 1000,
        "first_ok": bool(first),
        "query_ms": times,
        "results": results,
        "rss_delta_mb": rss_mb() - base_rss,
        "rss_mb": rss_mb(),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
