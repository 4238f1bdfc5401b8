"""Score dates, disagreements and changes against benchmarks/eval_timeline.json (issue 16).

    python -m benchmarks.eval_timeline [--set benchmarks/eval_timeline.json]
        [--data DIR]   (index cache; bbc-news is indexed once there, about a minute)

Dates: each listed sentence's stated dates (`answers.dates.stated_dates`, against the document's
own date or the set's assumed `as_of`) are matched to the expected ones by overlapping phrase;
a date counts as right when its resolved value (or "unresolved") equals the expected one.
Precision = right / dates found, recall = right / dates expected, also split by whether the
sentence's document is dated. Disagreements: every notice in `figures` and `summary` on each
topic is a pair of values; a pair is right when it is one of the set's facts with the same
difference (conflict or change), and every other notice is a false alarm. Recall is over the
pairs each topic expects.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from answers.briefing import answer_briefing
from answers.changes import continue_stories, fingerprints
from answers.dates import stated_dates
from answers.figures import answer_figures
from answers.models import Precision, StatedDate
from answers.overlap import weigher
from answers.summary import answer_summary
from retrieval.bm25 import BM25Params
from retrieval.corpus import Corpus
from retrieval.documents import Document
from retrieval.store import open_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPORA = {"seeds": ROOT / "seeds", "bbc-news": ROOT.parent / "shared" / "data" / "bbc-news"}


def canonical(d: StatedDate) -> str | None:
    """The set's notation: 2025-05-28, 2025-05, 2025-Q3, 2025-H1, 2025-W05, 2025; None."""
    if d.first is None:
        return None
    first = d.first
    match d.precision:
        case Precision.DAY:
            return first.isoformat()
        case Precision.WEEK:
            year, week, _ = first.isocalendar()
            return f"{year}-W{week:02d}"
        case Precision.MONTH:
            return f"{first:%Y-%m}"
        case Precision.QUARTER:
            return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
        case Precision.HALF:
            return f"{first.year}-H{(first.month - 1) // 6 + 1}"
        case Precision.YEAR:
            return str(first.year)


def _document(corpora: dict[str, Corpus], file: str) -> Document:
    name, _, path = file.partition("/")
    corpus = corpora[name]
    for n in range(corpus.document_count):
        doc = corpus.document(n)
        if doc.path == path:
            return doc
    raise SystemExit(f"eval_timeline: no document {file}")


def _score_sentence(item: dict[str, Any], doc: Document) -> tuple[int, int, int, list[str]]:
    """(right, found, expected, notes) for one sentence of the set."""
    sentence = next((s for s in doc.sentences if item["sentence"] in s.text), None)
    if sentence is None:
        raise SystemExit(f"eval_timeline: no sentence {item['sentence']!r} in {item['file']}")
    published = dt.date.fromisoformat(item["as_of"]) if "as_of" in item else doc.metadata.published
    found = stated_dates(sentence.text, published)
    right, notes, cursor = 0, [], 0
    for want in item["expected"]:
        start = sentence.text.find(want["phrase"], cursor)
        if start < 0:
            raise SystemExit(f"eval_timeline: no {want['phrase']!r} in {sentence.text!r}")
        end, cursor = start + len(want["phrase"]), start + 1
        hit = next((d for d in found if d.start < end and start < d.end), None)
        got = canonical(hit) if hit else "missed"
        if hit is not None and got == want["date"]:
            right += 1
        else:
            notes.append(f"{want['phrase']!r}: expected {want['date']}, got {got}")
    extra = len(found) - len(item["expected"])
    if extra > 0:
        notes.append(f"{extra} date(s) not expected: {[d.phrase for d in found]}")
    return right, len(found), len(item["expected"]), notes


def score_dates(items: list[dict[str, Any]], corpora: dict[str, Corpus]) -> None:
    totals: Counter[str] = Counter()
    for item in items:
        doc = _document(corpora, item["file"])
        group = "as_of" if "as_of" in item else ("dated" if doc.metadata.published else "undated")
        right, found, expected, notes = _score_sentence(item, doc)
        for key in (group, "all"):
            totals[f"{key} right"] += right
            totals[f"{key} found"] += found
            totals[f"{key} expected"] += expected
        for note in notes:
            print(f"  date miss [{item['file']}]: {note}")
    print(f"\n{'dates':<48} precision   recall   right/found/expected")
    for key in ("dated", "undated", "as_of", "all"):
        r, f, e = (totals[f"{key} {k}"] for k in ("right", "found", "expected"))
        print(f"  {key:<45} {r / f if f else 1:9.3f} {r / e if e else 1:8.3f}   {r}/{f}/{e}")


def score_disagreements(spec: dict[str, Any], corpora: dict[str, Corpus]) -> None:
    facts = {(f["corpus"], frozenset(f["sides"])): f["difference"] for f in spec["facts"]}
    right = found = expected = hit = 0
    for topic in spec["topics"]:
        corpus = corpora[topic["corpus"]]
        notices: dict[frozenset[str], str] = {}
        for answer in (
            answer_figures(corpus, topic["topic"]),
            answer_summary(corpus, topic["topic"]),
        ):
            for d in answer.disagreements:
                notices[frozenset(f.value for f in d.sides)] = d.difference.value
        for sides, difference in notices.items():
            found += 1
            if facts.get((topic["corpus"], sides)) == difference:
                right += 1
            else:
                print(f"  false alarm [{topic['topic']}]: {difference} {sorted(sides)}")
        for want in topic["expected"]:
            expected += 1
            if frozenset(want) in notices:
                hit += 1
            else:
                print(f"  missed [{topic['topic']}]: {want}")
    title = "disagreements and changes (figures + summary)"
    print(f"\n{title:<48} precision   recall   right/found, hit/exp")
    p, r = right / found if found else 1.0, hit / expected if expected else 1.0
    print(f"  {len(spec['topics'])} topics, {len(facts)} facts {'':<25} {p:9.3f} {r:8.3f}   "
          f"{right}/{found}, {hit}/{expected}")  # fmt: skip


def _two_briefings(case: dict[str, Any], corpus: Corpus) -> set[str]:
    """The documents of the second briefing's stories that continue one of the first's."""
    docs = {corpus.document(n).path: corpus.document(n) for n in range(corpus.document_count)}
    first, second = (
        dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC),
        dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC),
    )
    seen = [(docs[p], first) for p in case["before"]] + [(docs[p], second) for p in case["after"]]
    stamped = [replace(d, first_seen=(t - dt.timedelta(hours=1)).timestamp()) for d, t in seen]
    both = Corpus.from_documents(stamped, BM25Params())
    before = answer_briefing(both, since=first - dt.timedelta(hours=2), now=first)
    fresh = answer_briefing(both, since=first, now=second)
    after = continue_stories(fresh, fingerprints(before), weigher(both))
    ids = {s.number: s.id for s in after.sources}
    paths = {d.id: d.path for d, _ in seen}
    return {paths[ids[m]] for story in after.stories if story.continues for m in story.markers}


def score_continuing(cases: list[dict[str, Any]], corpora: dict[str, Corpus]) -> None:
    right = found = expected = 0
    for case in cases:
        got, want = _two_briefings(case, corpora[case["corpus"]]), set(case["continues"])
        right, found, expected = right + len(got & want), found + len(got), expected + len(want)
        for path in got ^ want:
            print(f"  continuing {'missed' if path in want else 'false alarm'}: {path}")
    title = f"continuing stories ({len(cases)} pairs of briefings)"
    p, r = right / found if found else 1.0, right / expected if expected else 1.0
    print(f"\n{title:<48} precision   recall   right/found/expected")
    print(
        f"  {'documents marked as continuing':<46} {p:9.3f} {r:8.3f}   {right}/{found}/{expected}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--set", type=Path, default=ROOT / "benchmarks" / "eval_timeline.json")
    parser.add_argument("--data", type=Path, help="index cache folder (default: a temporary one)")
    args = parser.parse_args()
    spec = json.loads(args.set.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as scratch:
        data = args.data or Path(scratch)
        corpora = {name: open_corpus(path, data / name).corpus for name, path in CORPORA.items()}
        score_dates(spec["dates"], corpora)
        score_disagreements(spec, corpora)
        score_continuing(spec["continuing"], corpora)


if __name__ == "__main__":
    main()
