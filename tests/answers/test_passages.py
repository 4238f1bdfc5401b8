"""Ask: the passage that states what the question asks for comes first, in the asker's words."""

from __future__ import annotations

import pytest

from answers.figures import answer_figures
from answers.models import Category
from answers.passages import answer_ask
from retrieval.corpus import Corpus


def test_trucks_find_the_vehicles_and_say_which_word_was_not_found(seeds: Corpus) -> None:
    """No document says "trucks"; 002's "nearly 300 vehicles daily" is still quoted first."""
    answer = answer_ask(seeds, "how many trucks a day will cross the new road bridge?")
    assert "nearly 300 vehicles daily" in answer.passages[0].text
    assert answer.notice == (
        "No document mentions “trucks” (related words stand in for “trucks”); this answer "
        "covers the rest of “how many trucks a day will cross the new road bridge?”."
    )


def test_a_duration_question_gets_a_duration_first(seeds: Corpus) -> None:
    """ "how long will it take": 1.5 years, not the bridge's 850 meters."""
    answer = answer_figures(seeds, "how long will it take to build the bridge?")
    assert answer.figures[0].category is Category.DURATION
    assert answer.figures[0].number == 1.5


@pytest.mark.parametrize(
    "question",
    [
        "how many tourists visit Paris every year?",
        "when did Japan send troops to Iraq?",
        "how many people died in the Russian earthquake?",
        "North Korean nuclear test",
    ],
)
def test_questions_the_documents_do_not_answer_stay_unanswered(
    seeds: Corpus, question: str
) -> None:
    """A missing name, or a missing word the rest cannot outweigh, leaves the answer empty."""
    assert not answer_ask(seeds, question).found


def test_the_figure_that_answers_is_emphasized(seeds: Corpus) -> None:
    """The vehicles, not the people: the span of the counted noun the question asks about."""
    quote = answer_ask(seeds, "how many trucks a day will cross the new road bridge?").passages[0]
    assert [quote.text[lo:hi] for lo, hi in quote.emphasis] == ["nearly 300 vehicles daily"]
