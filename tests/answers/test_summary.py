"""Summaries: 3 to 6 verbatim cited sentences, no repeats; one fact, two outlets, two markers."""

from __future__ import annotations

from answers.models import Kind
from answers.overlap import SAME_FACT, cosine, weigher
from answers.query import terms_of
from answers.summary import MAX_SENTENCES, answer_summary
from retrieval.corpus import Corpus
from tests.helpers import MakeCorpus

SAME_FACT_A = (
    "Bridge talks advance\n\n"
    "Officials said on Monday that the Tumen River road bridge will be 850 meters long and "
    "will carry 2,850 people daily.\n"
    "Separately, the weather in the capital stayed cold for most of the winter season.\n"
)
SAME_FACT_B = (
    "Road link planned\n\n"
    "The Tumen River road bridge will be 850 meters long and carry 2,850 people daily, "
    "officials said on Monday.\n"
    "Football crowds filled the national stadium for the cup final on Sunday evening.\n"
)


def test_summary_of_the_bridge(seeds: Corpus) -> None:
    """Between 3 and 6 sentences, each verbatim from its document and marked with its source."""
    answer = answer_summary(seeds, "Tumen River bridge")
    assert answer.kind is Kind.SUMMARY and answer.notice is None
    assert 3 <= len(answer.sentences) <= MAX_SENTENCES
    ids = {s.number: s.id for s in answer.sources}
    for q in answer.sentences:
        assert seeds.document_by_id(q.source_id).text[q.start : q.end] == q.text
        assert ids[q.markers[0]] == q.source_id
        assert "Tumen" in q.text or "bridge" in q.text


def test_summary_has_no_near_duplicates(seeds: Corpus) -> None:
    """No two picked sentences are as alike as two reports of one fact."""
    weight = weigher(seeds)
    for topic in ("Tumen River bridge", "North Korean workers in Russia", "Shoigu"):
        sentences = answer_summary(seeds, topic).sentences
        for i, a in enumerate(sentences):
            for b in sentences[i + 1 :]:
                assert cosine(terms_of(a.text), terms_of(b.text), weight) < SAME_FACT


def test_summary_reads_in_source_then_document_order(seeds: Corpus) -> None:
    """Sentences are grouped by source number, and in document order within a source."""
    sentences = answer_summary(seeds, "Tumen River bridge").sentences
    keys = [(q.markers[0], q.start) for q in sentences]
    assert keys == sorted(keys)


def test_summary_skips_a_takeaway_the_body_says(seeds: Corpus) -> None:
    """000's bullet 'enhancing their cooperation in public safety' and its question headline
    give way to the body sentence that says the same."""
    anchors = [q.anchor for q in answer_summary(seeds, "public safety cooperation").sentences]
    assert "000_1130a1e425baaac4#p9.s1" in anchors
    assert "000_1130a1e425baaac4#p4.s1" not in anchors
    assert "000_1130a1e425baaac4#p1.s1" not in anchors


def test_same_fact_from_two_documents_is_one_sentence_with_both_markers(
    make_corpus: MakeCorpus,
) -> None:
    """Two outlets report the bridge's length: one sentence, markers [1][2]."""
    corpus = make_corpus({"a.txt": SAME_FACT_A, "b.txt": SAME_FACT_B})
    answer = answer_summary(corpus, "Tumen River bridge length")
    assert len(answer.sentences) == 1
    assert answer.sentences[0].markers == (1, 2)
    assert sorted(s.id for s in answer.sources) == ["a", "b"]


def test_summary_off_topic(seeds: Corpus) -> None:
    """Nothing found: a notice and no sentences or sources."""
    answer = answer_summary(seeds, "zzqx unobtainium")
    assert (answer.sentences, answer.sources) == ((), ())
    assert answer.notice and "zzqx" in answer.notice


ARTICLE = (
    "Shipyard wins navy order\n\n"
    "The Clyde shipyard has won a navy order for three frigates worth two billion pounds.\n"
    "The frigates will be built over the next decade, securing about 1,700 jobs at the yard.\n\n"
    "Unions welcomed the order, saying the jobs had been at risk for several years.\n"
    "The yard's owners said the first of the warships would be delivered in 2029.\n\n"
    "Local councillors said the shipbuilding contract was the best news in a generation.\n"
    "Rival yards in the north had also bid for the work.\n"
)


def test_one_article_gives_several_body_sentences_and_never_its_headline(
    make_corpus: MakeCorpus,
) -> None:
    """With its headline as topic, an article's summary has 3+ body sentences, not the title."""
    corpus = make_corpus({"yard.txt": ARTICLE})
    answer = answer_summary(corpus, "Shipyard wins navy order", limit=4)
    texts = [q.text for q in answer.sentences]
    assert len(texts) == 4
    assert "Shipyard wins navy order" not in texts
    assert texts[0].startswith("The Clyde shipyard has won")
