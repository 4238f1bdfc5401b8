"""Sources that disagree: same measure, same subject, different numbers; changes kept apart."""

from __future__ import annotations

from answers.citations import answer_cite
from answers.figures import answer_figures
from answers.models import Difference
from answers.summary import answer_summary
from retrieval.corpus import Corpus
from tests.helpers import MakeCorpus


def _pairs(answer: object) -> list[tuple[str, str, Difference]]:
    return [
        (d.sides[0].value, d.sides[1].value, d.difference)
        for d in answer.disagreements  # type: ignore[attr-defined]
    ]


def test_troops_and_soldiers_disagree_in_figures_and_summary(seeds: Corpus) -> None:
    """ "approximately 12,000 troops" vs "around 15,000 North Korean soldiers", each quoted."""
    for answer in (
        answer_figures(seeds, "North Korean troops"),
        answer_summary(seeds, "North Korean troops in Ukraine"),
    ):
        (d,) = answer.disagreements
        assert d.measure == "troops" and d.difference is Difference.CONFLICT
        assert {f.value for f in d.sides} == {
            "approximately 12,000 troops",
            "around 15,000 North Korean soldiers",
        }
        assert d.dates == ("undated", "undated")
        for f in d.sides:
            assert (
                seeds.document_by_id(f.sentence.source_id).text[f.sentence.start : f.sentence.end]
                == f.sentence.text
            )
            assert f.markers[0] in {s.number for s in answer.sources}


def test_bridge_length_in_metres_and_kilometres_disagrees(seeds: Corpus) -> None:
    """850 meters (001) and the 1-kilometer bridge (002) measure one bridge differently."""
    assert _pairs(answer_figures(seeds, "bridge")) == [
        ("850 meters long", "1-kilometer", Difference.CONFLICT)
    ]


def test_no_false_alarms_on_the_seeds(seeds: Corpus) -> None:
    """Different subjects (2,850 crossing vs 365 entering) and breakdowns (134 by train, 31 by
    vehicle) are not disagreements; counts of different periods are changes."""
    assert _pairs(answer_figures(seeds, "North Korea Russia")) == [
        ("approximately 12,000 troops", "around 15,000 North Korean soldiers", Difference.CONFLICT),
        ("365 North Koreans", "only 223 North Koreans", Difference.CHANGE),
        ("544", "222", Difference.CHANGE),
    ]


def test_a_figure_over_time_is_a_change(make_corpus: MakeCorpus) -> None:
    """Two dated counts, or a count that rose, are a change, not a conflict."""
    corpus = make_corpus(
        {
            "a.md": "---\npublished: 2025-05-01\n---\nToll\n\n"
            "Officials said 3,000 flood casualties were counted in March 2025 in the valley.\n",
            "b.md": "---\npublished: 2025-06-01\n---\nToll rises\n\n"
            "Officials said 4,700 flood casualties were counted in May 2025 in the valley.\n",
        }
    )
    assert [p[2] for p in _pairs(answer_figures(corpus, "flood casualties valley"))] == [
        Difference.CHANGE
    ]


def test_bounds_and_rounding_are_not_conflicts(make_corpus: MakeCorpus) -> None:
    """ "more than 10,000 troops" admits 12,000; "about 1,000" and "1,050" are one figure."""
    corpus = make_corpus(
        {
            "a.txt": "Deployment\n\nOfficials said more than 10,000 troops went to the border.\n"
            "\nThe dam holds about 1,000 tonnes of silt, engineers said.\n",
            "b.txt": "Deployment\n\nOfficials said 12,000 troops were sent to the border.\n"
            "\nThe dam holds 1,050 tonnes of silt, engineers said.\n",
        }
    )
    assert _pairs(answer_figures(corpus, "troops border dam silt")) == []


def test_cite_says_when_the_quote_contradicts_the_claim(seeds: Corpus) -> None:
    """ "2 km long" gets the 850-metre sentence flagged as contradicting; "850 meters" does not."""
    (mismatch,) = answer_cite(seeds, "the bridge will be 2 km long").mismatches
    assert (mismatch.claimed, mismatch.stated) == ("2 km long", "850 meters long")
    assert answer_cite(seeds, "The Tumen River bridge will be 850 meters long").mismatches == ()
