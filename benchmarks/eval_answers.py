"""Score the answer layer against a careful reader's expectations over seeds/, in one table.

    python -m benchmarks.eval_answers [--set benchmarks/eval_set.json] [--corpus seeds]
        [--questions benchmarks/eval_questions.json] [--no-bbc] [--no-synonyms]

Per kind: precision and recall of the expected documents (macro-averaged over topics;
`acceptable` documents count neither way), figure recall and noise (unwanted figures listed),
"nothing found" correctness on off-topic queries (easy ones, and hard ones that share words
with the corpus), cite's support grading, and the median time per answer. Then the
natural-language questions of `eval_questions.json` (see `eval_questions.py`), over seeds/
and ../shared/data/bbc-news.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import answers.query
from answers.briefing import answer_briefing
from answers.citations import answer_cite
from answers.figures import LIMIT, answer_figures
from answers.models import Answer, Figure, FiguresAnswer, Support
from answers.passages import answer_ask
from answers.sources import answer_sources
from answers.summary import answer_summary
from benchmarks.eval_questions import open_corpora, per_corpus, print_questions
from retrieval.corpus import Corpus
from retrieval.store import open_corpus

ROOT = Path(__file__).resolve().parent.parent
KINDS: dict[str, Callable[[Corpus, str], Answer]] = {
    "sources": answer_sources,
    "summary": answer_summary,
    "figures": answer_figures,
    "ask": answer_ask,
    "briefing": lambda c, t: answer_briefing(c, t),
}
Row = dict[str, Any]
A = TypeVar("A", bound=Answer)


def _timed(compose: Callable[[Corpus, str], A], corpus: Corpus, text: str) -> tuple[A, float]:
    started = time.perf_counter()
    answer = compose(corpus, text)
    return answer, (time.perf_counter() - started) * 1000


def cited(answer: Answer) -> set[str]:
    """The documents an answer cites, by their 3-character prefix."""
    return {s.id[:3] for s in answer.sources}


def matches(figure: Figure, want: dict[str, Any]) -> bool:
    """A listed figure is the expected one: same number (or ISO date) and unit substring."""
    if "iso" in want:
        return bool(figure.iso == want["iso"])
    if abs(figure.number - float(want["number"])) > 1e-9:
        return False
    units = want.get("unit")
    return units is None or any(u in (figure.unit or "").lower() for u in units.split("|"))


def _precision_recall(
    got: set[str], expected: set[str], acceptable: set[str]
) -> tuple[float, float]:
    judged = got - (acceptable - expected)
    precision = len(judged & expected) / len(judged) if judged else (1.0 if not expected else 0.0)
    recall = len(got & expected) / len(expected) if expected else 1.0
    return precision, recall


def score_topics(
    corpus: Corpus, topics: list[dict[str, Any]], times: dict[str, list[float]]
) -> tuple[dict[str, Row], Row]:
    """Document precision/recall and on-topic "found" per kind; figure recall and noise."""
    per_kind: dict[str, dict[str, list[float]]] = {k: {"p": [], "r": [], "f": []} for k in KINDS}
    recall: list[float] = []
    unwanted, listed = 0, []
    for t in topics:
        expected, acceptable = set(t["documents"]), set(t.get("acceptable", []))
        for kind, compose in KINDS.items():
            answer, ms = _timed(compose, corpus, t["topic"])
            times[kind].append(ms)
            p, r = _precision_recall(cited(answer), expected, acceptable)
            per_kind[kind]["p"].append(p)
            per_kind[kind]["r"].append(r)
            per_kind[kind]["f"].append(float(answer.found))
            if not isinstance(answer, FiguresAnswer):
                continue
            listed.append(len(answer.figures))
            unwanted += sum(any(matches(f, w) for f in answer.figures) for w in t["unwanted"])
            if t["figures"]:
                hits = sum(any(matches(f, w) for f in answer.figures) for w in t["figures"])
                recall.append(hits / len(t["figures"]))
    rows = {
        kind: {
            "doc P": statistics.mean(v["p"]),
            "doc R": statistics.mean(v["r"]),
            "found": statistics.mean(v["f"]),
        }
        for kind, v in per_kind.items()
    }
    figures = {
        "figure recall": statistics.mean(recall),
        "unwanted figures listed": unwanted,
        "figures per answer": statistics.mean(listed),
    }
    return rows, figures


def score_off_topic(corpus: Corpus, queries: list[str]) -> dict[str, float]:
    """Per kind (and cite), the share of off-topic queries answered with "nothing found"."""
    kinds = {**KINDS, "cite": answer_cite}
    return {
        kind: sum(not compose(corpus, q).found for q in queries) / len(queries)
        for kind, compose in kinds.items()
    }


def score_claims(
    corpus: Corpus, claims: list[dict[str, Any]], times: dict[str, list[float]]
) -> Row:
    """Cite: supported claims graded strong from the right document; unsupported never strong."""
    strong_ok, right, never_strong = [], [], []
    for c in claims:
        answer, ms = _timed(answer_cite, corpus, c["claim"])
        times["cite"].append(ms)
        strong = [q for q in answer.quotes if q.support is Support.STRONG]
        if c["support"] == "strong":
            strong_ok.append(bool(strong))
            right.append(bool(strong) and strong[0].source_id.startswith(c["document"]))
        else:
            never_strong.append(not strong)
    return {
        "supported claims graded strong": statistics.mean(strong_ok),
        "... from the expected document": statistics.mean(right),
        "unsupported claims never strong": statistics.mean(never_strong),
    }


def _cell(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def print_tables(
    rows: dict[str, Row],
    easy: dict[str, float],
    hard: dict[str, float],
    times: dict[str, list[float]],
) -> None:
    """One row per kind, then the figure and citation scores."""
    header = ["doc P", "doc R", "found", "off-topic empty", "hard off-topic empty", "median ms"]
    widths = [max(len(h), 7) + 2 for h in header]
    print(f"{'kind':<10}" + "".join(f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
    for kind in [*KINDS, "cite"]:
        row = rows.get(kind, {})
        cells = [row.get("doc P", "-"), row.get("doc R", "-"), row.get("found", "-")]
        cells += [easy[kind], hard[kind], statistics.median(times[kind])]
        line = "".join(f"{_cell(c):>{w}}" for c, w in zip(cells, widths, strict=True))
        print(f"{kind:<10}{line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--set", type=Path, default=ROOT / "benchmarks" / "eval_set.json")
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds")
    parser.add_argument(
        "--questions", type=Path, default=ROOT / "benchmarks" / "eval_questions.json"
    )
    parser.add_argument("--no-bbc", action="store_true", help="skip the bbc-news questions")
    parser.add_argument(
        "--no-synonyms", action="store_true", help="measure without the WordNet related words"
    )
    args = parser.parse_args()
    if args.no_synonyms:
        # A benchmark switch, not an API: the answer layer looks its relatives up by this name.
        answers.query.related = _no_relatives  # type: ignore[attr-defined,assignment]
    spec = json.loads(args.set.read_text("utf-8"))
    with tempfile.TemporaryDirectory() as data:
        corpus = open_corpus(args.corpus, Path(data)).corpus
        for kind in KINDS:  # warm caches so timings are steady-state
            KINDS[kind](corpus, "warm up")
        times: dict[str, list[float]] = {k: [] for k in [*KINDS, "cite"]}
        rows, figures = score_topics(corpus, spec["topics"], times)
        easy = score_off_topic(corpus, spec["off_topic"])
        hard = score_off_topic(corpus, spec["hard_off_topic"])
        claims = score_claims(corpus, spec["claims"], times)
    print(
        f"{len(spec['topics'])} topics, {len(spec['off_topic'])} off-topic and "
        f"{len(spec['hard_off_topic'])} hard off-topic queries, {len(spec['claims'])} claims "
        f"(at most {LIMIT} figures per answer)\n"
    )
    print_tables(rows, easy, hard, times)
    print()
    for name, value in [*figures.items(), *claims.items()]:
        print(f"{name:<34}{_cell(value):>6}")
    questions = json.loads(args.questions.read_text("utf-8"))
    names = {q["corpus"] for q in questions["questions"]} - ({"bbc-news"} if args.no_bbc else set())
    with tempfile.TemporaryDirectory() as data:
        table = per_corpus(open_corpora(Path(data), names), questions)
    print()
    print_questions(table)


def _no_relatives(term: str) -> frozenset[str]:
    return frozenset()


if __name__ == "__main__":
    main()
