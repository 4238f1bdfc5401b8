"""The relevance rule: idf-weighted query coverage in context, the same for every answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from answers.query import idf, parse_query
from answers.relevance import MIN_COVERAGE, find
from retrieval.bm25 import BM25Params
from retrieval.corpus import Corpus
from retrieval.documents import load_documents

KURSK_DOC = "003_b8d619ddcb3a68c6"


def test_minor_term_alone_is_not_relevant(seeds: Corpus) -> None:
    """'Kursk region': 000 and 004 say 'regional'/'regions' only, so 003 alone is relevant."""
    findings = find(seeds, "Kursk region")
    assert [d.document.id for d in findings.documents] == [KURSK_DOC]
    assert findings.coverage[KURSK_DOC] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "query", ["zzqx unobtainium", "football world cup", "pineapple region", "the of and", ""]
)
def test_uncovered_queries_find_nothing(seeds: Corpus, query: str) -> None:
    """Unknown words weigh like the rarest known term, so one shared word is not enough."""
    findings = find(seeds, query)
    assert not findings.found
    assert findings.sentences == ()


def test_unknown_words_are_named(seeds: Corpus) -> None:
    """The words no passage contains are reported as written."""
    assert parse_query(seeds, "Kursk pineapples and zzqx").unknown == ("pineapples", "zzqx")


def test_unknown_term_weighs_like_the_rarest_known_term(seeds: Corpus) -> None:
    """'Kursk' occurs in one passage: an unknown word weighs exactly as much."""
    assert idf(seeds, "zzqx") == pytest.approx(idf(seeds, "kursk"))
    assert idf(seeds, "korea") < idf(seeds, "bridg") < idf(seeds, "kursk")


def test_request_words_do_not_count(seeds: Corpus) -> None:
    """'how many' frames the question; its words carry no weight."""
    assert set(parse_query(seeds, "How many North Koreans entered Russia?").weights) == {
        "north",
        "korean",
        "enter",
        "russia",
    }


def test_context_lends_half_weight(seeds: Corpus) -> None:
    """'the road bridge will be 850 meters long' (001 p10) follows the Tumen River sentence:
    it covers 'bridge' alone, and the passage before it lends 'Tumen River' at half weight."""
    findings = find(seeds, "Tumen River bridge")
    by_anchor = {str(e.sentence.anchor): e for e in findings.sentences}
    e = by_anchor["001_d8b2d741d231887d#p10.s2"]
    assert e.own < MIN_COVERAGE <= e.coverage
    assert e.coverage == pytest.approx(e.own + 0.5 * (1 - e.own))


def test_every_relevant_sentence_passes_and_documents_rank_by_bm25(seeds: Corpus) -> None:
    """Sentences all pass the rule; documents keep BM25's order among the relevant ones."""
    findings = find(seeds, "Tumen River bridge")
    assert all(e.coverage >= MIN_COVERAGE - 1e-9 for e in findings.sentences)
    scores = [d.score for d in findings.documents]
    assert scores == sorted(scores, reverse=True)
    assert {d.document.id[:3] for d in findings.documents} == {"000", "001", "002", "003"}


@pytest.mark.parametrize(
    "query", ["Tumen River bridge", "North Korea Russia", "workers", "bridge", "Russia"]
)
def test_the_first_documents_are_those_of_a_longer_list(seeds: Corpus, query: str) -> None:
    """find stops reading candidates once none can rank: its first k documents, their
    sentences and coverage are those of the list of every relevant document."""
    every = find(seeds, query, limit=seeds.document_count)
    assert len(every.documents) >= 2
    for k in (1, 2, 3):
        few = find(seeds, query, limit=k)
        assert few.documents == every.documents[:k]
        assert few.sentences == tuple(e for e in every.sentences if e.rank < k)
        assert few.coverage == {d.document.id: every.coverage[d.document.id] for d in few.documents}


def test_a_document_whose_best_hit_is_not_relevant_still_ranks_by_its_relevant_one(
    tmp_path: Path,
) -> None:
    """a's best BM25 passage says "zorvan" alone (not relevant) and its relevant one is long:
    b ranks first, so find(limit=1) must read past a, whose best hit outscores b's."""
    long = (
        "The committee met on Tuesday to discuss the annual budget, the roads, the schools, "
        "the parks, the harbour, the library and the market, and zorvan met quelby there "
        "before the long and very tiring meeting ended late that night."
    )
    files = {
        "a": f"Report one\n\nZorvan zorvan zorvan zorvan zorvan was everywhere.\n\n{long}\n",
        "b": "Report two\n\nZorvan and quelby met.\n",
    }
    files |= {
        f"f{i}": f"Filler {i}\n\nA quelby story number {i} about nothing.\n" for i in range(4)
    }
    for name, text in files.items():
        (tmp_path / f"{name}.txt").write_text(text, "utf-8")
    corpus = Corpus.from_documents(load_documents(tmp_path).documents, BM25Params())
    assert corpus.search("zorvan quelby", 1)[0].passage.doc_id == "a"
    assert [d.document.id for d in find(corpus, "zorvan quelby").documents] == ["b", "a"]
    assert [d.document.id for d in find(corpus, "zorvan quelby", limit=1).documents] == ["b"]
