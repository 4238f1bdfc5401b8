"""Cite: strong support quoted with its reference, weak support labelled, none said plainly."""

from __future__ import annotations

from answers.citations import answer_cite
from answers.models import Support
from retrieval.corpus import Corpus


def test_strong_support_with_a_full_reference(seeds: Corpus) -> None:
    """The 850-meter claim: 001 p10, quoted exactly, with title, outlet, link and anchor."""
    answer = answer_cite(seeds, "The Tumen River bridge will be 850 meters long")
    assert answer.notice is None and answer.support is Support.STRONG
    quote = answer.quotes[0]
    assert quote.support is Support.STRONG
    assert quote.anchor == "001_d8b2d741d231887d#p10.s2"
    assert seeds.document_by_id(quote.source_id).text[quote.start : quote.end] == quote.text
    assert quote.reference == (
        "“On March 27, the South Korean Unification Ministry assessed that North Korea seems to "
        "be…”, baoquocte.vn, https://baoquocte.vn/han-quoc-chi-ra-dau-hieu-gan-ket-nga"
        "-trieu-tien-moscow-chang-ngai-cong-khai-mot-ke-haach-moi-voi-binh-nhuong-309031.html; "
        "001_d8b2d741d231887d#p10.s2 (document 001_d8b2d741d231887d, paragraph 10)"
    )
    assert answer.sources[0].id == quote.source_id and quote.markers == (1,)


def test_a_wrong_number_is_only_weak_and_says_so(seeds: Corpus) -> None:
    """900 meters: the 850-meter sentence shares the rest, so it is shown, labelled weak."""
    answer = answer_cite(seeds, "The Tumen River bridge will be 900 meters long")
    assert answer.support is Support.WEAK
    assert answer.quotes and all(q.support is Support.WEAK for q in answer.quotes)
    assert answer.notice and answer.notice.startswith("No sentence fully backs")


def test_reworded_claim_is_strong(seeds: Corpus) -> None:
    """'sent' is not in the corpus ('dispatched' is), yet the rest of the claim is all there."""
    answer = answer_cite(seeds, "North Korea sent 12,000 troops to Ukraine")
    assert answer.quotes[0].support is Support.STRONG
    assert "approximately 12,000 troops" in answer.quotes[0].text


def test_unsupported_claim(seeds: Corpus) -> None:
    """Nothing backs it: no quote, no source, a notice naming the unknown words."""
    answer = answer_cite(seeds, "Russia delivered fighter jets to North Korea")
    assert (answer.quotes, answer.sources) == ((), ())
    assert answer.support is None
    assert answer.notice == (
        "Nothing in the documents supports “Russia delivered fighter jets to North Korea”. "
        "No document mentions “delivered”, “fighter”, “jets”."
    )


def test_one_quote_per_document_first(seeds: Corpus) -> None:
    """Several strong quotes come from different documents before any second from one."""
    answer = answer_cite(seeds, "North Korea and Russia build a road bridge over the Tumen River")
    ids = [q.source_id for q in answer.quotes]
    assert len(ids) >= 2 and len(set(ids[:2])) == 2


def test_a_synonym_counts_as_support(seeds: Corpus) -> None:
    """ "sent 12,000 troops to Russia" is backed by "dispatched approximately 12,000 troops"."""
    answer = answer_cite(seeds, "North Korea sent 12,000 troops to Russia")
    assert answer.support is Support.STRONG
    assert answer.quotes[0].text.startswith("Reports indicate that North Korea has dispatched")
