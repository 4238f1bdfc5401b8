"""A query as the answer layer weighs it: content terms, their idf, their related words.

Each content term of the question (answers.questions drops its framing) weighs its idf over
passages. Rare terms are also looked for under their WordNet relatives (answers.lexicon), at
EXPANSION of their weight, so "trucks" finds "vehicles"; BM25 of the original words stays
exact. A word no document holds is named in the answer's notice; it is left out when the rest
of the question is specific enough to answer without it, and otherwise weighs double.
"""

from __future__ import annotations

import functools
import logging
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from answers.lexicon import related
from answers.questions import AnswerType, Question, fit, parse_question
from retrieval.corpus import Corpus
from retrieval.tokenizer import tokenize

log = logging.getLogger(__name__)

CONTEXT_WEIGHT = 0.5
# A query term in at most this many passages (or none) is also looked for under its related
# words (answers.lexicon), each worth EXPANSION of the term: a vocabulary gap, not a topic.
FEW_PASSAGES = 2
EXPANSION = 0.5
# A term some passage does hold is already the documents' word: for a topic, a relative is
# likelier another sense ("sanctions" -> "support"), so it counts less. A question that asks for
# a type of answer ("how long will it take to build") keeps EXPANSION ("construction").
EXPANSION_KNOWN = 0.3
# A lowercase word no document holds (nor any of its related words) is left out of the weight
# when the question has at least this many other content terms, which the documents hold and
# which weigh at least as much: "trucks" must not veto "how many trucks a day will cross the
# new road bridge", but "North Korean" does not make "nuclear test" a question the documents
# answer. A missing number always counts, and a missing name ("Chinese tourists in Paris")
# means the documents are not about the question.
MIN_KNOWN = 3
# Otherwise it weighs UNKNOWN_WEIGHT times the rarest term: the question's rarest word is
# absent, what the documents share with it is too little ("boiling point of tungsten").
UNKNOWN_WEIGHT = 2.0
MIN_SHARED = 2
# The tokenizer's notion of a word ("2,850", "u.s.", "korea's"), to name the words it drops.
_WORD = re.compile(r"[^\W_]+(?:[.,'’][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class Query:
    """A query's content terms, each weighted by its idf; `unknown` words occur nowhere.

    `alternatives` holds, for the rare terms, the related terms the corpus does contain: each
    counts EXPANSION of the term's weight when the term itself is absent.
    """

    text: str
    weights: dict[str, float]
    unknown: tuple[str, ...] = ()
    alternatives: dict[str, frozenset[str]] = field(default_factory=dict)
    question: Question | None = None
    missing_name: bool = False  # a name no document holds: the question is about something else
    known: frozenset[str] = frozenset()  # the terms some passage holds

    @property
    def mass(self) -> float:
        return sum(self.weights.values())

    def credit(self, term: str, terms: Collection[str]) -> float:
        """1 if `terms` hold the query term, EXPANSION if they hold a related term, else 0."""
        if term in terms:
            return 1.0
        others = self.alternatives.get(term)
        if not others or others.isdisjoint(terms):
            return 0.0
        topic = self.question is None or self.question.expects is AnswerType.ANY
        return EXPANSION_KNOWN if topic and term in self.known else EXPANSION

    def about(self, text: str) -> bool:
        """True when the text holds a query term or a related term ("vehicles" for "trucks")."""
        return self.touches(terms_of(text))

    def fit(self, text: str) -> int:
        """How squarely a sentence answers the question (answers.questions.fit); 0 for topics."""
        return fit(self.question, text, self.about) if self.question else 0

    def touches(self, terms: Collection[str]) -> bool:
        """True when `terms` hold any query term or related term."""
        return any(self.credit(t, terms) > 0 for t in self.weights)

    def coverage(self, terms: Collection[str]) -> float:
        """The share of the query's weight that `terms` carry (0 when the query is empty)."""
        mass = self.mass
        if mass <= 0:
            return 0.0
        return sum(w * self.credit(t, terms) for t, w in self.weights.items()) / mass

    def in_context(self, own: Collection[str], context: Collection[str]) -> float:
        """Coverage with own terms at full weight and context-only terms at CONTEXT_WEIGHT;
        0 when own and context share fewer than MIN_SHARED of the query's terms (one word of
        two is too little: "moons" of "how many moons does Jupiter have?")."""
        everything = set(own) | set(context)
        both = [self.credit(t, everything) for t in self.weights]
        mass = self.mass
        if mass <= 0 or sum(c > 0 for c in both) < min(MIN_SHARED, len(both)):
            return 0.0
        weights = self.weights.values()
        pairs = zip(self.weights.items(), both, strict=True)
        alone = sum(w * self.credit(t, own) for (t, w), c in pairs if c)
        full = sum(w * c for w, c in zip(weights, both, strict=True))
        return (alone + CONTEXT_WEIGHT * (full - alone)) / mass


def idf(corpus: Corpus, term: str) -> float:
    """Lucene's smooth BM25 idf over passages: always positive, near 0 for ubiquitous terms.

    A term no passage contains weighs as much as the rarest term that does (df = 1): its true
    rarity is unknown, and it must weigh enough that a query the corpus does not cover stays
    uncovered ("football world cup" is not about the one passage that says "world").
    """
    n = corpus.index.passage_count
    tid = corpus.index.vocab.get(term)
    df = 1 if tid is None else int(corpus.index.indptr[tid + 1] - corpus.index.indptr[tid])
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _df(corpus: Corpus, term: str) -> int:
    tid = corpus.index.vocab.get(term)
    return 0 if tid is None else int(corpus.index.indptr[tid + 1] - corpus.index.indptr[tid])


def _alternatives(corpus: Corpus, term: str) -> frozenset[str]:
    """The term's related words that some passage contains."""
    return frozenset(t for t in related(term) if t in corpus.index.vocab)


def parse_query(corpus: Corpus, text: str, expand_all: bool = False) -> Query:
    """The question's content terms with their weights and related terms, and the words no
    passage holds (left out of the weight when the rest of the question is specific)."""
    question = parse_question(text)
    weights: dict[str, float] = {}
    alternatives: dict[str, frozenset[str]] = {}
    unknown: list[str] = []  # the words no passage holds
    missing_name = False
    for match in _WORD.finditer(question.content):
        word = match.group()
        for term in tokenize(word):
            if term in weights:
                continue
            df = _df(corpus, term)
            if expand_all or df <= FEW_PASSAGES:
                alternatives[term] = _alternatives(corpus, term)
            weights[term] = idf(corpus, term)
            if df == 0:
                name = _is_name(question.content, match)
                missing_name = missing_name or (name and not word[0].isdigit())
                unknown += [] if word in unknown else [word]
    weights = _weigh_missing(corpus, weights, alternatives)
    alternatives = {t: a for t, a in alternatives.items() if a and t in weights}
    known = frozenset(t for t in weights if _df(corpus, t))
    return Query(text, weights, tuple(unknown), alternatives, question, missing_name, known)


def _weigh_missing(
    corpus: Corpus, weights: dict[str, float], alternatives: dict[str, frozenset[str]]
) -> dict[str, float]:
    """Leave out the words no passage holds (nor a relative) if the rest is specific and
    outweighs them; otherwise let every missing word weigh UNKNOWN_WEIGHT times more."""
    missing = {t for t in weights if not _df(corpus, t) and not t[0].isdigit()}
    present = [t for t in weights if _df(corpus, t)]
    if len(present) >= MIN_KNOWN and sum(weights[t] for t in present) >= sum(
        weights[t] for t in missing
    ):
        return {t: w for t, w in weights.items() if t not in missing or alternatives.get(t)}
    return {t: w * (UNKNOWN_WEIGHT if t in missing else 1.0) for t, w in weights.items()}


def _is_name(text: str, match: re.Match[str]) -> bool:
    """A number, or a capitalized word that does not open the question: what the answer must
    be about ("900 meters", "Paris"), never left out."""
    if any(c.isdigit() for c in match.group()):
        return True
    before = text[: match.start()].rstrip()
    return match.group()[:1].isupper() and bool(before) and before[-1] not in ".?!"


@functools.lru_cache(maxsize=65536)
def terms_of(text: str) -> frozenset[str]:
    """The distinct index terms of a text (cached: sentences recur across questions)."""
    return frozenset(tokens_of(text))


@functools.lru_cache(maxsize=65536)
def tokens_of(text: str) -> tuple[str, ...]:
    """The index terms of a text, in order (cached: a briefing weighs a sentence's terms,
    then counts them in its document's vector)."""
    return tuple(tokenize(text))
