"""Sources and ask under the relevance rule: ranked, verbatim, and empty when off topic."""

from __future__ import annotations

from answers.models import Kind
from answers.passages import answer_ask
from answers.sources import answer_sources
from retrieval.corpus import Corpus


def test_sources_kursk_region_lists_003_only(seeds: Corpus) -> None:
    """003 first (and alone); its snippet is the Kursk sentence."""
    answer = answer_sources(seeds, "Kursk region")
    assert [s.id for s in answer.sources] == ["003_b8d619ddcb3a68c6"]
    assert answer.sources[0].snippet.startswith("Shoigu also thanked North Korea")
    assert answer.sources[0].anchor == "003_b8d619ddcb3a68c6#p15.s1"
    assert answer.notice is None


def test_a_source_s_snippet_is_a_body_passage_not_its_headline(seeds: Corpus) -> None:
    """'transportation links' is 003's headline; its snippet is the body passage that matched."""
    (first, *_) = answer_sources(seeds, "transportation links").sources
    assert first.id == "003_b8d619ddcb3a68c6" and "transportation links" in first.title
    assert first.anchor == "003_b8d619ddcb3a68c6#p3.s1"
    assert first.snippet.startswith("North Korea is deepening its all-around cooperation")


def test_sources_off_topic_is_a_notice(seeds: Corpus) -> None:
    """No sources, a notice naming the words no document holds."""
    answer = answer_sources(seeds, "zzqx unobtainium")
    assert answer.sources == () and not answer.found
    assert answer.notice == (
        "Nothing in the documents matches “zzqx unobtainium”. "
        "No document mentions “zzqx”, “unobtainium”."
    )


def test_ask_quotes_relevant_passages_with_numbered_sources(seeds: Corpus) -> None:
    """Every passage is verbatim and marked with a listed source; sources are numbered 1..n."""
    answer = answer_ask(seeds, "How many North Koreans entered Russia?")
    assert answer.kind is Kind.ASK and answer.passages
    numbers = {s.number: s.id for s in answer.sources}
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    for p in answer.passages:
        doc = seeds.document_by_id(p.source_id)
        assert doc.text[p.start : p.end] == p.text
        assert numbers[p.markers[0]] == p.source_id
    assert answer.passages[0].source_id == "004_dc02d06fa0a9936a"


def test_ask_off_topic_is_a_notice(seeds: Corpus) -> None:
    """A question about something the documents never mention gets no passages."""
    answer = answer_ask(seeds, "Who won the football world cup?")
    assert answer.passages == () and answer.sources == ()
    assert answer.notice and answer.notice.startswith("Nothing in the documents matches")


def test_a_missing_name_means_the_question_is_about_something_else(seeds: Corpus) -> None:
    """'Chinese tourists in Paris': tourists are there, Paris is not: nothing, and it says so."""
    answer = answer_sources(seeds, "Chinese tourists in Paris")
    assert not answer.sources
    assert answer.notice == (
        "Nothing in the documents matches “Chinese tourists in Paris”. "
        "No document mentions “Paris”."
    )


def test_partly_covered_query_names_the_missing_words(seeds: Corpus) -> None:
    """A common word no document holds does not veto a question whose other words are there."""
    answer = answer_sources(seeds, "customs facilities zzqx Yalu River bridge")
    assert [s.id[:3] for s in answer.sources] == ["001"]
    assert answer.notice == (
        "No document mentions “zzqx”; this answer covers the rest of "
        "“customs facilities zzqx Yalu River bridge”."
    )
