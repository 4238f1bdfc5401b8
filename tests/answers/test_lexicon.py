"""The WordNet table shipped with the package: the related words a document may use instead."""

from __future__ import annotations

import pytest

from answers.lexicon import related
from retrieval.tokenizer import tokenize


def _term(word: str) -> str:
    (term,) = tokenize(word)
    return term


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("trucks", "vehicles"),  # a more general word of the first sense
        ("soldiers", "troops"),  # derived forms (soldiery)
        ("troops", "soldiers"),
        (
            "sent",
            "dispatched",
        ),  # irregular form, then the verb that names "send" its generalization
        ("killed", "died"),  # a verb's cause
        ("Russia", "Russian"),
    ],
)
def test_related_words(word: str, other: str) -> None:
    """Each pair from the issue is found, as index terms."""
    assert _term(other) in related(_term(word))


def test_talks_and_discussed_share_a_relative() -> None:
    """ "talks" and "discussed" meet through "discourse"/"negotiation"."""
    assert related(_term("talks")) & related(_term("discussed"))


def test_no_term_is_its_own_relative_and_general_words_stay_out() -> None:
    """The table never maps a term to itself nor climbs to "object" or "entity"."""
    truck = related(_term("truck"))
    assert _term("truck") not in truck
    assert not truck & {_term("object"), _term("entity"), _term("physical")}
