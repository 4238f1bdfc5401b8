"""Ingest, restart and incremental update: briefbot beside tantivy, SQLite FTS5 and bm25s.

    pip install -e '.[bench]'     # the peers: tantivy, bm25s, psutil (never runtime deps)
    python -m benchmarks.bench_ingest [--passages 220000] [--engines briefbot,tantivy,fts5,bm25s]

One generated folder (benchmarks/make_corpus.py), then for each engine, every phase in a
fresh process (benchmarks/ingest_engines.py): build (folder -> persisted index; wall time and
the peak RSS summed over the process tree, sampled every 20 ms), disk, restart (a fresh
process answers one query: seconds to its first byte of output, median of 3), query p50/p95
(warm, in one process, top 10, ids and scores), and an incremental add (one file added and
one changed, then a fresh process answers a query only the new text matches).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from benchmarks.ingest_engines import REPO, command, environment
from benchmarks.synthetic import queries

COLUMNS = (
    ("engine", "{:<8}"),
    ("build s", "{:>7.1f}"),
    ("peak RSS MB", "{:>11.0f}"),
    ("disk MB", "{:>7.0f}"),
    ("restart s", "{:>9.2f}"),
    ("p50 ms", "{:>6.2f}"),
    ("p95 ms", "{:>6.2f}"),
    ("add+change s", "{:>12.2f}"),
)
NEW_WORD, CHANGED_WORD = "quorblex", "zindravot"


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a worker may exit while we look
            total += p.memory_info().rss
    return total


def run(cmd: list[str], data: Path) -> dict[str, float | str]:
    """Run one phase: seconds to first output byte and to exit, peak tree RSS, its output."""
    started = time.perf_counter()
    child = subprocess.Popen(cmd, env=environment(data), cwd=data, stdout=subprocess.PIPE)
    peak, done = [0], threading.Event()

    def sample() -> None:
        proc = psutil.Process(child.pid)
        while not done.is_set():
            try:
                peak[0] = max(peak[0], _tree_rss(proc))
            except psutil.Error:
                return
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert child.stdout is not None
    first = child.stdout.read(1)
    answered = time.perf_counter() - started
    out = first + child.stdout.read()
    if child.wait() != 0:
        raise RuntimeError(f"{cmd} failed with {child.returncode}")
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    return {"answer": answered, "wall": wall, "rss": peak[0] / 2**20, "out": out.decode()}


def _sample_texts(folder: Path, limit: int = 20_000) -> list[str]:
    files = sorted(folder.rglob("*.txt"))
    step = max(1, len(files) * 20 // limit)
    texts: list[str] = []
    for path in files[::step]:
        texts += path.read_text("utf-8").splitlines()[2:]
    return texts


def _disk(data: Path) -> float:
    return sum(p.stat().st_size for p in data.rglob("*") if p.is_file()) / 2**20


def _mutate(folder: Path) -> tuple[Path, Path, str]:
    """Add one file and change one; returns them and the changed file's old text."""
    files = sorted(folder.rglob("*.txt"))
    changed, added = files[len(files) // 2], files[0].parent / "added.txt"
    old = changed.read_text("utf-8")
    sample = old.splitlines()[-1]
    added.write_text(f"Added Story\n\n{sample} The {NEW_WORD} report.\n", "utf-8")
    changed.write_text(old + f"{sample} A {CHANGED_WORD} note.\n", "utf-8")
    rel = [str(p.relative_to(folder)) for p in (added, changed)]
    (folder.parent / "changed.json").write_text(json.dumps(rel), "utf-8")
    return added, changed, old


def bench(engine: str, folder: Path, work: Path, qfile: Path, first_q: str) -> dict[str, float]:
    data = work / f"data-{engine}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    built = run(command(engine, "build", folder, data), data)
    restarts = sorted(
        float(run(command(engine, "answer", folder, data, first_q), data)["answer"])
        for _ in range(3)
    )
    timed = json.loads(str(run(command(engine, "queries", folder, data, str(qfile)), data)["out"]))
    added, changed, old = _mutate(folder)
    try:
        update = run(command(engine, "update", folder, data, f"{NEW_WORD} {CHANGED_WORD}"), data)
        if NEW_WORD not in str(update["out"]) and "(no hits)" in str(update["out"]):
            raise RuntimeError(f"{engine}: the update is not searchable: {update['out']!r}")
    finally:
        added.unlink()
        changed.write_text(old, "utf-8")
    return {
        "build s": float(built["wall"]),
        "peak RSS MB": float(built["rss"]),
        "disk MB": _disk(data),
        "restart s": restarts[1],
        "p50 ms": timed["p50"],
        "p95 ms": timed["p95"],
        "add+change s": float(update["answer"]),
    }


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in psutil.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--passages", type=int, default=220_000)
    parser.add_argument("--engines", default="briefbot,tantivy,fts5,bm25s")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    folder = work / f"corpus-{args.passages}"
    if not folder.exists():
        maker = [sys.executable, "-m", "benchmarks.make_corpus", str(folder)]
        subprocess.run([*maker, "--passages", str(args.passages)], check=True, cwd=REPO)
    query_texts = queries(_sample_texts(folder), args.queries)
    qfile = work / "queries.json"
    qfile.write_text(json.dumps(query_texts), "utf-8")
    print(f"{args.passages:,} passages; load average before: {_load()}", flush=True)
    print(" | ".join(name for name, _ in COLUMNS), flush=True)
    rows = {}
    for engine in args.engines.split(","):
        row = bench(engine, folder, work, qfile, query_texts[0])
        rows[engine] = row
        cells = [fmt.format(engine if n == "engine" else row[n]) for n, fmt in COLUMNS]
        print(" | ".join(cells), flush=True)
    print(f"load average after: {_load()}")
    if args.json:
        args.json.write_text(json.dumps({"passages": args.passages, "rows": rows}, indent=1))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
