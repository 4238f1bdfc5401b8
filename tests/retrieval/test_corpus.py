"""The searchable corpus: passages, document ranking, search results, save/load round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from rank_bm25 import BM25Okapi

from retrieval.bm25 import BM25Params
from retrieval.corpus import Corpus
from retrieval.documents import SentenceKind, load_documents
from retrieval.tokenizer import tokenize

QUERIES = ["Kursk region", "Tumen River bridge", "2,850", "Kim Jong-un", "Korea's workers"]


@pytest.fixture(scope="module")
def corpus(seeds_dir: Path) -> Corpus:
    """The seed corpus, built in memory."""
    return Corpus.from_documents(load_documents(seeds_dir).documents, BM25Params())


def test_kursk_region_ranks_003_first(corpus: Corpus) -> None:
    """`Kursk region` ranks 003 first by its Kursk sentence, then 000 and 004 (on `region`)."""
    ranked = corpus.rank_documents("Kursk region")
    assert [hit.document.id[:3] for hit in ranked] == ["003", "000", "004"]
    best = ranked[0].best
    assert str(best.passage.sentences[0].anchor) == "003_b8d619ddcb3a68c6#p15.s1"
    assert best.passage.text == (
        "Shoigu also thanked North Korea for its historic military role in retaking Russia's "
        "Kursk region from Ukrainian forces."
    )
    assert ranked[0].score == best.score == pytest.approx(8.155271, abs=1e-6)


@pytest.mark.parametrize("query", ["zzqx unobtainium", "the of and", "", "!!!"])
def test_query_matching_nothing_returns_nothing(corpus: Corpus, query: str) -> None:
    """A query with no indexed term returns no passage and no document, not noise."""
    assert corpus.search(query) == []
    assert corpus.rank_documents(query) == []


@pytest.mark.parametrize("query", QUERIES)
def test_every_result_contains_a_query_term(corpus: Corpus, query: str) -> None:
    """Each passage returned shares at least one term with the query, and scores above zero."""
    terms = set(tokenize(query))
    hits = corpus.search(query, k=100)
    assert hits
    for hit in hits:
        assert terms & set(tokenize(hit.passage.text)), hit.passage.text
        assert hit.score > 0


@pytest.mark.parametrize("query", QUERIES)
def test_scores_equal_rank_bm25(corpus: Corpus, query: str) -> None:
    """Search scores over the seed passages equal rank_bm25.BM25Okapi.get_scores."""
    tokenized = [tokenize(corpus.passage(n).text) for n in range(corpus.passage_count)]
    expected = BM25Okapi(tokenized).get_scores(tokenize(query))
    hits = corpus.search(query, k=corpus.passage_count)
    matching = [n for n, tokens in enumerate(tokenized) if set(tokens) & set(tokenize(query))]
    assert sorted(h.passage.number for h in hits) == matching
    for hit in hits:
        assert hit.score == pytest.approx(expected[hit.passage.number], rel=1e-9)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_search_k_limits_results(corpus: Corpus) -> None:
    """search(k) returns at most k passages, the best ones."""
    every = corpus.search("Tumen River bridge", k=100)
    assert len(every) > 3
    assert corpus.search("Tumen River bridge", k=3) == every[:3]


def test_documents_rank_by_best_passage_with_all_their_hits(corpus: Corpus) -> None:
    """A document's score is its best passage's; its hits are its matching passages, best first."""
    ranked = corpus.rank_documents("Tumen River bridge")
    assert [hit.document.id[:3] for hit in ranked] == ["000", "003", "001", "002"]
    for doc_hit in ranked:
        scores = [h.score for h in doc_hit.hits]
        assert doc_hit.score == scores[0] == max(scores)
        assert {h.passage.doc_id for h in doc_hit.hits} == {doc_hit.document.id}
    assert [len(h.hits) for h in ranked] == [3, 4, 7, 6]
    assert len(corpus.rank_documents("Tumen River bridge", k=2)) == 2


def test_passages_group_sentences_of_one_paragraph(corpus: Corpus) -> None:
    """Passages are 1-3 sentences of one paragraph, a headline alone, verbatim from the file."""
    assert (corpus.passage_count, corpus.sentence_count, corpus.document_count) == (74, 101, 5)
    for number in range(corpus.passage_count):
        passage = corpus.passage(number)
        doc = corpus.document_by_id(passage.doc_id)
        assert 1 <= len(passage.sentences) <= 3
        assert len({s.anchor.paragraph for s in passage.sentences}) == 1
        if any(s.kind is SentenceKind.HEADLINE for s in passage.sentences):
            assert len(passage.sentences) == 1
        start, end = passage.sentences[0].start, passage.sentences[-1].end
        assert passage.text == doc.text[start:end]


def test_documents_come_back_whole(seeds_dir: Path, corpus: Corpus) -> None:
    """Documents read back from the flat arrays equal the parsed ones (first_seen aside)."""
    for original in load_documents(seeds_dir).documents:
        assert corpus.document_by_id(original.id) == original


def test_save_load_round_trip(corpus: Corpus, tmp_path: Path) -> None:
    """A saved and loaded corpus gives identical documents and search results."""
    corpus.save(tmp_path / "saved")
    loaded = Corpus.load(tmp_path / "saved")
    assert list(loaded.records) == corpus.records
    assert (loaded.passage_count, loaded.sentence_count) == (74, 101)
    for query in QUERIES:
        assert loaded.search(query, k=20) == corpus.search(query, k=20)
        assert loaded.rank_documents(query) == corpus.rank_documents(query)
    for number in range(corpus.document_count):
        assert loaded.document(number) == corpus.document(number)
        assert loaded.metadata(number) == corpus.metadata(number)


def test_multibyte_text_offsets_survive_the_round_trip(tmp_path: Path) -> None:
    """Texts with curly quotes, CJK and emoji are sliced by characters after a reload."""
    root = tmp_path / "corpus"
    root.mkdir()
    text = "“Seoul” 北朝鮮 🚀 reported the bridge.\nThe second line mentions 北朝鮮 again here.\n"
    (root / "a.txt").write_text(text, "utf-8")
    built = Corpus.from_documents(load_documents(root).documents, BM25Params())
    built.save(tmp_path / "saved")
    loaded = Corpus.load(tmp_path / "saved")
    doc = loaded.document(0)
    assert doc.text == text
    assert [s.text for s in doc.sentences] == [text[s.start : s.end] for s in doc.sentences]
    # Equal lengths, equal scores: ties go to the lower passage number.
    assert [h.passage.text for h in loaded.search("北朝鮮")] == [
        "“Seoul” 北朝鮮 🚀 reported the bridge.",
        "The second line mentions 北朝鮮 again here.",
    ]


def test_a_passage_is_its_documents_sentences(corpus: Corpus, tmp_path: Path) -> None:
    """Every passage, in memory and loaded, holds its document's own sentences and text
    (built from the arrays, without the document)."""
    corpus.save(tmp_path / "saved")
    for built in (corpus, Corpus.load(tmp_path / "saved", compiled=False)):
        ptr, docs = built.arrays["passage_ptr"], built.arrays["passage_doc"]
        for number in range(built.passage_count):
            doc_number = int(docs[number])
            doc = built.document(doc_number)
            first = int(built.arrays["doc_sent_ptr"][doc_number])
            lo, hi = int(ptr[number]) - first, int(ptr[number + 1]) - first
            passage = built.passage(number)
            assert passage.doc_id == doc.id and passage.sentences == doc.sentences[lo:hi]
            assert passage.text == doc.text[doc.sentences[lo].start : doc.sentences[hi - 1].end]


def test_ranked_hits_name_the_documents_group_hits_reads(corpus: Corpus) -> None:
    """rank_hits: the documents of group_hits, in its order, by number, with the same hits."""
    hits = corpus.search("Tumen River bridge", 50)
    ranked, grouped = corpus.rank_hits(hits, 3), corpus.group_hits(hits, 3)
    assert len(ranked) == 3
    assert [(corpus.ids[g.document.id], g.hits) for g in grouped] == ranked


def test_passage_text_is_the_passage_s_text(seeds: Corpus) -> None:
    """passage_text (no sentences built) equals passage(n).text for every passage."""
    assert [seeds.passage_text(n) for n in range(seeds.passage_count)] == [
        seeds.passage(n).text for n in range(seeds.passage_count)
    ]
