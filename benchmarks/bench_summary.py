"""ROUGE of `summary` on bbc-summary, side by side with lead-N, LexRank and TextRank (sumy).

    python -m benchmarks.bench_summary [--data ../shared/data/bbc-summary] [--limit 40]

Each article of `../shared/data/bbc-summary/article/` is its own one-document corpus, and its
headline is the topic. Every system picks as many sentences as the reference summary holds;
lead-N and sumy's summarizers pick among the reference's own sentence units (the article's
lines), briefbot among its own sentences. ROUGE-1/2/L F1 (rouge-score, Porter stemming) against
the reference, averaged over articles; also how many sentences briefbot gave and how often it
quoted the headline. Needs the `bench` extra (rouge-score, sumy).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from rouge_score import rouge_scorer
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from answers import summary as summary_module
from retrieval.store import open_corpus

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "bbc-summary"
METRICS = ("rouge1", "rouge2", "rougeL")
Pick = Callable[[str, list[str], int, Path], list[str]]


class _Words:
    """sumy's tokenizer interface without NLTK's punkt data (sentences are given)."""

    language = "english"

    @staticmethod
    def to_words(text: str) -> list[str]:
        return re.findall(r"\w+", text)


def _sumy(summarizer_type: type[LexRankSummarizer] | type[TextRankSummarizer]) -> Pick:
    def pick(headline: str, sentences: list[str], n: int, path: Path) -> list[str]:
        summarizer = summarizer_type(Stemmer("english"))
        summarizer.stop_words = get_stop_words("english")
        document = ObjectDocumentModel([Paragraph([Sentence(s, _Words()) for s in sentences])])
        return [str(s) for s in summarizer(document, n)]

    return pick


def _lead(headline: str, sentences: list[str], n: int, path: Path) -> list[str]:
    return sentences[:n]


def _briefbot(headline: str, sentences: list[str], n: int, path: Path) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        docs, data = Path(folder, "docs"), Path(folder, "data")
        docs.mkdir()
        shutil.copyfile(path, docs / path.name)  # a symlink out of the corpus is refused
        corpus = open_corpus(docs, data).corpus
        summarize = getattr(summary_module, "summarize", None)
        if summarize is not None:  # the composer itself, at the reference's length
            return [q.text for q in summarize(corpus, headline, n).sentences]
        answer = summary_module.answer_summary(corpus, headline, limit=n)
        return [q.text for q in answer.sentences]


SYSTEMS: dict[str, Pick] = {
    "lead-N": _lead,
    "LexRank (sumy)": _sumy(LexRankSummarizer),
    "TextRank (sumy)": _sumy(TextRankSummarizer),
    "briefbot": _briefbot,
}


def _articles(data: Path, limit: int) -> list[tuple[Path, Path]]:
    articles = sorted((data / "article").glob("*/*.txt"))[:limit]
    return [(a, data / "summary" / a.parent.name / a.name) for a in articles]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args()
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    scores: dict[str, dict[str, list[float]]] = {s: {m: [] for m in METRICS} for s in SYSTEMS}
    counts, headlines = [], 0
    pairs = _articles(args.data, args.limit)
    for article, reference in pairs:
        lines = [x.strip() for x in article.read_text("utf-8").splitlines() if x.strip()]
        headline, sentences = lines[0], lines[1:]
        wanted = [x for x in reference.read_text("utf-8").splitlines() if x.strip()]
        for name, pick in SYSTEMS.items():
            picked = pick(headline, sentences, len(wanted), article)
            result = scorer.score("\n".join(wanted), "\n".join(picked))
            for m in METRICS:
                scores[name][m].append(result[m].fmeasure)
            if name == "briefbot":
                counts.append(len(picked))
                headlines += sum(p.strip() == headline for p in picked)
    print(f"{len(pairs)} articles, reference summaries of {statistics.mean(_lengths(pairs)):.1f} "
          "sentences on average\n")  # fmt: skip
    print(f"{'system':<18}" + "".join(f"{m:>9}" for m in ("ROUGE-1", "ROUGE-2", "ROUGE-L")))
    for name, by_metric in scores.items():
        print(f"{name:<18}" + "".join(f"{statistics.mean(by_metric[m]):>9.3f}" for m in METRICS))
    print(f"\nbriefbot sentences per summary: mean {statistics.mean(counts):.1f}, "
          f"min {min(counts)}; headline quoted {headlines} times")  # fmt: skip


def _lengths(pairs: list[tuple[Path, Path]]) -> list[int]:
    return [len([x for x in r.read_text("utf-8").splitlines() if x.strip()]) for _, r in pairs]


if __name__ == "__main__":
    main()
