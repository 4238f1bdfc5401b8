"""Questions: framing apart from content, the expected answer type, and what answers it."""

from __future__ import annotations

import pytest

from answers.questions import AnswerType, fit, parse_question


@pytest.mark.parametrize(
    ("text", "expects", "content"),
    [
        (
            "how many trucks a day will cross the bridge?",
            AnswerType.COUNT,
            "trucks a day cross the bridge?",
        ),
        (
            "how long will it take to build the bridge?",
            AnswerType.DURATION,
            "it to build the bridge?",
        ),
        ("how long will the Tumen road bridge be?", AnswerType.SIZE, "the Tumen road bridge be?"),
        (
            "how big was the fraud Ebbers is accused of?",
            AnswerType.MONEY,
            "the fraud Ebbers accused of?",
        ),
        (
            "what share of North Korea's trade is with China?",
            AnswerType.PERCENT,
            "North Korea's trade with China?",
        ),
        ("when was the Yalu bridge finished?", AnswerType.DATE, "the Yalu bridge finished?"),
        ("who did Shoigu meet in Moscow?", AnswerType.PERSON, "Shoigu meet in Moscow?"),
        (
            "which senior Russian officials will visit?",
            AnswerType.PERSON,
            "senior Russian officials visit?",
        ),
        ("why did the Yalu bridge not open?", AnswerType.REASON, "the Yalu bridge not open?"),
        ("Tumen River bridge", AnswerType.ANY, "Tumen River bridge"),
    ],
)
def test_framing_and_type(text: str, expects: AnswerType, content: str) -> None:
    """Each question's framing words are blanked out and its answer type named."""
    question = parse_question(text)
    assert (question.expects, question.content) == (expects, content)


def test_a_figure_of_the_asked_type_about_the_asked_noun_fits_best() -> None:
    """ "how many trucks": a count of vehicles fits best, any count next, a distance not."""
    question = parse_question("how many trucks a day will cross the bridge?")
    about = {"vehicles"}.__contains__
    assert fit(question, "It will carry nearly 300 vehicles daily.", about) == 2
    assert fit(question, "It will carry 2,850 people.", about) == 1
    assert fit(question, "It will be 850 meters long.", about) == 0


def test_a_name_not_in_the_question_answers_who() -> None:
    """ "who": a sentence naming someone the question does not name states the answer."""
    question = parse_question("who did Shoigu meet in Moscow?")
    never = frozenset[str]().__contains__
    assert fit(question, "Shoigu met State Security Minister Ri Chang-dae in Moscow.", never) == 1
    assert fit(question, "the meeting was in Moscow, Shoigu said.", never) == 0
