"""Every kind of answer composed over a large synthetic corpus: p50, p95 and max per kind.

    python -m benchmarks.bench_answers [--passages 220000] [--queries 40] [--work DIR]

One generated folder (benchmarks/make_corpus.py), built once, then in this one warm process
(as the bot composes) each kind of answer over the same natural queries: 2-6 content words
drawn from the corpus's own passages (benchmarks/synthetic.py `queries`), so every query
matches something, frequent words included. A briefing with no topic does not depend on the
query: it is composed once per query all the same, over the last day (every document of a
freshly built folder is new in it, the costly case). "filtered" is a sources answer kept to
documents dated since yesterday (every one passes: the mask and the search within it are
measured, not a shortcut). The first briefing after opening is timed on its own (it reads
what the later ones reuse), then every kind once to warm up. Prints the machine's load
before and after: timings from a loaded machine are not comparable with a quiet one's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from answers.compose import (
    AskRequest,
    BriefingRequest,
    CitationRequest,
    FiguresRequest,
    Request,
    SourcesRequest,
    SummaryRequest,
    TimelineRequest,
    compose,
)
from answers.filters import Filters
from answers.models import Answer
from benchmarks.synthetic import queries
from retrieval.store import OpenedCorpus, open_corpus

ROOT = Path(__file__).resolve().parent.parent
_YESTERDAY = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
KINDS: dict[str, Callable[[str], Request[Answer]]] = {
    "summary": SummaryRequest,
    "figures": FiguresRequest,
    "sources": SourcesRequest,
    "cite": CitationRequest,
    "ask": AskRequest,
    "timeline": TimelineRequest,
    "briefing topic": lambda q: BriefingRequest(topic=q),
    "briefing": lambda q: BriefingRequest(),
    "filtered": lambda q: SourcesRequest(q, filters=Filters(since=_YESTERDAY)),
}


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _texts(opened: OpenedCorpus, count: int = 2000, seed: int = 3) -> list[str]:
    """Passages spread over the corpus, for `queries` to draw words from."""
    corpus = opened.corpus
    picks = np.random.default_rng(seed).integers(corpus.passage_count, size=count)
    return [corpus.passage(int(n)).text for n in picks]


def time_kind(
    opened: OpenedCorpus, make: Callable[[str], Request[Answer]], texts: list[str]
) -> list[float]:
    """Milliseconds to compose each query's answer of one kind."""
    out = []
    for text in texts:
        started = time.perf_counter()
        compose(opened, make(text))
        out.append((time.perf_counter() - started) * 1000)
    return out


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--passages", type=int, default=220_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated subset")
    parser.add_argument("--work", type=Path, help="working folder, kept (default: temporary)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-answers-"))
    folder = work / f"corpus-{args.passages}"
    if not folder.exists():
        maker = [sys.executable, "-m", "benchmarks.make_corpus", str(folder)]
        subprocess.run([*maker, "--passages", str(args.passages)], check=True, cwd=ROOT)
    started = time.perf_counter()
    opened = open_corpus(folder, work / f"data-{args.passages}")
    opened_in = time.perf_counter() - started
    texts = queries(_texts(opened), args.queries)
    kinds = {name: KINDS[name] for name in args.kinds.split(",")}
    # The first briefing after opening reads every record and every recent document; the
    # ones after it reuse what it read (as the bot's scheduled and on-demand briefings do).
    (first,) = time_kind(opened, KINDS["briefing"], texts[:1])
    for make in kinds.values():  # warm: compiled kernels, lexicon, per-corpus columns
        compose(opened, make(texts[0]))
    corpus = opened.corpus
    print(
        f"{corpus.passage_count:,} passages, {corpus.document_count:,} documents "
        f"(opened in {opened_in:.1f} s); {len(texts)} queries; load average before: {_load()}",
        flush=True,
    )
    print(f"the first briefing after opening: {first:.0f} ms", flush=True)
    print(f"{'answer':<16}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}", flush=True)
    for name, make in kinds.items():
        ms = time_kind(opened, make, texts)
        p50, p95 = statistics.median(ms), _percentile(ms, 95)
        print(f"{name:<16}{p50:>8.1f}{p95:>8.1f}{max(ms):>8.1f}", flush=True)
    print(f"load average after: {_load()}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
