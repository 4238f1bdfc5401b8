"""The briefing: what is new in a window, grouped into stories, with key figures and sources.

A document is new when it was first seen (indexed) or published within `[since, now)`; a
publication date without a time counts for its whole UTC day. Without `since`, the window is the
last `hours` hours. When nothing is new the answer says so, carries the most recent stories
instead, and sets `new = False`: an on-demand briefing shows it, a scheduled one is not
posted. The clock is a parameter (`now`), so the answer is a pure function of its arguments.
"""

from __future__ import annotations

import datetime as dt
import logging
import weakref
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from answers.defaults import DEFAULT_HOURS
from answers.figures import group_figures, to_figures
from answers.models import BriefingAnswer, Category, Citations, Figure, Source, Story
from answers.moments import micros, moments
from answers.overlap import Weigher, weigher
from answers.quotes import sentence_quote
from answers.relevance import Evidence, Ranked, rank, read, sentence_evidence
from answers.sources import document_source, nothing_found, partly_found
from answers.stories import Focus, Grouped, Vector, cluster, document_vector, group_story
from retrieval.corpus import Corpus
from retrieval.documents import Document, Sentence, SentenceKind

log = logging.getLogger(__name__)

MAX_STORIES = 8
RECENT_DOCUMENTS = 5  # what "the most recent stories" draw on when nothing is new
MAX_DOCUMENTS = 120  # the most recent new documents a briefing clusters (clustering is O(n^2))
FIGURES_PER_STORY = 3
MAX_FIGURES = 8
# Key figures are the measured and counted ones; dates and bare numbers need their sentence.
_KEY = frozenset(Category) - {Category.DATE, Category.YEAR, Category.ORDINAL, Category.NUMBER}
NOTHING_NEW = "Nothing new since {since} UTC. The most recent stories:"


def _utc(moment: dt.datetime) -> dt.datetime:
    """Aware UTC; a naive datetime is taken to be UTC already."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _stories(
    corpus: Corpus, numbers: Sequence[int], weight: Weigher, focus: Focus | None
) -> list[Grouped]:
    """Stories of the given documents: bigger first, then the most recent, then corpus order."""
    docs = [corpus.document(n) for n in numbers]
    vectors = [document_vector(d, weight) for d in docs]
    recency = moments(corpus).latest(np.asarray(numbers, dtype=np.int64)).tolist()
    groups = sorted(
        _clusters(corpus, numbers, vectors),
        key=lambda g: (-len(g), -max(recency[i] for i in g), g),
    )
    stories: list[Grouped] = []
    for g in groups:
        story = group_story(
            [docs[i] for i in g], [vectors[i] for i in g], weight, len(stories), focus
        )
        if story is not None:
            stories.append(story)
            if len(stories) == MAX_STORIES:  # groups come biggest first: the rest are not shown
                break
    return stories


# The last few clusterings, by corpus and documents: every briefing of a window (scheduled, on
# demand, in each channel) clusters the same recent documents until a new one comes.
CLUSTERINGS_KEPT = 16
_CLUSTERINGS: weakref.WeakKeyDictionary[Corpus, dict[tuple[int, ...], list[list[int]]]] = (
    weakref.WeakKeyDictionary()
)


def _clusters(corpus: Corpus, numbers: Sequence[int], vectors: Sequence[Vector]) -> list[list[int]]:
    """`cluster(vectors)` of these documents' vectors, remembered for the corpus."""
    kept = _CLUSTERINGS.setdefault(corpus, {})
    key = tuple(numbers)
    found = kept.get(key)
    if found is None:
        found = cluster(vectors)
        if len(kept) >= CLUSTERINGS_KEPT:
            del kept[next(iter(kept))]  # the oldest
        kept[key] = found
    return found


def _key_figures(grouped: Grouped, numbers: Citations) -> list[Figure]:
    """The story's measured and counted figures, most central sentence first, one per number."""
    figures, seen = [], set()
    for f in to_figures(group_figures(grouped.sentences, lambda e: e.coverage), numbers):
        if f.category in _KEY and (f.category, f.number) not in seen:
            seen.add((f.category, f.number))
            figures.append(f)
    return figures


def _best_passage(grouped: Grouped, doc: Document) -> tuple[Sentence, float]:
    """A document's best sentence in its story, never its headline (listed as the title
    already) while it has a body sentence: one in the story, else its first. A document with
    no sentence in the story (none of its own is on the topic) is cited by its first, with
    coverage 0."""
    own = [e for e in grouped.sentences if e.document.id == doc.id]
    body = [e for e in own if e.sentence.kind is not SentenceKind.HEADLINE]
    if body:
        return body[0].sentence, body[0].coverage
    fallback = own[0].sentence if own else doc.sentences[0]
    lead = next((s for s in doc.sentences if s.kind is SentenceKind.BODY), fallback)
    return lead, own[0].coverage if own else 0.0


def _assemble(
    grouped: Sequence[Grouped],
) -> tuple[tuple[Story, ...], tuple[Figure, ...], tuple[Source, ...]]:
    """Number the sources in story order and turn each group into a cited story."""
    sources: list[Source] = []
    for g in grouped:
        for doc in g.documents:
            sentence, coverage = _best_passage(g, doc)
            sources.append(document_source(len(sources) + 1, doc, sentence, coverage))
    numbers = Citations.of(sources)
    stories, key = [], []
    for g in grouped:
        markers = tuple(numbers[d.id] for d in g.documents)
        own = numbers[g.headline.document.id]
        figures = _key_figures(g, numbers)[:FIGURES_PER_STORY]
        key.extend(figures)
        stories.append(
            Story(
                headline=sentence_quote(
                    g.headline.document.id,
                    g.headline.sentence,
                    (own, *(m for m in markers if m != own)),
                    g.headline.coverage,
                ),
                quotes=tuple(
                    sentence_quote(e.document.id, e.sentence, (numbers[e.document.id],), e.coverage)
                    for e in g.quotes
                ),
                markers=markers,
                figures=tuple(figures),
            )
        )
    key.sort(key=lambda f: -f.score)
    return tuple(stories), tuple(key[:MAX_FIGURES]), tuple(sources)


def _focus(corpus: Corpus, ranked: Ranked, recent: Sequence[int]) -> Focus | None:
    """The coverage of each sentence on the topic, for the stories to keep to; None when no
    relevant document has one (the topic is spread over several sentences).

    Only the documents that make stories are read whole; the others only to learn whether
    any sentence at all is on the topic, when none of these is.
    """
    hits = dict(ranked.documents)

    def on_topic(number: int) -> list[Evidence]:
        return sentence_evidence(ranked.query, 0, read(corpus, number, hits[number]))

    focus = {(e.document.id, e.index): e.coverage for n in recent for e in on_topic(n)}
    if focus:
        return focus
    chosen = set(recent)
    others = (n for n, _ in ranked.documents if n not in chosen)
    return {} if any(on_topic(n) for n in others) else None


def _recent(
    corpus: Corpus, candidates: npt.NDArray[np.int64], window: tuple[dt.datetime, dt.datetime]
) -> npt.NDArray[np.int64]:
    """The candidates (in corpus order) first seen or published in the window."""
    since, until = (micros(w) for w in window)
    kept: npt.NDArray[np.int64] = candidates[moments(corpus).new(candidates, since, until)]
    return kept


def answer_briefing(
    corpus: Corpus,
    topic: str = "",
    since: dt.datetime | None = None,
    now: dt.datetime | None = None,
    hours: float = DEFAULT_HOURS,
) -> BriefingAnswer:
    """What is new in [since, now) (default: the last `hours`), optionally on one topic."""
    until = _utc(now) if now is not None else dt.datetime.now(dt.UTC)
    start = _utc(since) if since is not None else until - dt.timedelta(hours=hours)
    window = (min(start, until), until)  # a `since` in the future is an empty window
    candidates, ranked, notice = np.arange(corpus.document_count, dtype=np.int64), None, None
    if topic.strip():
        ranked = rank(corpus, topic, limit=corpus.document_count)
        if not ranked.documents:
            notice = nothing_found(ranked.query)
            return BriefingAnswer(topic, notice=notice, window=window)
        candidates = np.asarray(sorted(n for n, _ in ranked.documents), dtype=np.int64)
        notice = partly_found(ranked.query)
    fresh = _recent(corpus, candidates, window)
    new = bool(len(fresh))
    if not new:
        fresh = candidates
        notice = NOTHING_NEW.format(since=window[0].strftime("%Y-%m-%d %H:%M"))
    cap = MAX_DOCUMENTS if new else RECENT_DOCUMENTS
    # The most recent first (ties: corpus order, as `fresh` is), then in corpus order.
    by_recency = np.argsort(-moments(corpus).latest(fresh), kind="stable")
    recent = sorted(fresh[by_recency[:cap]].tolist())
    focus = _focus(corpus, ranked, recent) if ranked else None
    stories, figures, sources = _assemble(_stories(corpus, recent, weigher(corpus), focus))
    return BriefingAnswer(
        topic,
        sources=sources,
        stories=stories,
        figures=figures,
        notice=notice,
        window=window,
        new=new and bool(stories),
        documents=len(fresh) if new else 0,
    )
