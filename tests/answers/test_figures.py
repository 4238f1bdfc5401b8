"""Figures on a topic: the done-when list for the Tumen River bridge, merged repeats, no noise."""

from __future__ import annotations

from answers.figures import answer_figures
from answers.models import Category, Kind
from retrieval.corpus import Corpus
from tests.helpers import MakeCorpus

BRIDGE_001 = "001_d8b2d741d231887d"
BRIDGE_002 = "002_a1d7c1a63996d77b"


def test_tumen_river_bridge_figures(seeds: Corpus) -> None:
    """850 meters (001), 2,850 people and nearly 300 vehicles a day (002), 1.5-year (002)."""
    answer = answer_figures(seeds, "Tumen River bridge")
    assert answer.kind is Kind.FIGURES
    ids = {s.number: s.id for s in answer.sources}
    found = {(f.number, f.unit, f.category): (f.value, ids[f.markers[0]]) for f in answer.figures}
    assert found[(850, "meters", Category.DISTANCE)] == ("850 meters long", BRIDGE_001)
    assert found[(2850, "individuals", Category.COUNT)] == ("2,850 individuals", BRIDGE_002)
    assert found[(300, "vehicles", Category.COUNT)] == ("nearly 300 vehicles daily", BRIDGE_002)
    assert found[(1.5, "years", Category.DURATION)] == ("1.5-year", BRIDGE_002)


def test_figures_are_verbatim_in_their_sentences(seeds: Corpus) -> None:
    """Each figure's value stands in its sentence, and the sentence in its document."""
    for f in answer_figures(seeds, "North Koreans entering Russia").figures:
        q = f.sentence
        assert seeds.document_by_id(q.source_id).text[q.start : q.end] == q.text
        assert f.value in q.text


def test_one_figure_per_number_and_unit(seeds: Corpus) -> None:
    """'2,850 people' and '2,850 individuals' in 002 are one figure, listed once, the other
    wording kept beside it."""
    figures = answer_figures(seeds, "Tumen River bridge").figures
    assert [f.number for f in figures].count(2850) == 1
    (people,) = [f for f in figures if f.number == 2850]
    assert [q.anchor for q in people.others] == ["002_a1d7c1a63996d77b#p2.s2"]
    assert "2,850 people" in people.others[0].text and people.markers == (2,)


def test_figures_rank_counts_before_calendar(seeds: Corpus) -> None:
    """At equal relevance, counted figures come before dates: 365 North Koreans before the 23rd."""
    values = [f.value for f in answer_figures(seeds, "North Koreans entering Russia").figures]
    assert values.index("365 North Koreans") < values.index("the 23rd")


def test_same_figure_from_two_documents_has_both_markers(make_corpus: MakeCorpus) -> None:
    """One figure, two sources: listed once, with both markers and the other quote kept."""
    corpus = make_corpus(
        {
            "a.txt": "Bridge\n\nThe Tumen River bridge will be 850 meters long, officials said.\n",
            "b.txt": "Link\n\nAt 850 meters, the Tumen River bridge is the first road link.\n",
        }
    )
    figures = answer_figures(corpus, "Tumen River bridge").figures
    assert [(f.value, f.markers) for f in figures] in (
        [("850 meters long", (1, 2))],
        [("850 meters", (1, 2))],
    )
    assert len(figures[0].others) == 1


def test_figures_notices(seeds: Corpus) -> None:
    """Off topic: nothing found. On a topic without numbers: sources, and a notice saying so."""
    off = answer_figures(seeds, "zzqx unobtainium")
    assert (off.figures, off.sources, off.found) == ((), (), False)
    bare = answer_figures(seeds, "Kursk region")
    assert bare.figures == () and [s.id[:3] for s in bare.sources] == ["003"]
    assert bare.notice == "The documents on “Kursk region” state no figures."
