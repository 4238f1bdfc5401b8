"""Soak: answer many queries of every kind over a corpus and show that memory stays flat.

    python -m benchmarks.soak [--corpus seeds] [--rounds 20] [--per-round 500] [--max-seconds 300]

Prints one row per round: queries so far, resident memory (MB) and Python-heap memory traced by
tracemalloc (MB); the last line is the growth between the second round and the last. The first
round warms caches (tokenizer, documents), so growth is measured after it.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from answers.compose import (
    AskRequest,
    BriefingRequest,
    CitationRequest,
    FiguresRequest,
    Request,
    SourcesRequest,
    SummaryRequest,
    compose,
)
from answers.models import Answer
from retrieval.store import open_corpus

HOSTILE = [
    "",
    "   ",
    "the of and",
    "@everyone <@&1>",
    "🙂" * 50,
    "x" * 6000,
    "\u200b\u202e",
    "سلام",
]


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _queries(vocab: list[str], rng: random.Random) -> str:
    if rng.random() < 0.1:
        return rng.choice(HOSTILE)
    junk = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 12)))
    words = rng.sample(vocab, k=rng.randint(1, 4)) + ([junk] if rng.random() < 0.3 else [])
    return " ".join(words)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("seeds"))
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--per-round", type=int, default=500)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        opened = open_corpus(args.corpus, Path(data))
        vocab = sorted(
            {
                w
                for d in range(opened.corpus.document_count)
                for s in opened.corpus.document(d).sentences
                for w in s.text.split()
            }
        )
        rng = random.Random(7)
        kinds: list[Callable[[str], Request[Answer]]] = [SummaryRequest, FiguresRequest]
        kinds += [SourcesRequest, CitationRequest, AskRequest, BriefingRequest]
        tracemalloc.start()
        started, rows = time.perf_counter(), []
        print(f"{'round':>5} {'queries':>8} {'rss MB':>8} {'heap MB':>8} {'q/s':>8}")
        for number in range(1, args.rounds + 1):
            t0 = time.perf_counter()
            for _ in range(args.per_round):
                compose(opened, rng.choice(kinds)(_queries(vocab, rng)))
            rate = args.per_round / (time.perf_counter() - t0)
            heap = tracemalloc.get_traced_memory()[0] / 2**20
            rows.append((_rss_mb(), heap))
            print(
                f"{number:>5} {number * args.per_round:>8} {rows[-1][0]:>8.1f} {heap:>8.2f} "
                f"{rate:>8.0f}"
            )
            if time.perf_counter() - started > args.max_seconds:
                print(f"stopped after {args.max_seconds:.0f}s")
                break
        if len(rows) >= 2:
            base = rows[1] if len(rows) > 2 else rows[0]
            print(
                f"growth after warm-up: rss {rows[-1][0] - base[0]:+.1f} MB, "
                f"heap {rows[-1][1] - base[1]:+.2f} MB"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
