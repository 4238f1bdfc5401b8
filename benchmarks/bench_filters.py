"""Filtered search: `search_within` against the unfiltered search, on a synthetic corpus.

Passages are grouped into documents of 20; a filter keeps a share of the documents at random.
Prints p50/p95 in ms of top-200 (the answers' search depth) for each share, and checks that the
filtered top 200 equals the unfiltered full ranking restricted to the kept documents.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from benchmarks import synthetic
from retrieval.bm25 import BM25Params
from retrieval.index import BM25Index
from retrieval.tokenizer import tokenize

DEPTH = 200


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    return f"{statistics.median(ordered) * 1e3:.2f} / {ordered[int(len(ordered) * 0.95)] * 1e3:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    texts = synthetic.passages(args.passages)
    index = BM25Index.build([tokenize(t) for t in texts], BM25Params())
    queries = [tokenize(q) for q in synthetic.queries(texts, args.queries)]
    groups = (np.arange(index.passage_count) // 20).astype(np.int32)
    rng = np.random.default_rng(3)
    documents = int(groups[-1]) + 1
    for q in queries:  # compile and warm the kernel
        index.search(q, DEPTH)
    plain = []
    for q in queries:
        started = time.perf_counter()
        index.search(q, DEPTH)
        plain.append(time.perf_counter() - started)
    print(f"{args.passages:,} passages, {args.queries} queries, top {DEPTH}, p50 / p95 ms")
    print(f"unfiltered search          {_ms(plain)}")
    for share in (0.01, 0.1, 0.5, 0.9):
        allowed = rng.random(documents) < share
        times, exact = [], 0
        for q in queries:
            started = time.perf_counter()
            within = index.search_within(q, DEPTH, groups, allowed)
            times.append(time.perf_counter() - started)
            full = [s for s in index.search(q, index.passage_count) if allowed[groups[s.passage]]]
            exact += within == full[:DEPTH]
        print(f"within {share:>4.0%} of documents   {_ms(times)}   exact {exact}/{len(queries)}")


if __name__ == "__main__":
    main()
