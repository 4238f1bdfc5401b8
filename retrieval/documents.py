"""Documents of a corpus folder: metadata, paragraphs and anchored sentences."""

from __future__ import annotations

import bisect
import enum
import hashlib
import logging
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from retrieval import cancel
from retrieval import metadata as meta
from retrieval.formats import Extracted
from retrieval.metadata import Metadata
from retrieval.progress import BuildProgress, ProgressCallback, Stage
from retrieval.reader import (
    DEFAULT_MAX_BYTES,
    CorpusError,
    Skipped,
    SourceFile,
    decode_file,
    find_files,
    read_raw,
)
from retrieval.sentences import split_spans, trimmed

log = logging.getLogger(__name__)

_BULLET = re.compile(r"(?:[-*•–·]|\d{1,2}[.)])\s+")
_WORD = re.compile(r"[^\W_]+")
_TERMINAL = tuple('.!?:;"”’)…')
MIN_SENTENCE_WORDS = 3
# Bump when parsing (metadata, sentences, ids) changes for any file: persisted indexes embed it.
DOCUMENT_VERSION = "4"


class SentenceKind(enum.Enum):
    """Where a sentence stands in its document."""

    HEADLINE = "headline"
    BULLET = "bullet"
    BODY = "body"


@dataclass(frozen=True, slots=True, order=True)
class Anchor:
    """A stable place in a document: its id, paragraph and sentence (both 1-based), and the
    page it stands on for formats with pages (PDF)."""

    doc_id: str
    paragraph: int
    sentence: int
    page: int | None = None

    @property
    def place(self) -> str:
        """The anchor without its page: `doc#p15.s1`."""
        return f"{self.doc_id}#p{self.paragraph}.s{self.sentence}"

    def __str__(self) -> str:
        return self.place if self.page is None else f"{self.place} (p. {self.page})"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A verbatim sentence: `text == document.text[start:end]`."""

    anchor: Anchor
    start: int
    end: int
    text: str
    kind: SentenceKind


@dataclass(frozen=True, slots=True)
class Document:
    """One corpus file, read and split."""

    id: str
    path: str
    text: str
    metadata: Metadata
    sentences: tuple[Sentence, ...]
    sha256: str
    mtime: float
    first_seen: float | None = None  # when the index first met this text (epoch seconds)
    pages: tuple[int, ...] = ()  # offset in text where each page starts (PDF), else empty

    @property
    def title(self) -> str:
        """The headline, else the opening words of the first sentence, else the id."""
        if self.metadata.title:
            return self.metadata.title
        if self.sentences:
            first = self.sentences[0].text
            return first if len(first) <= 90 else first[:89].rsplit(" ", 1)[0] + "…"
        return self.id


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The documents that loaded, the files that did not (each named in a warning), and the
    digest of every listed file's bytes as read for this load (see `retrieval.reader`)."""

    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...]
    digests: Mapping[str, str] = field(default_factory=dict)


def page_at(pages: tuple[int, ...], offset: int) -> int | None:
    """The 1-based page that the text at `offset` stands on, or None without pages."""
    return bisect.bisect_right(pages, offset) if pages else None


def _lines(text: str, start: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-blank line from `start`, surrounding whitespace trimmed."""
    for m in re.finditer(r"[^\r\n]+", text[start:]):
        yield from trimmed(text, m.start() + start, m.end() + start)


# Hard-wrapped text (wire copy, plain-text mail, RFCs) breaks lines at 60-80 columns.
_WRAP_WIDTHS = range(40, 121)
_FIRST_WORD = re.compile(r"\S+")


def paragraph_spans(text: str, start: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph from `start`: a non-blank line, or hard-wrapped lines.

    In a run of lines without a blank line between them, a break is a wrap when the block looks
    hard-wrapped (its longest line is 40-120 characters) and the next line's first word would
    not have fitted on the line: the writer's editor moved it down. Otherwise the break was
    typed (a list, a heading, a one-line paragraph) and each line stays a paragraph. Spans are
    trimmed; a wrapped paragraph keeps its line breaks, so offsets stay exact.
    """
    block: list[tuple[int, int]] = []
    for line in _lines(text, start):
        if block and text.count("\n", block[-1][1], line[0]) > 1:
            yield from _unwrapped(text, block)
            block = []
        block.append(line)
    yield from _unwrapped(text, block)


def _unwrapped(text: str, block: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """The paragraphs of a block of adjacent lines, wrapped lines joined."""
    if not block:
        return
    width = max(e - s for s, e in block)
    begin, (line_start, line_end) = block[0][0], block[0]
    for s, e in block[1:]:
        word = _FIRST_WORD.match(text, s)
        fits = word is not None and line_end - line_start + 1 + len(word[0]) <= width
        # A dash after a full line that ends mid-sentence is a wrapped dash ("90 jobs\n- 17%").
        dash = text[s] in "-–" and text[line_end - 1].isalnum()
        if width not in _WRAP_WIDTHS or fits or (_BULLET.match(text, s) and not dash):
            yield begin, line_end
            begin = s
        line_start, line_end = s, e
    yield begin, line_end


def _trailing_boilerplate(text: str, lines: list[tuple[int, int]]) -> tuple[int, Metadata]:
    """How many lines are body, and what the trailing boilerplate says (source, author)."""
    cut, found = len(lines), Metadata()
    while cut > 1:
        line = text[slice(*lines[cut - 1])]
        source = meta.SOURCE_LINE.fullmatch(line)
        extra = meta.source_of(source["value"]) if source else meta.is_boilerplate(line)
        if extra is None:
            break
        found = meta.merge(found, extra)
        cut -= 1
    return cut, found


def _metadata_line(line: str) -> Metadata | None:
    """Metadata if the line only carries metadata (a date, source or byline line)."""
    published = meta.PUBLISHED_LINE.fullmatch(line)
    if published and len(line) <= 80:
        date = meta.parse_date(published["value"])
        if date:
            return Metadata(published=date)
    source = meta.SOURCE_LINE.fullmatch(line)
    if source and len(line) <= 300:
        return meta.source_of(source["value"])
    byline = meta.BYLINE.fullmatch(line)
    if byline:
        return Metadata(author=byline["name"])
    return None


def _has_words(text: str, start: int, end: int, wanted: int = MIN_SENTENCE_WORDS) -> bool:
    """Whether text[start:end] holds `wanted` words: one search per word, stopping at the last
    wanted (a count of every word, or a generator over them, was an ingest hot spot)."""
    for _ in range(wanted):
        word = _WORD.search(text, start, end)
        if word is None:
            return False
        start = word.end()
    return True


def _is_label(line: str) -> bool:
    """Section labels ("Synopsis", "Key Takeaways") are not sentences."""
    return len(line.split()) <= 4 and not line.endswith(_TERMINAL)


def parse_document(source: SourceFile, doc_id: str) -> Document:
    """Read metadata and anchored sentences out of a decoded file."""
    text, extracted = source.text, source.extracted
    pages = extracted.pages if extracted else ()
    if extracted:  # a parsed format: its own metadata stands where front matter would
        front, body_start = _extracted_metadata(extracted), 0
    else:
        front, body_start = meta.read_front_matter(text, source.relpath)
    lines = list(paragraph_spans(text, body_start))
    cut, found = _trailing_boilerplate(text, lines)
    sentences: list[Sentence] = []
    for number, (start, end) in enumerate(lines[:cut], start=1):
        line = text[start:end]
        kind = SentenceKind.BODY
        if number == 1:
            prefix = meta.DATE_PREFIX.match(line)
            if prefix:
                found = meta.merge(found, Metadata(published=meta.parse_date(prefix["date"])))
                start += prefix.end()
                line = text[start:end]
                if start >= end:
                    continue
        extra = _metadata_line(line)
        if extra is not None:
            found = meta.merge(found, extra)
            continue
        if number == 1 and meta.reads_as_headline(line):
            found = meta.merge(found, Metadata(title=line))
            anchor = Anchor(doc_id, 1, 1, page_at(pages, start))
            sentences.append(Sentence(anchor, start, end, line, kind.HEADLINE))
            continue
        if _is_label(line):
            continue
        bullet = _BULLET.match(line)
        if bullet:
            kind, start = SentenceKind.BULLET, start + bullet.end()
        dateline = meta.DATELINE.match(text, start, end)
        if dateline:
            published = meta.parse_date(dateline["date"])
            found = meta.merge(found, Metadata(outlet=dateline["outlet"], published=published))
            start = dateline.end()
        for index, (s, e) in enumerate(split_spans(text, start, end), start=1):
            if _has_words(text, s, e):
                anchor = Anchor(doc_id, number, index, page_at(pages, s))
                sentences.append(Sentence(anchor, s, e, text[s:e], kind))
    return Document(
        id=doc_id,
        path=source.relpath,
        text=text,
        metadata=meta.merge(front, found),
        sentences=tuple(sentences),
        sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        mtime=source.mtime,
        pages=pages,
    )


def _extracted_metadata(found: Extracted) -> Metadata:
    return Metadata(found.title, found.outlet, found.published, found.url, found.author)


def _unique_id(relpath: str, taken: set[str]) -> str:
    """The file stem, else the path without (then with) its suffix, else the path numbered."""
    stem = Path(relpath).stem
    if stem not in taken:
        return stem
    # "a/x.txt" and "b/x.txt" share a stem, "x.txt" and "x.md" share a path without suffix.
    candidates = [relpath.rsplit(".", 1)[0], relpath]
    candidates += (f"{relpath}~{n}" for n in range(2, len(taken) + 3))
    fallback = next(c for c in candidates if c not in taken)
    log.warning("%s: id %r is taken by another file, using %r", relpath, stem, fallback)
    return fallback


def load_documents(
    root: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stop: threading.Event | None = None,
    progress: ProgressCallback | None = None,
    files: Sequence[tuple[str, Path]] | None = None,
    taken: frozenset[str] = frozenset(),
) -> LoadResult:
    """Load every readable document under root (or only `files`); raise CorpusError if none loads.

    `progress`, if given, hears after each file how many were read and passages found. Ids
    avoid those in `taken` (documents indexed elsewhere).
    """
    from retrieval.passages import group_passages  # passages imports this module

    documents: list[Document] = []
    skipped: list[Skipped] = []
    ids: set[str] = set(taken)
    digests: dict[str, str] = {}
    real_root = os.path.realpath(root)
    files = find_files(root) if files is None else files
    started, passages = time.perf_counter(), 0
    for done, (relpath, path) in enumerate(files, start=1):
        cancel.check(stop)
        raw = read_raw(path, relpath, max_bytes, real_root)
        digests[relpath] = raw.digest
        source = decode_file(raw)
        doc = None
        if isinstance(source, Skipped):
            skipped.append(source)
        else:
            doc = parse_document(source, _unique_id(relpath, ids))
            if not doc.sentences:
                log.warning("skipping %s: no sentences found", relpath)
                skipped.append(Skipped(relpath, "no sentences found"))
            else:
                ids.add(doc.id)
                documents.append(doc)
        if progress is not None:
            passages += len(group_passages(doc.sentences)) if doc is not None else 0
            elapsed = time.perf_counter() - started
            progress(BuildProgress(Stage.READING, done, len(files), passages, elapsed))
    if not documents:
        shown = ", ".join(s.path for s in skipped[:3]) + (", …" if len(skipped) > 3 else "")
        raise CorpusError(
            f"no readable document in {root}" + (f" (skipped: {shown})" if skipped else "")
        )
    return LoadResult(tuple(documents), tuple(skipped), digests)
