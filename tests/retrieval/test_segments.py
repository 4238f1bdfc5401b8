"""Segments: after random adds, changes and removals, search equals rank_bm25 on the live union."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

from retrieval import commits
from retrieval.composite import SegmentedCorpus
from retrieval.corpus import Corpus
from retrieval.segments import _average_idf
from retrieval.store import open_corpus
from retrieval.tokenizer import tokenize
from tests.retrieval.test_index import GuardedBM25Okapi, _top

WORDS = [f"w{i}" for i in range(40)]


def _text(rng: random.Random) -> str:
    """One to four paragraphs of Zipf-ish words: common terms get guarded idfs."""
    paragraphs = []
    for _ in range(rng.randint(1, 4)):
        words = [rng.choice(WORDS[: rng.randint(3, 40)]) for _ in range(rng.randint(4, 30))]
        paragraphs.append(" ".join(words) + ".")
    return "\n\n".join(paragraphs) + "\n"


def _mutate(root: Path, rng: random.Random, step: int) -> None:
    files = sorted(root.iterdir())
    change = rng.choice(["add", "change", "remove"]) if len(files) > 1 else "add"
    if change == "add":
        (root / f"g{step}.txt").write_text(_text(rng))
    elif change == "change":
        rng.choice(files).write_text(_text(rng))
    else:
        rng.choice(files).unlink()


def _live_passages(corpus: Corpus) -> list[list[str]]:
    """The live passages in union order, tokenized as the index tokenizes them."""
    return [tokenize(corpus.passage(i).text) for i in range(corpus.passage_count)]


def _assert_exact(corpus: Corpus, rng: random.Random) -> None:
    """Top 10 and every score equal guarded rank_bm25 over the live passages, bit for bit."""
    reference = GuardedBM25Okapi(_live_passages(corpus))
    for _ in range(15):
        query = [rng.choice([*WORDS, "absent"]) for _ in range(rng.randint(1, 4))]
        want = reference.get_scores(query)
        got = corpus.score(query, 10)
        assert [s.passage for s in got] == _top(want, 10)
        assert [s.score for s in got] == [want[s.passage] for s in got]


@pytest.mark.parametrize("seed", range(12))
def test_random_updates_score_as_rank_bm25_on_the_live_union(seed: int, tmp_path: Path) -> None:
    """After each add, change or removal the commit scores exactly as rank_bm25 would."""
    rng = random.Random(seed)
    root = tmp_path / "corpus"
    root.mkdir()
    for i in range(rng.randint(1, 6)):
        (root / f"f{i}.txt").write_text(_text(rng))
    open_corpus(root, tmp_path / "data")
    for step in range(14):
        _mutate(root, rng, step)
        opened = open_corpus(root, tmp_path / "data")
        corpus = opened.corpus
        assert isinstance(corpus, SegmentedCorpus) or not opened.built
        if isinstance(corpus, SegmentedCorpus):
            reference = GuardedBM25Okapi(_live_passages(corpus))
            assert (
                corpus.union_index.average_idf == reference.average_idf
            )  # the summation-order trap
        _assert_exact(corpus, rng)
        full = open_corpus(root, tmp_path / f"full{step}", compiled=False).corpus
        assert corpus.document_count == full.document_count
        assert sorted(map(str, corpus.ids)) == sorted(map(str, full.ids))
        assert sorted(corpus.passage(i).text for i in range(corpus.passage_count)) == sorted(
            full.passage(i).text for i in range(full.passage_count)
        )


def test_a_deleted_first_occurrence_moves_the_term_by_token_position(tmp_path: Path) -> None:
    """Removing the passage where terms first occurred reorders them by their next passage's
    token order, which changes the average idf's last bits as rank_bm25 computes it."""
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text("zeta alpha beta gamma delta epsilon.\n")
    (root / "b.txt").write_text("epsilon delta gamma beta alpha zeta kappa lambda.\n")
    (root / "c.txt").write_text("alpha beta alpha beta alpha beta alpha beta.\n")
    open_corpus(root, tmp_path / "data")
    (root / "a.txt").unlink()
    corpus = open_corpus(root, tmp_path / "data").corpus
    assert isinstance(corpus, SegmentedCorpus)
    assert corpus.union_index.average_idf == GuardedBM25Okapi(_live_passages(corpus)).average_idf
    _assert_exact(corpus, random.Random(0))


def test_average_idf_adds_left_to_right_as_rank_bm25() -> None:
    """The average idf equals a left-to-right Python loop, not numpy's pairwise sum."""
    rng = np.random.default_rng(0)
    freqs = rng.integers(1, 5000, size=20_000)
    total = 0.0
    for f in freqs.tolist():
        total += math.log(10_000 - f + 0.5) - math.log(f + 0.5)
    assert _average_idf(freqs, 10_000) == total / len(freqs)


def test_small_segments_merge_past_the_limit(tmp_path: Path) -> None:
    """Past MAX_SEGMENTS, the next update merges every segment after the first into one."""
    rng = random.Random(7)
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text(_text(rng))
    open_corpus(root, tmp_path / "data")
    counts = []
    for step in range(commits.MAX_SEGMENTS + 3):
        (root / f"n{step:02d}.txt").write_text(_text(rng))
        corpus = open_corpus(root, tmp_path / "data").corpus
        assert isinstance(corpus, SegmentedCorpus)
        counts.append(len(corpus.segments))
        _assert_exact(corpus, rng)
    assert max(counts) == commits.MAX_SEGMENTS and counts[-1] < commits.MAX_SEGMENTS
    folders = [p for p in (tmp_path / "data" / "index").iterdir() if p.is_dir()]
    assert len(folders) == counts[-1] + 1  # the commit and its segments: merged ones are gone


def test_a_rebuild_writes_a_single_segment(tmp_path: Path) -> None:
    """`rebuild=True` (briefbot index --rebuild) replaces the segments by one plain corpus."""
    rng = random.Random(3)
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text(_text(rng))
    open_corpus(root, tmp_path / "data")
    (root / "b.txt").write_text(_text(rng))
    assert isinstance(open_corpus(root, tmp_path / "data").corpus, SegmentedCorpus)
    rebuilt = open_corpus(root, tmp_path / "data", rebuild=True)
    assert type(rebuilt.corpus) is Corpus
    assert [p.name for p in (tmp_path / "data" / "index").iterdir() if p.is_dir()] == [rebuilt.key]


@pytest.mark.parametrize("damaged", ["doc_freqs.npy", "order-1.npy", "extras.json", "terms-1.npy"])
def test_a_damaged_commit_is_rebuilt(tmp_path: Path, damaged: str) -> None:
    """A commit folder missing or garbling one of its files is rebuilt, not misread."""
    rng = random.Random(5)
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text(_text(rng))
    open_corpus(root, tmp_path / "data")
    (root / "b.txt").write_text(_text(rng))
    updated = open_corpus(root, tmp_path / "data")
    (updated.folder / damaged).write_bytes(b"\x93NUMPY garbage")
    again = open_corpus(root, tmp_path / "data")
    assert again.built and again.key == updated.key
    assert again.corpus.document_count == 2
    _assert_exact(again.corpus, rng)
