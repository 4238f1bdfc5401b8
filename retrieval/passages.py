"""Passages: runs of a few consecutive sentences of one paragraph, the unit BM25 ranks."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.documents import Sentence, SentenceKind

# Bump when the grouping changes: persisted indexes embed it.
PASSAGE_VERSION = "1"
MAX_SENTENCES = 3
MAX_WORDS = 90


def group_passages(sentences: Sequence[Sentence]) -> list[tuple[int, int]]:
    """[start, end) ranges over `sentences`: same paragraph, at most 3 sentences or ~90 words."""
    ranges: list[tuple[int, int]] = []
    start, words = 0, 0
    for i, sentence in enumerate(sentences):
        count = len(sentence.text.split())  # runs of non-space, as a regex \S+ counts them
        if i > start and (
            sentence.anchor.paragraph != sentences[start].anchor.paragraph
            or sentence.kind is SentenceKind.HEADLINE
            or sentences[start].kind is SentenceKind.HEADLINE
            or i - start >= MAX_SENTENCES
            or words + count > MAX_WORDS
        ):
            ranges.append((start, i))
            start, words = i, 0
        words += count
    if sentences:
        ranges.append((start, len(sentences)))
    return ranges
