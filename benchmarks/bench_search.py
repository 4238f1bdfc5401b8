"""Search speed at 10k, 100k and 1M synthetic passages, against naive rank_bm25, in one table.

    python -m benchmarks.bench_search [--sizes 10000,100000,1000000] [--queries 200]

Per size: build (tokenize on every core + index), save, then a fresh process loads the saved
index memory-mapped and answers the queries (load, first query and memory as after a restart);
then rank_bm25's BM25Okapi (with the idf guards) scores a sample of the same queries with
`get_scores` in this process, which checks exactness and gives the speed-up.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.numpy_search import numpy_search
from benchmarks.oracle import GuardedBM25Okapi
from benchmarks.synthetic import heavy_queries, passages, queries
from retrieval.bm25 import BM25Params
from retrieval.build import tokenize_corpus
from retrieval.index import BM25Index
from retrieval.tokenizer import tokenize

K = 10
COLUMNS = (
    ("passages", "{:>9,}"),
    ("build s (tok+idx)", "{:>17}"),
    ("disk MB", "{:>7.0f}"),
    ("RSS MB index/all", "{:>16}"),
    ("import+load s", "{:>13}"),
    ("1st q ms", "{:>8.1f}"),
    ("p50 ms", "{:>6.3f}"),
    ("p95 ms", "{:>6.3f}"),
    ("numpy p50/p95", "{:>13}"),
    ("naive p50 ms", "{:>12.0f}"),
    ("speed-up", "{:>8,.0f}"),
    ("exact", "{:>14}"),
)


def _build(texts: list[str], folder: Path) -> tuple[BM25Index, dict[str, float], list[list[str]]]:
    """Tokenize on every core, index, save; the token lists come back for rank_bm25."""
    t0 = time.perf_counter()
    vocab, flat, lengths = tokenize_corpus(texts)
    t1 = time.perf_counter()
    index = BM25Index.from_ids(vocab, flat, lengths, BM25Params())
    t2 = time.perf_counter()
    index.save(folder)
    index.warm()  # compiles once per machine; the restarted process then loads machine code
    terms = list(vocab)
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    ids = flat.tolist()
    tokenized = [[terms[i] for i in ids[a:b]] for a, b in zip(starts, ends, strict=True)]
    disk = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
    return index, {"tok": t1 - t0, "idx": t2 - t1, "disk": disk}, tokenized


def _serve(folder: Path, query_texts: list[str]) -> dict[str, Any]:
    """Load and query the saved index in a fresh interpreter (a restart)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(query_texts, handle)
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.serve", str(folder), handle.name, str(K)],
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
    )
    os.unlink(handle.name)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _naive(
    tokenized: list[list[str]], sample: list[list[str]]
) -> tuple[list[float], list[np.ndarray], float]:
    """rank_bm25 get_scores (guarded idf) on the sample: per-query ms and the full score arrays."""
    t0 = time.perf_counter()
    oracle = GuardedBM25Okapi(tokenized)
    built = time.perf_counter() - t0
    times, scores = [], []
    for terms in sample:
        t0 = time.perf_counter()
        scores.append(oracle.get_scores(terms))
        times.append((time.perf_counter() - t0) * 1000)
    return times, scores, built


def _exactness(results: list[list[list[float]]], scores: list[np.ndarray]) -> str:
    """Top-10 equal to the oracle's (score desc, id asc) and the largest score difference."""
    same, worst = 0, 0.0
    for got, full in zip(results, scores, strict=True):
        order = np.lexsort((np.arange(len(full)), -full))[:K]
        want = [int(i) for i in order if full[i] > 0]
        same += [int(p) for p, _ in got] == want
        worst = max([worst, *(abs(s - float(full[int(p)])) for p, s in got)])
    return f"{same}/{len(results)} {worst:.0e}" if worst else f"{same}/{len(results)} diff 0"


def _numpy_times(index: BM25Index, tokenized_queries: list[list[str]]) -> list[float]:
    times = []
    for terms in tokenized_queries:
        t0 = time.perf_counter()
        numpy_search(index, terms, K)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def _workload(
    index: BM25Index, qtok: list[list[str]], heavy: list[list[str]], heavy_ms: np.ndarray
) -> dict[str, float]:
    """What the queries cost to read, and the frequent-word queries' times."""
    df = np.diff(index.indptr)
    postings = [int(sum(df[index.term_ids(q)])) for q in qtok]
    return {
        "postings/query p50": float(np.median(postings)),
        "postings/query max": max(postings),
        "heavy postings/query p50": float(np.median([sum(df[index.term_ids(q)]) for q in heavy])),
        "heavy p50 ms": float(np.median(heavy_ms)),
        "heavy p95 ms": float(np.percentile(heavy_ms, 95)),
    }


def run_size(size: int, n_queries: int, n_naive: int) -> tuple[dict[str, object], dict[str, float]]:
    """All figures of one corpus size."""
    t0 = time.perf_counter()
    texts = passages(size)
    query_texts = queries(texts, n_queries)
    heavy = heavy_queries(20)
    generated = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        index, built, tokenized = _build(texts, Path(tmp))
        del texts
        served = _serve(Path(tmp), query_texts + heavy)
        qtok = [tokenize(q) for q in query_texts]
        numpy_ms = _numpy_times(index, qtok)
        ours = np.asarray(served["query_ms"][:n_queries])
        heavy_ms = np.asarray(served["query_ms"][n_queries:])
        naive_ms, full, naive_build = _naive(tokenized, qtok[:n_naive])
    tok, idx = built["tok"], built["idx"]
    row = {
        "passages": size,
        "build s (tok+idx)": f"{tok + idx:.1f} ({tok:.1f}+{idx:.1f})",
        "disk MB": built["disk"],
        "RSS MB index/all": f"{served['rss_delta_mb']:.0f}/{served['rss_mb']:.0f}",
        "import+load s": f"{served['import_s']:.2f}+{served['load_s']:.2f}",
        "1st q ms": served["first_ms"],
        "p50 ms": float(np.percentile(ours, 50)),
        "p95 ms": float(np.percentile(ours, 95)),
        "numpy p50/p95": f"{np.percentile(numpy_ms, 50):.1f}/{np.percentile(numpy_ms, 95):.1f}",
        "naive p50 ms": float(np.median(naive_ms)),
        "speed-up": float(np.median(naive_ms) / np.median(ours[:n_naive])),
        "exact": _exactness(served["results"][:n_naive], full),
    }
    extra = _workload(index, qtok, [tokenize(q) for q in heavy], heavy_ms)
    extra.update({"generate s": generated, "rank_bm25 build s": naive_build, "naive n": n_naive})
    return row, extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--naive-queries",
        type=int,
        default=None,
        help="queries for naive get_scores (default: all up to 10k, then 5M/size, at least 5)",
    )
    args = parser.parse_args()
    rows, notes = [], []
    for size in [int(s) for s in args.sizes.split(",")]:
        n_naive = args.naive_queries or max(5, min(args.queries, 5_000_000 // size))
        row, extra = run_size(size, args.queries, min(n_naive, args.queries))
        rows.append(row)
        notes.append((size, extra))
        print(f"done {size:,}: {json.dumps(row)} {json.dumps(extra)}", file=sys.stderr)
    print(" | ".join(f"{name:>{len(fmt.format(rows[0][name]))}}" for name, fmt in COLUMNS))
    for row in rows:
        print(" | ".join(fmt.format(row[name]) for name, fmt in COLUMNS))
    for size, extra in notes:
        print(
            f"{size:>9,}: "
            + ", ".join(
                f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in extra.items()
            )
        )


if __name__ == "__main__":
    main()
