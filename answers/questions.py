"""What a question asks for, apart from what it is about.

"how many trucks a day will cross the bridge?" frames a count ("how many") around its content
("trucks a day will cross the bridge"). `parse_question` splits the two and names the expected
answer type, so the answers can put first the sentence that states a figure or a name of that
type, and the relevance rule weighs only the content words ("long" in "how long will it take"
is framing, not a word the answer must contain).
"""

from __future__ import annotations

import enum
import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from answers.models import Category
from answers.quantities import Mention, extract
from answers.units import MONTHS

log = logging.getLogger(__name__)


class AnswerType(enum.Enum):
    """The kind of answer a question expects."""

    COUNT = "count"
    SIZE = "size"  # a distance, an area, a volume, a weight, a speed
    DURATION = "duration"
    DATE = "date"
    MONEY = "money"
    PERCENT = "percent"
    PERSON = "person"  # a person or an organisation
    REASON = "reason"
    ANY = "any"  # yes/no, "what …", a topic


CATEGORIES: dict[AnswerType, frozenset[Category]] = {
    AnswerType.COUNT: frozenset({Category.COUNT, Category.NUMBER}),
    AnswerType.SIZE: frozenset(
        {Category.DISTANCE, Category.AREA, Category.VOLUME, Category.WEIGHT, Category.SPEED}
    ),
    AnswerType.DURATION: frozenset({Category.DURATION}),
    AnswerType.DATE: frozenset({Category.DATE, Category.YEAR}),
    AnswerType.MONEY: frozenset({Category.MONEY}),
    AnswerType.PERCENT: frozenset({Category.PERCENT}),
}

_MONEY_WORDS = (
    r"cost|costs|price|prices|pay|paid|spend|spent|spending|raise|earn|earned|worth|money|fund|funds|"
    r"budget|deficit|debt|loss|losses|profit|profits|fraud|bill|bills|fine|fee|fees|salary|deal"
)
_TIME_VERBS = (
    r"take|took|taken|takes|last|lasted|lasts|wait|stay|stayed|serve|served|ago|since|have\s+to"
)
# (pattern, type); the first that matches wins. The matched words are the framing.
_FRAMES: tuple[tuple[re.Pattern[str], AnswerType], ...] = tuple(
    (re.compile(p, re.IGNORECASE), t)
    for p, t in [
        (r"\b(?:what|which)\s+(?:share|percentage|proportion|percent)\s+of\b", AnswerType.PERCENT),
        (r"\bby\s+how\s+much\b", AnswerType.PERCENT),
        (rf"\bhow\s+(?:much|big|large)\b(?=.*\b(?:{_MONEY_WORDS})\b)", AnswerType.MONEY),
        (r"\bhow\s+many\b|\bwhat\s+(?:is\s+|was\s+)?the\s+number\s+of\b", AnswerType.COUNT),
        (r"\bhow\s+old\b", AnswerType.COUNT),
        (rf"\bhow\s+long\b(?=.*\b(?:{_TIME_VERBS})\b)|\bfor\s+how\s+long\b", AnswerType.DURATION),
        (r"\bhow\s+(?:long|big|large|wide|tall|high|far|deep|heavy|fast)\b", AnswerType.SIZE),
        (r"\bhow\s+much\b", AnswerType.COUNT),
        (r"\bwhen\b|\bwhat\s+(?:year|date|day|month)\b|\bsince\s+when\b", AnswerType.DATE),
        (r"\bwho(?:m|se)?\b", AnswerType.PERSON),
        (
            r"\b(?:which|what)\b(?=\s+(?:\w+\s+){0,2}?(?:company|companies|firm|firms|organi[sz]ations?|group|"
            r"country|countries|officials?|people|person|team|club|party|operators?)\b)",
            AnswerType.PERSON,
        ),
        (r"\bwhy\b|\bwhat\s+(?:caused|was\s+the\s+reason|is\s+the\s+reason)\b", AnswerType.REASON),
    ]
)
# Words that frame any request rather than name its subject.
_FILLER = re.compile(
    r"\b(?:tell\s+me|please|explain|describe|show\s+me|give\s+me|list|find|know|"
    rf"does|do|did|is|are|was|were|will|would|can|could|has|have|had|{_TIME_VERBS})\b",
    re.IGNORECASE,
)
_REASON = re.compile(
    r"\b(?:because|due\s+to|owing\s+to|as\s+a\s+result|caused|led\s+to|reason|after|over|"
    r"following|for\s+(?:not|failing|missing)|by)\b",
    re.IGNORECASE,
)
# A name: capitalized words not at the start of the sentence ("Ri Chang-dae", "Vodafone").
_NAME = re.compile(r"(?<=[\w,;:] )(?:[A-Z][\w’'.-]+)(?:\s+[A-Z][\w’'.-]+)*")


_CALENDAR = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", *MONTHS]
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Question:
    """A question split into its framing and its content, with the answer type it expects."""

    text: str
    content: str  # the question with its framing words blanked out
    expects: AnswerType = AnswerType.ANY

    @property
    def categories(self) -> frozenset[Category]:
        """The figure categories that answer it (none for names, reasons, topics)."""
        return CATEGORIES.get(self.expects, frozenset())


def parse_question(text: str) -> Question:
    """The question's expected answer type and its content words."""
    expects, content = AnswerType.ANY, text
    for pattern, answer_type in _FRAMES:
        match = pattern.search(text)
        if match:
            expects = answer_type
            content = text[: match.start()] + " " + text[match.end() :]
            break
    if expects is not AnswerType.ANY or text.rstrip().endswith("?"):
        content = _FILLER.sub(" ", content)
    return Question(text, " ".join(content.split()), expects)


@functools.lru_cache(maxsize=65536)
def _figures(sentence: str) -> tuple[Mention, ...]:
    """The sentence's figures (cached: the same sentences are read for question after question)."""
    return tuple(extract(sentence))


def answering(question: Question, sentence: str) -> list[Mention]:
    """The figures of `sentence` of the type the question asks for."""
    wanted = question.categories
    return [m for m in _figures(sentence) if m.category in wanted] if wanted else []


def answers_type(question: Question, sentence: str) -> bool:
    """True when the sentence states what the question asks for: a figure, a name, a reason."""
    if question.expects is AnswerType.PERSON:
        return any(_new_name(question, n) for n in _NAME.findall(sentence))
    if question.expects is AnswerType.REASON:
        return _REASON.search(sentence) is not None
    return bool(answering(question, sentence))


def answer_spans(
    question: Question, sentence: str, about: Callable[[str], bool]
) -> list[tuple[int, int]]:
    """Where in `sentence` it states what the question asks for: its figures of that type (of
    the asked noun, if any is), or for "who" the first name the question does not hold."""
    if question.expects is AnswerType.PERSON:
        names = [m.span() for m in _NAME.finditer(sentence) if _new_name(question, m.group())]
        return names[:1]
    mentions = answering(question, sentence)
    squarely = [m for m in mentions if m.unit and about(m.unit)]
    return [(m.start, m.end) for m in squarely or mentions]


def _new_name(question: Question, name: str) -> bool:
    """A name none of whose words the question holds, and not a weekday or a month."""
    asked = set(re.findall(r"\w+", question.text.casefold()))
    words = set(re.findall(r"\w+", name.casefold()))
    return not words & asked and not words & _CALENDAR


def fit(question: Question, sentence: str, about: Callable[[str], bool]) -> int:
    """How squarely a sentence answers: 2 when it states a figure of the asked type whose unit
    or counted noun the question is `about` ("nearly 300 vehicles" for "how many trucks"), 1 when
    it states that type of answer at all, 0 otherwise."""
    if question.categories:
        mentions = answering(question, sentence)
        if any(m.unit and about(m.unit) for m in mentions):
            return 2
        return int(bool(mentions))
    return int(question.expects is not AnswerType.ANY and answers_type(question, sentence))
