"""Natural-language questions over seeds/ and bbc-news: fact recall, off-topic precision, length.

Each question of `benchmarks/eval_questions.json` is put to `ask` (what a mention gets too) and,
when it asks for a figure, to `figures`. A fact is recalled when one of its alternatives (`a|b`)
stands verbatim in a quote of the answer; "first" counts only the answer's first quote, which
is what a reader sees. Off-topic questions must get an empty answer: precision is the share of
answered questions that were on-topic, "off-topic empty" the share of off-topic ones left empty.
Length is the median number of words quoted.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from answers.figures import answer_figures
from answers.models import (
    Answer,
    AskAnswer,
    CitationAnswer,
    FiguresAnswer,
    Quote,
    SummaryAnswer,
)
from answers.passages import answer_ask
from retrieval.corpus import Corpus
from retrieval.store import open_corpus

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
CORPORA = {"seeds": Path(__file__).resolve().parent.parent / "seeds", "bbc-news": DATA / "bbc-news"}
FIGURE_TYPES = frozenset({"count", "size", "duration", "date", "money", "percent"})
QUESTION_KINDS: dict[str, Callable[[Corpus, str], Answer]] = {
    "ask": answer_ask,
    "figures": answer_figures,
}
Row = dict[str, float]


def open_corpora(data: Path, names: set[str]) -> dict[str, Corpus]:
    """Each named corpus indexed into its own folder under `data`."""
    return {n: open_corpus(CORPORA[n], data / n).corpus for n in sorted(names)}


def quotes_of(answer: Answer) -> list[Quote]:
    """The answer's quotes in the order a reader sees them."""
    match answer:
        case AskAnswer():
            return list(answer.passages)
        case FiguresAnswer():
            return [f.sentence for f in answer.figures]
        case SummaryAnswer():
            return list(answer.sentences)
        case CitationAnswer():
            return list(answer.quotes)
    return []


def recalled(fact: str, quotes: Sequence[Quote]) -> bool:
    """One of the fact's alternatives stands verbatim in one of the quotes."""
    return any(alt in q.text for alt in fact.split("|") for q in quotes)


def _kinds(question: dict[str, Any]) -> list[str]:
    return ["ask", "figures"] if question["type"] in FIGURE_TYPES else ["ask"]


def score_questions(
    corpora: dict[str, Corpus], questions: list[dict[str, Any]], off_topic: list[dict[str, Any]]
) -> dict[str, Row]:
    """Per kind: fact recall (any quote, first quote), off-topic precision and empties, length."""
    rows: dict[str, Row] = {}
    for kind, compose in QUESTION_KINDS.items():
        asked = [q for q in questions if kind in _kinds(q)]
        recall, first, words, answered = [], [], [], 0
        for q in asked:
            answer = compose(corpora[q["corpus"]], q["question"])
            quotes = quotes_of(answer)
            answered += answer.found
            recall.append(statistics.mean(recalled(f, quotes) for f in q["facts"]))
            first.append(statistics.mean(recalled(f, quotes[:1]) for f in q["facts"]))
            words.append(sum(len(x.text.split()) for x in quotes))
        wrong = sum(compose(corpora[q["corpus"]], q["question"]).found for q in off_topic)
        rows[kind] = {
            "questions": len(asked),
            "fact recall": statistics.mean(recall),
            "first quote": statistics.mean(first),
            "off-topic precision": answered / (answered + wrong) if answered + wrong else 1.0,
            "off-topic empty": 1 - wrong / len(off_topic),
            "median words": statistics.median(words),
        }
    return rows


def per_corpus(corpora: dict[str, Corpus], spec: dict[str, Any]) -> dict[str, dict[str, Row]]:
    """The question scores for each corpus separately."""
    return {
        name: score_questions(
            corpora,
            [q for q in spec["questions"] if q["corpus"] == name],
            [q for q in spec["off_topic"] if q["corpus"] == name],
        )
        for name in corpora
    }


def print_questions(table: dict[str, dict[str, Row]]) -> None:
    """One row per corpus and kind."""
    header = ["questions", "fact recall", "first quote", "off-topic precision",
              "off-topic empty", "median words"]  # fmt: skip
    print(f"{'corpus':<10}{'kind':<9}" + "".join(f"{h:>{len(h) + 2}}" for h in header))
    for name, rows in table.items():
        for kind, row in rows.items():
            cells = "".join(
                f"{row[h]:>{len(h) + 2}.2f}" if h != "questions" else f"{int(row[h]):>11}"
                for h in header
            )
            print(f"{name:<10}{kind:<9}{cells}")
