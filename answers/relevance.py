"""Which documents and sentences are about a query: idf-weighted coverage of the query's terms.

BM25 ranks anything that shares a term with the query, so "Kursk region" would also list every
article that says "regional". The answer layer therefore asks a second question: how much of the
query's *information* does a passage or sentence carry? Each query term weighs its idf (rare
terms weigh more; a term no passage contains weighs most, so an off-topic query stays
uncovered); coverage is the share of that weight present. A passage or sentence is relevant when
its coverage, in context, reaches `MIN_COVERAGE`. "In context" means its own terms count fully
and the terms of its surroundings (the rest of its passage, the passage just before it) count
half, because news prose refers back: "the road bridge will be 850 meters long" follows "a road
bridge across the Tumen River".
"""

from __future__ import annotations

import functools
import logging
import math
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from answers.lexicon import related
from answers.questions import Question, fit, parse_question
from retrieval.corpus import Corpus, DocumentHit, Hit, Passage
from retrieval.documents import Document, Sentence, SentenceKind
from retrieval.passages import group_passages
from retrieval.tokenizer import tokenize

log = logging.getLogger(__name__)

MIN_COVERAGE = 0.5
CONTEXT_WEIGHT = 0.5
DEPTH = 200
_EPS = 1e-9  # coverage is a ratio of float sums: 0.5 must not come out as 0.4999…
# A query term in at most this many passages (or none) is also looked for under its related
# words (answers.lexicon), each worth EXPANSION of the term: a vocabulary gap, not a topic.
FEW_PASSAGES = 2
EXPANSION = 0.5
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
# Headlines and bullet takeaways compress what the body says; prefer the body's own sentence.
_KIND_WEIGHT = {SentenceKind.BODY: 1.0, SentenceKind.BULLET: 0.85, SentenceKind.HEADLINE: 0.8}
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

    @property
    def mass(self) -> float:
        return sum(self.weights.values())

    def credit(self, term: str, terms: Collection[str]) -> float:
        """1 if `terms` hold the query term, EXPANSION if they hold a related term, else 0."""
        if term in terms:
            return 1.0
        others = self.alternatives.get(term)
        return EXPANSION if others and any(o in terms for o in others) else 0.0

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
        shared = sum(1 for t in self.weights if self.credit(t, everything) > 0)
        if shared < min(MIN_SHARED, len(self.weights)):
            return 0.0
        alone = self.coverage(own)
        return alone + CONTEXT_WEIGHT * (self.coverage(everything) - alone)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence of a relevant document, with how much of the query it covers."""

    document: Document
    rank: int  # the document's rank among the relevant ones, 0 = best
    index: int  # the sentence's position in its document
    sentence: Sentence
    terms: frozenset[str]
    coverage: float  # in context
    own: float  # by the sentence alone
    passage_score: float  # BM25 of the passage it stands in

    @property
    def score(self) -> float:
        """Coverage in context, with gentle preferences for body text over headlines and
        bullets, for better-ranked documents and for the lead of an article."""
        weight = _KIND_WEIGHT[self.sentence.kind] * (1 - 0.02 * min(self.rank, 10))
        return self.coverage * weight * (1 - 0.01 * min(self.index, 10))


@dataclass(frozen=True, slots=True)
class Findings:
    """What the corpus says on a query: relevant documents (ranked) and sentences."""

    query: Query
    documents: tuple[DocumentHit, ...] = ()
    coverage: dict[str, float] = field(default_factory=dict)  # doc id -> best passage's
    sentences: tuple[Evidence, ...] = ()  # document rank, then document order

    @property
    def found(self) -> bool:
        return bool(self.documents)


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
    return Query(text, weights, tuple(unknown), alternatives, question, missing_name)


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
    return frozenset(tokenize(text))


def _union(sentences: Iterable[Sentence]) -> frozenset[str]:
    out: set[str] = set()
    for s in sentences:
        out |= terms_of(s.text)
    return frozenset(out)


def _previous(corpus: Corpus, passage: Passage) -> Passage | None:
    if passage.number == 0:
        return None
    before = corpus.passage(passage.number - 1)
    return before if before.doc_id == passage.doc_id else None


def passage_coverage(corpus: Corpus, query: Query, passage: Passage) -> float:
    """A passage's coverage, the passage before it (same document) as context."""
    before = _previous(corpus, passage)
    context = _union(before.sentences) if before else frozenset()
    return query.in_context(_union(passage.sentences), context)


def _sentence_evidence(query: Query, rank: int, doc_hit: DocumentHit) -> list[Evidence]:
    """Every sentence of the document that passes the rule, in document order.

    All of the document's passages are read, not only those among the search's top hits: a
    figure may stand in a passage that ranks low on its own but follows one on the topic.
    """
    doc = doc_hit.document
    scores = {h.passage.sentences[0].anchor: h.score for h in doc_hit.hits}
    found: list[Evidence] = []
    previous: frozenset[str] = frozenset()
    for lo, hi in group_passages(doc.sentences):
        passage = _union(doc.sentences[lo:hi])
        around = passage | previous
        previous = passage
        if not query.touches(passage):
            continue
        for index in range(lo, hi):
            sentence = doc.sentences[index]
            own_terms = terms_of(sentence.text)
            coverage = query.in_context(own_terms, around)
            if coverage < MIN_COVERAGE - _EPS:
                continue
            found.append(
                Evidence(
                    document=doc,
                    rank=rank,
                    index=index,
                    sentence=sentence,
                    terms=own_terms,
                    coverage=coverage,
                    own=query.coverage(own_terms),
                    passage_score=scores.get(doc.sentences[lo].anchor, 0.0),
                )
            )
    return found


def _relevant_hits(corpus: Corpus, query: Query, doc_hit: DocumentHit) -> tuple[list[Hit], float]:
    """The document's passages that pass the rule (best BM25 first), and its best coverage."""
    kept, best = [], 0.0
    for hit in doc_hit.hits:
        coverage = passage_coverage(corpus, query, hit.passage)
        best = max(best, coverage)
        if coverage >= MIN_COVERAGE - _EPS:
            kept.append(hit)
    return kept, best


def _candidates(corpus: Corpus, query: Query, depth: int) -> list[DocumentHit]:
    """Documents by BM25 of the query's own terms (exact), plus EXPANSION times the BM25 of
    the related terms looked for in their place."""
    terms = [t for t in tokenize(query.text) if t in query.weights]
    hits = {s.passage: s.score for s in corpus.index.search(terms, depth)}
    extra = sorted({a for alts in query.alternatives.values() for a in alts} - set(terms))
    for s in corpus.index.search(extra, depth) if extra else ():
        hits[s.passage] = hits.get(s.passage, 0.0) + EXPANSION * s.score
    return corpus.group_hits([Hit(corpus.passage(p), score) for p, score in hits.items()], depth)


def find(
    corpus: Corpus, text: str, limit: int = 10, depth: int = DEPTH, expand_all: bool = False
) -> Findings:
    """The documents (at most `limit`) and sentences on `text` that pass the coverage rule;
    `expand_all` looks for every term's related words, not only the rare terms' (cite)."""
    query = parse_query(corpus, text, expand_all)
    vocab = corpus.index.vocab
    if query.missing_name or query.mass <= 0:
        return Findings(query)
    if not any(t in vocab or t in query.alternatives for t in query.weights):
        return Findings(query)
    ranked: list[tuple[float, float, int, DocumentHit]] = []
    coverage: dict[str, float] = {}
    for doc_hit in _candidates(corpus, query, depth):
        hits, best = _relevant_hits(corpus, query, doc_hit)
        if not hits:
            continue
        doc = doc_hit.document
        coverage[doc.id] = best
        rest = sum(h.score for h in hits[1:])
        ranked.append(
            (
                -hits[0].score,
                -rest,
                corpus.ids[doc.id],
                DocumentHit(doc, hits[0].score, tuple(hits)),
            )
        )
    ranked.sort(key=lambda item: item[:3])
    documents = tuple(item[3] for item in ranked[:limit])
    evidence = [e for rank, d in enumerate(documents) for e in _sentence_evidence(query, rank, d)]
    return Findings(
        query,
        documents,
        {d.document.id: coverage[d.document.id] for d in documents},
        tuple(evidence),
    )
