"""Retrieval quality on BEIR SciFact: nDCG@10 of our exact BM25Okapi, next to published figures.

    python -m benchmarks.scifact DATA_DIR [--variants]

DATA_DIR holds corpus.jsonl, queries.jsonl and qrels/test.tsv (read only, never copied). Each
document is one passage, title + text, tokenized by retrieval.tokenizer; k1=1.5, b=0.75.
With --variants it also scores tokenizer variants (see tokenizer_variants.py).
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from pathlib import Path

from retrieval.bm25 import BM25Params
from retrieval.build import build_index
from retrieval.tokenizer import tokenize

# Published BM25 figures on the same split (the data folder's README and the papers cited there).
PUBLISHED = (
    ("rank-bm25 BM25Okapi (bm25-benchmarks)", 0.685),
    ("rank-bm25 (bm25s paper)", 0.684),
    ("bm25s (Lucene variant)", 0.687),
    ("Elasticsearch (BEIR)", 0.690),
    ("Anserini BM25 flat (BEIR)", 0.679),
)


def _read_jsonl(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_scifact(
    folder: Path,
) -> tuple[list[str], list[str], dict[str, str], dict[str, dict[str, int]]]:
    """Document ids, their texts (title + text), test queries and graded judgments."""
    docs = _read_jsonl(folder / "corpus.jsonl")
    ids = [d["_id"] for d in docs]
    texts = [f"{d.get('title', '')} {d.get('text', '')}" for d in docs]
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels" / "test.tsv").open(encoding="utf-8") as handle:
        next(handle)  # header: query-id, corpus-id, score
        for line in handle:
            qid, did, score = line.rstrip("\n").split("\t")
            qrels.setdefault(qid, {})[did] = int(score)
    queries = {
        q["_id"]: q["text"] for q in _read_jsonl(folder / "queries.jsonl") if q["_id"] in qrels
    }
    return ids, texts, queries, qrels


def ndcg_at_10(ranked: list[str], judged: dict[str, int]) -> float:
    """nDCG@10 with linear gains, as pytrec_eval (and so BEIR) computes it."""
    dcg = sum(judged.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(judged.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def evaluate(folder: Path, tokenizer: Callable[[str], list[str]] = tokenize) -> float:
    """Mean nDCG@10 over the test queries (a query that finds nothing scores 0)."""
    ids, texts, queries, qrels = load_scifact(folder)
    index = build_index(texts, BM25Params(), tokenizer=tokenizer, workers=1)
    total = 0.0
    for qid, text in queries.items():
        ranked = [ids[hit.passage] for hit in index.search(tokenizer(text), 10)]
        total += ndcg_at_10(ranked, qrels[qid])
    return total / len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--variants", action="store_true", help="also score tokenizer variants")
    args = parser.parse_args()
    ours = [("briefbot (retrieval.tokenizer)", evaluate(args.data_dir))]
    if args.variants:
        from tokenizer_variants import VARIANTS

        ours += [(f"variant: {name}", evaluate(args.data_dir, fn)) for name, fn in VARIANTS]
    width = max(len(name) for name, _ in ours + list(PUBLISHED))
    print(f"{'SciFact test, nDCG@10':<{width}} | score")
    for name, score in ours:
        print(f"{name:<{width}} | {score:.4f}")
    for name, score in PUBLISHED:
        print(f"{'published: ' + name:<{width}} | {score:.3f}")


if __name__ == "__main__":
    main()
