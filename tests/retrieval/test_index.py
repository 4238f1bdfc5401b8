"""The BM25 index: rank_bm25's exact scores and rankings, the idf traps, persistence, building."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numba
import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval import build, kernels
from retrieval import index as index_module
from retrieval.bm25 import BM25Params
from retrieval.cancel import BuildCancelled
from retrieval.index import BM25Index, Scored
from retrieval.tokenizer import tokenize

PARAMS = BM25Params()


class GuardedBM25Okapi(BM25Okapi):  # type: ignore[misc]
    """rank_bm25 itself, with an idf <= 0 raised to epsilon * average_idf (or epsilon if <= 0)."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        super()._calc_idf(nd)
        floor = self.epsilon * self.average_idf
        for word, value in self.idf.items():
            if value <= 0:
                self.idf[word] = floor if floor > 0 else self.epsilon


def _top(scores: np.ndarray, k: int) -> list[int]:
    """rank_bm25's k best with a score > 0, ties broken by lower passage id."""
    order = np.lexsort((np.arange(len(scores)), -scores))[:k]
    return [int(i) for i in order if scores[i] > 0]


def _random_corpus(seed: int, n_docs: int, vocab: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    return [
        [f"w{int(x) % vocab}" for x in rng.zipf(1.3, size=int(rng.integers(0, 60)))]
        for _ in range(n_docs)
    ]


def _random_queries(seed: int, vocab: int, count: int) -> list[list[str]]:
    rng = np.random.default_rng(seed + 1000)
    return [
        [f"w{int(x) % (vocab + 5)}" for x in rng.zipf(1.2, size=int(rng.integers(1, 7)))]
        for _ in range(count)
    ]


def _assert_same_as(reference: BM25Okapi, index: BM25Index, query: list[str], k: int) -> None:
    """Same top-k (score desc, id asc) and bit-identical scores."""
    want = reference.get_scores(query)
    got = index.search(query, k)
    assert [s.passage for s in got] == _top(want, k)
    assert max((abs(s.score - want[s.passage]) for s in got), default=0.0) == 0.0


@pytest.mark.parametrize("seed", range(10))
def test_search_equals_guarded_rank_bm25_on_random_corpora(seed: int) -> None:
    """Top-10 and every score equal guarded get_scores, including frequent (guarded) terms."""
    corpus = _random_corpus(seed, n_docs=30 + 60 * seed, vocab=200)
    index = BM25Index.build(corpus, PARAMS)
    reference = GuardedBM25Okapi(corpus)
    for query in _random_queries(seed, 200, 40):
        _assert_same_as(reference, index, query, 10)


@pytest.mark.parametrize("seed", range(5))
def test_search_equals_plain_rank_bm25_where_no_guard_applies(seed: int) -> None:
    """Where every idf is positive, our scores are rank_bm25's own, not just the oracle's."""
    corpus = _random_corpus(seed, n_docs=400, vocab=5000)
    reference = BM25Okapi(corpus)
    index = BM25Index.build(corpus, PARAMS)
    queries = [
        q for q in _random_queries(seed, 5000, 60) if all(reference.idf.get(t, 1) > 0 for t in q)
    ]
    assert len(queries) > 20
    for query in queries:
        _assert_same_as(reference, index, query, 10)


@pytest.mark.parametrize("block", [1, 7, 64])
def test_scoring_block_by_block_changes_nothing(block: int, monkeypatch: Any) -> None:
    """Passages are scored in blocks of BLOCK; results and ties are the same across borders."""
    monkeypatch.setattr(index_module, "BLOCK", block)
    corpus = _random_corpus(11, n_docs=500, vocab=80) + [["w1", "w2"]] * 20
    index = BM25Index.build(corpus, PARAMS)
    reference = GuardedBM25Okapi(corpus)
    for query in [*_random_queries(11, 80, 40), ["w1", "w2"]]:
        _assert_same_as(reference, index, query, 10)
        _assert_same_as(reference, index, query, 600)


def test_exact_scores_by_hand() -> None:
    """Three passages, hand-computed scores: idf(n=1 of 3) = ln(2.5/1.5), avgdl = 3."""
    index = BM25Index.build(
        [["kursk", "troop", "troop"], ["seoul"], ["kursk", "a", "b", "c", "d"]], PARAMS
    )
    idf_troop = np.log(2.5) - np.log(1.5)
    # troop: tf 2 in a passage of length 3 = avgdl, so the norm is k1 = 1.5.
    want = idf_troop * (2 * 2.5 / (2 + 1.5))
    [hit] = index.search(["troop"], 10)
    assert hit.passage == 0
    assert hit.score == want
    assert index.exact_scores(["troop"], np.array([0, 1, 2])).tolist()[1:] == [0.0, 0.0]


# Five passages, lengths 2, 3, 4, 1, 1 (avgdl 2.2). idf: cat, dog, fish (in 2 of 5) ln(3.5/2.5);
# bird, mouse (1 of 5) ln(4.5/1.5). Each score is the sum over query terms, in query order, of
# idf * tf * 2.5 / (tf + 1.5 * (0.25 + 0.75 * dl / 2.2)), worked out once and written down.
TINY = [
    ["cat", "dog"],
    ["cat", "cat", "fish"],
    ["dog", "bird", "bird", "bird"],
    ["fish"],
    ["mouse"],
]
TINY_EXPECTED = {
    ("cat", "bird"): [(2, 1.5200924748866929), (1, 0.4303714654457375), (0, 0.3508241329699851)],
    ("dog",): [(0, 0.3508241329699851), (2, 0.24592655168327857)],
    ("fish", "cat"): [(1, 0.7195272937920925), (3, 0.44592706058233045), (0, 0.3508241329699851)],
}


@pytest.mark.parametrize("query", list(TINY_EXPECTED))
def test_scores_written_down_for_a_tiny_corpus(query: tuple[str, ...]) -> None:
    """Exact scores and order, fixed in advance, for a corpus small enough to check by hand."""
    hits = BM25Index.build(TINY, PARAMS).search(list(query), 10)
    assert [(h.passage, h.score) for h in hits] == TINY_EXPECTED[query]


def test_duplicate_query_terms_count_twice() -> None:
    """["troop", "troop"] scores twice "troop", as rank_bm25 sums each query token."""
    corpus = [["troop", "kursk"], ["seoul"], ["kursk"], ["x"], ["y"]]
    index = BM25Index.build(corpus, PARAMS)
    once, twice = index.search(["troop"]), index.search(["troop", "troop"])
    assert twice[0].score == once[0].score + once[0].score
    assert twice[0].score == BM25Okapi(corpus).get_scores(["troop", "troop"])[0]


def test_query_without_a_known_term_returns_nothing() -> None:
    """No known term: no results, not every passage at score zero."""
    index = BM25Index.build([["kursk"], ["seoul"]], PARAMS)
    assert index.search(["zzqx", "unobtainium"]) == []
    assert index.search([]) == []
    assert index.search(["kursk"], k=0) == []


def test_only_passages_with_a_query_term_are_results() -> None:
    """k larger than the matches: the matches only, best first."""
    corpus = [["kursk", "kursk"], ["seoul"], ["kursk", "region", "long", "text"], ["region"]]
    hits = BM25Index.build(corpus, PARAMS).search(["kursk"], k=10)
    assert [h.passage for h in hits] == [0, 2]


def test_ties_rank_lower_passage_first() -> None:
    """Identical passages score the same; the lower id ranks first, as a stable sort would."""
    corpus = [["x"], ["kursk", "z"], ["y"], ["kursk", "z"], ["kursk", "z"]]
    hits = BM25Index.build(corpus, PARAMS).search(["kursk"], k=2)
    assert [h.passage for h in hits] == [1, 3]
    assert hits[0].score == hits[1].score


@pytest.mark.parametrize(
    "corpus",
    [
        [["kursk", "region"]],  # one document
        [["kursk", "region"], ["seoul"]],  # two documents: idf 0 or below everywhere
        [["kursk", "a"], ["kursk", "b"], ["c"], ["d"]],  # term in exactly half: idf 0
        [["a", "b", "c"], ["a", "b", "c"], ["a", "b"], ["a", "c"], ["a", "b", "kursk"]],
    ],
    ids=["one", "two", "half", "five-negative-average"],
)
def test_a_passage_holding_a_query_term_always_scores_above_zero(corpus: list[list[str]]) -> None:
    """The rank_bm25 traps: where it scores 0 or below, every matching passage is a result > 0."""
    index = BM25Index.build(corpus, PARAMS)
    reference = GuardedBM25Okapi(corpus)
    for query in (["kursk"], ["a"], ["b", "c"], ["kursk", "a", "region"]):
        matching = {i for i, doc in enumerate(corpus) if set(query) & set(doc)}
        hits = index.search(query, k=10)
        assert {h.passage for h in hits} == matching
        assert all(h.score > 0 for h in hits)
        _assert_same_as(reference, index, query, 10)


def test_rank_bm25_itself_falls_into_the_traps() -> None:
    """The traps are real: unguarded rank_bm25 gives 0 or negative scores to matching passages."""
    assert BM25Okapi([["kursk", "a"], ["kursk", "b"], ["c"], ["d"]]).get_scores(["kursk"])[0] == 0
    assert BM25Okapi([["kursk", "region"], ["seoul"]]).get_scores(["kursk"])[0] <= 0
    five = [["a", "b", "c"], ["a", "b", "c"], ["a", "b"], ["a", "c"], ["a", "b", "kursk"]]
    assert BM25Okapi(five).get_scores(["a"])[0] < 0


def test_large_term_frequencies_stay_exact() -> None:
    """A term repeated beyond a byte's range widens the stored type instead of wrapping."""
    corpus = [["kursk"] * 300 + ["x"], ["kursk", "y"], ["z"], ["w"], ["v"]]
    index = BM25Index.build(corpus, PARAMS)
    assert index.tfs.dtype == np.uint16
    _assert_same_as(BM25Okapi(corpus), index, ["kursk"], 10)


def test_exact_scores_equal_get_scores_for_any_passages() -> None:
    """exact_scores gives rank_bm25's score to any passage, zero where no term occurs."""
    corpus = _random_corpus(3, n_docs=200, vocab=100)
    index = BM25Index.build(corpus, PARAMS)
    reference = GuardedBM25Okapi(corpus)
    passages = np.arange(200)
    for query in _random_queries(3, 100, 20):
        assert index.exact_scores(query, passages).tolist() == reference.get_scores(query).tolist()


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    """A loaded index is memory-mapped, read-only, pickle-free and answers identically."""
    corpus = _random_corpus(5, n_docs=300, vocab=150)
    index = BM25Index.build(corpus, PARAMS)
    index.save(tmp_path)
    loaded = BM25Index.load(tmp_path)
    assert loaded.vocab == index.vocab and loaded.passage_count == 300
    assert loaded.idf.tolist() == index.idf.tolist() and loaded.avgdl == index.avgdl
    assert isinstance(loaded.postings.base, np.memmap) and not loaded.postings.flags.writeable
    for path in tmp_path.glob("*.npy"):
        np.load(path, allow_pickle=False)
    for query in _random_queries(5, 150, 30):
        assert loaded.search(query) == index.search(query)


@pytest.mark.parametrize("seed", range(6))
def test_numpy_search_equals_guarded_rank_bm25_and_the_kernel(seed: int) -> None:
    """Without the compiled kernel (one-shot processes): the same top-k, bit-identical scores."""
    corpus = _random_corpus(seed, n_docs=30 + 80 * seed, vocab=150)
    index = BM25Index.build(corpus, PARAMS)
    arrays = {
        name: getattr(index, name) for name in ("indptr", "postings", "tfs", "doc_len", "idf")
    }
    plain = BM25Index(index.vocab, arrays, index.avgdl, PARAMS, compiled=False)
    reference = GuardedBM25Okapi(corpus)
    for query in _random_queries(seed, 150, 40):
        _assert_same_as(reference, plain, query, 10)
        _assert_same_as(reference, plain, query, len(corpus))  # every tie, in order
        assert plain.search(query, 10) == index.search(query, 10)


def test_loading_without_the_kernel_never_imports_numba(tmp_path: Path) -> None:
    """A one-shot load (compiled=False) answers, and numba is not in sys.modules afterwards."""
    BM25Index.build(_random_corpus(3, n_docs=200, vocab=50), PARAMS).save(tmp_path)
    script = (
        "import sys\n"
        "from retrieval.index import BM25Index\n"
        f"index = BM25Index.load(__import__('pathlib').Path({str(tmp_path)!r}), compiled=False)\n"
        "assert index.search(['w1', 'w2'])\n"
        "assert 'numba' not in sys.modules, 'numba imported'\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_saved_vocabulary_looks_up_every_term_and_nothing_else(tmp_path: Path) -> None:
    """The loaded (binary-searched) vocabulary maps each term to its id, in id order."""
    corpus = [["kursk", "région", "首尔", "a"], ["zz", "a", "ab", "b"], ["région", "😀"]]
    index = BM25Index.build(corpus, PARAMS)
    index.save(tmp_path)
    for compiled in (False, True):  # binary search, or the dict it builds
        loaded = BM25Index.load(tmp_path, compiled)
        assert list(loaded.vocab) == list(index.vocab)
        assert {t: loaded.vocab[t] for t in index.vocab} == index.vocab
        for missing in ["", "aa", "kurs", "kursk2", "régio", "zzz", "0"]:
            assert missing not in loaded.vocab and loaded.vocab.get(missing) is None
        assert len(loaded.vocab) == len(index.vocab)
    mapped = BM25Index.load(tmp_path, compiled=False).vocab
    asked = [*index.vocab, "", "aa", "kurs", "kursk2", "régio", "zzz", "0", "a"]
    assert mapped.ids_of(asked) == [index.vocab.get(t) for t in asked]  # type: ignore[attr-defined]


def test_load_refuses_another_format(tmp_path: Path) -> None:
    """An index saved in an older layout is reported (the store then rebuilds), never misread."""
    BM25Index.build([["kursk"]], PARAMS).save(tmp_path)
    meta = json.loads((tmp_path / "bm25.json").read_text())
    (tmp_path / "bm25.json").write_text(json.dumps({**meta, "format": 1}))
    with pytest.raises(ValueError):
        BM25Index.load(tmp_path)


def _same_index(a: BM25Index, b: BM25Index) -> None:
    assert list(a.vocab) == list(b.vocab)
    for name in ("indptr", "postings", "tfs", "doc_len", "idf"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.avgdl == b.avgdl


def test_building_from_texts_in_parallel_equals_building_serially(monkeypatch: Any) -> None:
    """Workers' vocabularies merge in first-occurrence order: the same ids, idf and postings."""
    texts = [f"Kursk region {i % 7} troops, {i % 13} Seoul talks {i}" for i in range(2500)]
    serial = build.build_index(texts, PARAMS, workers=1)
    monkeypatch.setattr(build, "PARALLEL_MIN_PASSAGES", 0)
    monkeypatch.setattr(build, "_CHUNK_PASSAGES", 300)
    parallel = build.build_index(texts, PARAMS, workers=2)
    _same_index(serial, parallel)
    _same_index(serial, BM25Index.build([tokenize(t) for t in texts], PARAMS))


def slow_tokenize(text: str) -> list[str]:
    """The tokenizer, 50 ms a passage (module level: workers import it by name)."""
    time.sleep(0.05)
    return tokenize(text)


def test_a_parallel_build_stops_when_asked(monkeypatch: Any) -> None:
    """Setting `stop` mid-way ends a parallel tokenization (about 40 s of work here) at once,
    with BuildCancelled, while workers are still busy on their chunks."""
    texts = [f"Kursk region troops {i}" for i in range(1600)]
    monkeypatch.setattr(build, "PARALLEL_MIN_PASSAGES", 0)
    monkeypatch.setattr(build, "_CHUNK_PASSAGES", 200)
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    started = time.monotonic()
    with pytest.raises(BuildCancelled):
        build.build_index(texts, PARAMS, tokenizer=slow_tokenize, workers=2, stop=stop)
    assert time.monotonic() - started < 8  # one chunk takes 10 s: no chunk was waited for


def test_empty_passages_are_indexed_but_never_found() -> None:
    """Passages without terms count for avgdl and N, as in rank_bm25, and never match."""
    corpus = [[], ["kursk"], [], ["seoul", "kursk"]]
    index = BM25Index.build(corpus, PARAMS)
    _assert_same_as(GuardedBM25Okapi(corpus), index, ["kursk", "seoul"], 10)
    assert {h.passage for h in index.search(["kursk", "seoul"])} == {1, 3}
    with pytest.raises(ValueError):
        BM25Index.build([], PARAMS)


def test_concurrent_searches_do_not_share_scratch_space() -> None:
    """Threads searching at once (the bot answers off the event loop) get correct results."""
    corpus = _random_corpus(9, n_docs=2000, vocab=300)
    index = BM25Index.build(corpus, PARAMS)
    queries = _random_queries(9, 300, 50)
    expected = [index.search(q) for q in queries]
    results: dict[int, list[list[list[Scored]]]] = {}

    def work(n: int) -> None:
        results[n] = [[index.search(q) for q in queries] for _ in range(5)]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(rounds == expected for n in range(4) for rounds in results[n])


def test_kernels_still_compile_where_no_cache_folder_is_writable(monkeypatch: Any) -> None:
    """A read-only install without a cache folder costs a compile per start, not a crash."""
    real_njit = numba.njit

    def njit_without_cache(*args: Any, cache: bool = False, **kwargs: Any) -> Any:
        if cache:
            raise RuntimeError("cannot cache function: no locator available")
        return real_njit(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", njit_without_cache)

    def add_one(x: int) -> int:
        return x + 1

    assert kernels._compiled(add_one)(41) == 42


@pytest.mark.parametrize("filler", [0, 400], ids=["dense", "sparse"])
def test_search_within_equals_search_restricted_to_the_allowed_groups(filler: int) -> None:
    """Scores bit for bit those of `search`, only allowed groups ranked, ties by lower id
    (with few matching postings among many passages, the sparse path is taken)."""
    passages = [
        "the bridge over the river",
        "a river port and a bridge",
        "the port",
        "bridge bridge river",
        "nothing here",
        "river",
        "river",
    ] + ["nothing else here"] * filler
    index = BM25Index.build([tokenize(p) for p in passages], BM25Params())
    groups = np.array([0, 0, 1, 1, 2, 2, 2] + [2] * filler, dtype=np.int32)
    for query in ("river bridge", "river", "port", "bridge the"):
        terms = tokenize(query)
        for allowed in ([False, True, True], [True, False, False], [False, False, True]):
            mask = np.array(allowed)
            full = [s for s in index.search(terms, 10) if allowed[groups[s.passage]]]
            assert index.search_within(terms, 10, groups, mask) == full, (query, allowed)
            assert index.search_within(terms, 1, groups, mask) == full[:1]
    assert [
        s.passage for s in index.search_within(["river"], 10, groups, np.array([0, 0, 1], bool))
    ] == [5, 6]
    assert index.search_within(["port"], 10, groups, np.zeros(3, dtype=bool)) == []


def test_search_within_leaves_its_scratch_clean_after_an_error() -> None:
    """A search that fails half way (a group out of range) does not spoil the next one."""
    passages = ["bridge over the river", "a river bridge", "the port", "river"]
    index = BM25Index.build([tokenize(p) for p in passages], BM25Params())
    terms = tokenize("bridge river")
    good = np.array([0, 0, 1, 1], dtype=np.int32)
    allowed = np.array([True, True])
    expected = index.search_within(terms, 10, good, allowed)
    with pytest.raises(IndexError):
        index.search_within(terms, 10, np.array([0, 0, 1, 7], dtype=np.int32), allowed)
    assert index.search_within(terms, 10, good, allowed) == expected
    assert expected == index.search(terms, 10)


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_top_k_scores_with_the_weights_given_and_skips_dead_passages(
    seed: int, compiled: bool
) -> None:
    """top_k with outside idfs and norm equals a reference computed from them, without the dead."""
    docs = _random_corpus(seed, 300, 40)
    index = BM25Index.build(docs, PARAMS)
    index.compiled = compiled
    rng = np.random.default_rng(seed)
    dead = rng.random(len(docs)) < 0.3
    norm = PARAMS.k1 * (1 - PARAMS.b + PARAMS.b * np.arange(200, dtype=np.float64) / 7.5)
    for query in _random_queries(seed, 40, 20):
        tids = np.asarray(index.term_ids(query), dtype=np.int64)
        idfs = rng.random(len(tids)) + 0.1
        expected = np.zeros(len(docs))
        for tid, idf in zip(tids.tolist(), idfs.tolist(), strict=True):
            for p, doc in enumerate(docs):
                tf = float(sum(index.vocab.get(t) == tid for t in doc))
                if tf:
                    expected[p] += idf * (tf * (PARAMS.k1 + 1) / (tf + norm[len(doc)]))
        expected[dead] = 0.0
        live = [p for p in np.argsort(-expected, kind="stable")[:10].tolist() if expected[p] > 0]
        got = index.top_k(tids, idfs, norm, 10, dead)
        assert [s.passage for s in got] == live
        assert [s.score for s in got] == [float(expected[p]) for p in live]


def test_passages_longer_than_the_weight_table_stay_exact() -> None:
    """Past 1024 tokens the kernel divides instead of looking the tf-1 weight up: same bits."""
    rng = np.random.default_rng(3)
    corpus = [
        [f"w{int(x) % 300}" for x in rng.zipf(1.3, size=int(rng.integers(1, 2500)))]
        for _ in range(60)
    ]
    index = BM25Index.build(corpus, PARAMS)
    reference = GuardedBM25Okapi(corpus)
    assert int(index.doc_len.max()) > 1024
    for query in _random_queries(3, 300, 30):
        _assert_same_as(reference, index, query, 10)
