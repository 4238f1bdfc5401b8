"""The answer types: one frozen type per kind, sharing query, sources and notice, no `extra`."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from answers.models import ANSWER_TYPES, Answer, Citations, Kind, Source, _Answered


def test_every_answer_type_is_in_the_union() -> None:
    """A new answer type cannot be left out of `Answer`, which the renderers match on."""
    # By name: a slotted dataclass replaces its class, and the first one may linger until collected.
    assert {t.__name__ for t in _Answered.__subclasses__()} == {t.__name__ for t in ANSWER_TYPES}


def test_one_type_per_kind() -> None:
    """Each kind of question has exactly one answer type."""
    assert sorted(t.kind.value for t in ANSWER_TYPES) == sorted(k.value for k in Kind)


@pytest.mark.parametrize("kind", ANSWER_TYPES)
def test_answers_are_frozen_and_typed(kind: type[Answer]) -> None:
    """No `extra` dictionary: every field is named and typed, and none can be reassigned."""
    names = [f.name for f in dataclasses.fields(kind)]
    assert names[:3] == ["query", "sources", "notice"] and "extra" not in names
    answer = kind("q")
    assert not hasattr(answer, "extra") and not answer.found
    with pytest.raises(dataclasses.FrozenInstanceError):
        answer.query = "other"  # type: ignore[misc]


def test_a_source_names_only_the_outlet_and_date_it_knows() -> None:
    """Every renderer shows the same facts: an unknown outlet or date is left out, not invented."""
    bare = Source(1, "a", "A", None, None, None, 1.0, "text", "a#p1.s1")
    dated = dataclasses.replace(bare, outlet="BBC", published=dt.date(2025, 5, 29))
    assert bare.known_facts == ()
    assert dated.known_facts == ("BBC", "2025-05-29")
    assert dataclasses.replace(bare, published=dt.date(2025, 5, 29)).known_facts == ("2025-05-29",)


def test_citations_number_documents_as_the_sources_list_does() -> None:
    """Markers come from one numbering: the sources' own numbers, looked up by document id."""
    first = Source(1, "b", "B", None, None, None, 2.0, "text", "b#p1.s1")
    second = dataclasses.replace(first, number=2, id="a")
    numbers = Citations.of([first, second])
    assert (numbers["b"], numbers["a"]) == (1, 2)
    assert "a" in numbers and "z" not in numbers
