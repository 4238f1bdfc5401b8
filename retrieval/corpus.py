"""A searchable corpus: documents, sentences and passages as flat arrays, plus the BM25 index."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from retrieval import cancel
from retrieval.bm25 import BM25Params
from retrieval.documents import Anchor, Document, Sentence, SentenceKind, page_at
from retrieval.index import BM25Index, Scored
from retrieval.metadata import Metadata
from retrieval.passages import group_passages
from retrieval.tokenizer import tokenize

log = logging.getLogger(__name__)

_KINDS = list(SentenceKind)
_SENTENCE_ARRAYS = ("sent_para", "sent_num", "sent_start", "sent_end", "sent_kind")
_ARRAYS = (*_SENTENCE_ARRAYS, "doc_sent_ptr", "passage_ptr", "passage_doc", "text_ptr")
_Array = npt.NDArray[Any]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Passage:
    """A few consecutive sentences of one paragraph; `text` is verbatim from the document."""

    number: int
    doc_id: str
    sentences: tuple[Sentence, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    """A passage that contains a query term, with its BM25Okapi score."""

    passage: Passage
    score: float


@dataclass(frozen=True, slots=True)
class DocumentHit:
    """A document ranked by its best passage (ties: its next best), with its matching passages."""

    document: Document
    score: float
    hits: tuple[Hit, ...]

    @property
    def best(self) -> Hit:
        return self.hits[0]


def _doc_record(doc: Document) -> dict[str, Any]:
    m = doc.metadata
    return {
        "id": doc.id,
        "path": doc.path,
        "title": m.title,
        "outlet": m.outlet,
        "published": m.published.isoformat() if m.published else None,
        "url": m.url,
        "author": m.author,
        "sha256": doc.sha256,
        "mtime": doc.mtime,
        "first_seen": doc.first_seen,
        "pages": list(doc.pages),
    }


class _Records(Sequence[dict[str, Any]]):
    """Saved document records (JSON lines, memory-mapped), each parsed when first asked for.

    A restart reads none of them: a one-shot answer parses the few records of its hits, not a
    30 MB JSON list of every document.
    """

    def __init__(self, lines: bytes | _Array, offsets: _Array) -> None:
        self._lines, self._offsets = lines, offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, number: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, number: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, number: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(number, slice):
            return [self[i] for i in range(*number.indices(len(self)))]
        if not -len(self) <= number < len(self):
            raise IndexError(number)
        number %= len(self)
        lo, hi = int(self._offsets[number]), int(self._offsets[number + 1])
        record: dict[str, Any] = json.loads(bytes(self._lines[lo:hi]))
        return record


def _save_records(folder: Path, records: Sequence[dict[str, Any]]) -> None:
    """One JSON line per document, their byte offsets, and the ids alone (for `Corpus.ids`)."""
    lines = [json.dumps(rec, ensure_ascii=False).encode("utf-8") + b"\n" for rec in records]
    (folder / "documents.jsonl").write_bytes(b"".join(lines))
    offsets = np.cumsum([0, *map(len, lines)], dtype=np.int64)
    np.save(folder / "doc_offsets.npy", offsets, allow_pickle=False)
    ids = [rec["id"] for rec in records]
    (folder / "doc_ids.json").write_text(json.dumps(ids, ensure_ascii=False), "utf-8")


def _map(path: Path) -> bytes | _Array:
    """A file's bytes, memory-mapped (an empty file cannot be mapped)."""
    return _mapped(path) if path.stat().st_size else b""


def _mapped(path: Path) -> _Array:
    """A read-only map as a plain ndarray: memmap's own indexing cost most of an answer."""
    if path.suffix == ".npy":
        return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
    return np.asarray(np.memmap(path, dtype=np.uint8, mode="r"))


class Corpus:
    """Documents, their sentences and passages, and a BM25 index over the passages."""

    def __init__(
        self,
        records: Sequence[dict[str, Any]],
        arrays: dict[str, _Array],
        texts: bytes | _Array,
        index: BM25Index,
        ids: Sequence[str] | None = None,
    ) -> None:
        self.records = records
        self.arrays = arrays
        self._texts = texts
        self.index = index
        listed = ids if ids is not None else [rec["id"] for rec in records]
        self.ids = {doc_id: i for i, doc_id in enumerate(listed)}

    @classmethod
    def from_documents(
        cls,
        documents: Sequence[Document],
        params: BM25Params,
        stop: threading.Event | None = None,
    ) -> Corpus:
        """Split documents into passages and index them (`stop`: see `retrieval.cancel`)."""
        columns: dict[str, list[int]] = {name: [] for name in _ARRAYS}
        blob, passage_texts = bytearray(), []
        columns["doc_sent_ptr"].append(0)
        columns["passage_ptr"].append(0)
        columns["text_ptr"].append(0)
        for number, doc in enumerate(documents):
            if number % 256 == 0:
                cancel.check(stop)
            base = len(columns["sent_para"])
            for s in doc.sentences:
                columns["sent_para"].append(s.anchor.paragraph)
                columns["sent_num"].append(s.anchor.sentence)
                columns["sent_start"].append(s.start)
                columns["sent_end"].append(s.end)
                columns["sent_kind"].append(_KINDS.index(s.kind))
            columns["doc_sent_ptr"].append(base + len(doc.sentences))
            for lo, hi in group_passages(doc.sentences):
                columns["passage_ptr"].append(base + hi)
                columns["passage_doc"].append(number)
                passage_texts.append(doc.text[doc.sentences[lo].start : doc.sentences[hi - 1].end])
            blob += doc.text.encode("utf-8")
            columns["text_ptr"].append(len(blob))
        dtypes = {
            "sent_kind": np.int8,
            "sent_para": np.int32,
            "sent_num": np.int32,
            "passage_doc": np.int32,
        }
        arrays = {
            name: np.asarray(values, dtype=dtypes.get(name, np.int64))
            for name, values in columns.items()
        }
        from retrieval.build import build_index  # numba and the worker pool: building only

        index = build_index(passage_texts, params, stop=stop)
        return cls([_doc_record(d) for d in documents], arrays, bytes(blob), index)

    def save(self, folder: Path) -> None:
        """Write everything as JSON, raw UTF-8 and .npy arrays (never pickle)."""
        folder.mkdir(parents=True, exist_ok=True)
        _save_records(folder, self.records)
        (folder / "texts.bin").write_bytes(bytes(self._texts))
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", self.arrays[name], allow_pickle=False)
        self.index.save(folder / "bm25")

    @classmethod
    def load(cls, folder: Path, compiled: bool = True) -> Corpus:
        """Map a saved corpus (arrays memory-mapped, read-only); see BM25Index for `compiled`."""
        arrays = {n: _mapped(folder / f"{n}.npy") for n in _ARRAYS}
        offsets = _mapped(folder / "doc_offsets.npy")
        lines = _map(folder / "documents.jsonl")
        ids = json.loads((folder / "doc_ids.json").read_text("utf-8"))
        # Records are parsed when used: check now that the files agree (a cut-off or
        # overwritten file is rebuilt by the store, not found out in the middle of an answer).
        if not (isinstance(ids, list) and len(ids) + 1 == len(offsets) == len(arrays["text_ptr"])):
            raise ValueError("document records and ids do not agree")
        if int(offsets[-1]) != len(lines) or (len(lines) and lines[-1] != ord("\n")):
            raise ValueError("documents.jsonl does not end where its offsets do")
        records = _Records(lines, offsets)
        index = BM25Index.load(folder / "bm25", compiled)
        return cls(records, arrays, _map(folder / "texts.bin"), index, ids)

    @property
    def document_count(self) -> int:
        return len(self.records)

    @property
    def passage_count(self) -> int:
        return len(self.arrays["passage_doc"])

    @property
    def sentence_count(self) -> int:
        return len(self.arrays["sent_para"])

    def metadata(self, number: int) -> Metadata:
        """One document's metadata without materializing its text."""
        rec = self.records[number]
        published = dt.date.fromisoformat(rec["published"]) if rec["published"] else None
        return Metadata(rec["title"], rec["outlet"], published, rec["url"], rec["author"])

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - the corpus lives as long as its cache
    def document(self, number: int) -> Document:
        """Document number `number` (see `ids`), with its text and sentences."""
        rec, text, ptr = self._record(number), self._text(number), self.arrays["doc_sent_ptr"]
        sentences = self._sentences(rec, text, int(ptr[number]), int(ptr[number + 1]))
        return Document(
            rec["id"],
            rec["path"],
            text,
            self.metadata(number),
            sentences,
            rec["sha256"],
            rec["mtime"],
            rec.get("first_seen"),
            tuple(rec.get("pages", ())),
        )

    # A passage reads its document's record and text, not the whole Document: ranking the
    # candidates of an answer reads a few passages of each of up to 200 documents.
    @functools.lru_cache(maxsize=256)  # noqa: B019 - the corpus lives as long as its cache
    def _record(self, number: int) -> dict[str, Any]:
        return self.records[number]

    @functools.lru_cache(maxsize=256)  # noqa: B019 - the corpus lives as long as its cache
    def _text(self, number: int) -> str:
        lo, hi = int(self.arrays["text_ptr"][number]), int(self.arrays["text_ptr"][number + 1])
        return bytes(self._texts[lo:hi]).decode("utf-8")

    def _sentences(
        self, rec: dict[str, Any], text: str, first: int, last: int
    ) -> tuple[Sentence, ...]:
        """Sentences `first:last` (numbered over the corpus) of the document of `rec`."""
        pages = tuple(rec.get("pages", ()))
        # One slice per column, then plain ints: indexing a memory map element by element
        # cost most of a one-shot answer (200 documents, 30k sentences).
        paras, nums, starts, ends, kinds = (
            self.arrays[name][first:last].tolist() for name in _SENTENCE_ARRAYS
        )
        return tuple(
            Sentence(
                Anchor(rec["id"], para, num, page_at(pages, start)),
                start,
                end,
                text[start:end],
                _KINDS[kind],
            )
            for para, num, start, end, kind in zip(paras, nums, starts, ends, kinds, strict=True)
        )

    def document_by_id(self, doc_id: str) -> Document:
        return self.document(self.ids[doc_id])

    def passage_text(self, number: int) -> str:
        """Passage `number`'s text alone, without building its document's sentences (cheap:
        an incremental commit tokenizes the passages of deleted documents again)."""
        a = self.arrays
        doc = int(a["passage_doc"][number])
        lo, hi = int(a["text_ptr"][doc]), int(a["text_ptr"][doc + 1])
        start = int(a["sent_start"][int(a["passage_ptr"][number])])
        end = int(a["sent_end"][int(a["passage_ptr"][number + 1]) - 1])
        return bytes(self._texts[lo:hi]).decode("utf-8")[start:end]

    def passage(self, number: int) -> Passage:
        """Passage `number`, with its sentences."""
        a = self.arrays
        doc_number = int(a["passage_doc"][number])
        rec, text = self._record(doc_number), self._text(doc_number)
        lo, hi = int(a["passage_ptr"][number]), int(a["passage_ptr"][number + 1])
        sentences = self._sentences(rec, text, lo, hi)
        return Passage(number, rec["id"], sentences, text[sentences[0].start : sentences[-1].end])

    def search(self, query: str, k: int = 10, within: BoolArray | None = None) -> list[Hit]:
        """The k passages that best match the query; none if no query term occurs.

        `within`, a mask over document numbers, keeps the search to those documents: they are
        selected before ranking, so a narrow filter still gets its k best passages.
        """
        return [
            Hit(self.passage(s.passage), s.score) for s in self.score(tokenize(query), k, within)
        ]

    def score(
        self, terms: Sequence[str], k: int = 10, within: BoolArray | None = None
    ) -> list[Scored]:
        """The k best passages (numbers and BM25 scores) for tokenized terms, kept `within`."""
        if within is None:
            return self.index.search(terms, k)
        return self.index.search_within(terms, k, self.arrays["passage_doc"], within)

    def rank_documents(
        self, query: str, k: int = 10, depth: int = 200, within: BoolArray | None = None
    ) -> list[DocumentHit]:
        """Documents ranked by their best passage among the top `depth` passages."""
        return self.group_hits(self.search(query, depth, within), k)

    def group_hits(self, hits: Sequence[Hit], k: int) -> list[DocumentHit]:
        """The hits' documents ranked by their best hit (ties: the sum of the rest), at most k."""
        return [DocumentHit(self.document(n), h[0].score, h) for n, h in self.rank_hits(hits, k)]

    def rank_hits(self, hits: Sequence[Hit], k: int) -> list[tuple[int, tuple[Hit, ...]]]:
        """As `group_hits`, as document numbers with their hits (best first): no document is
        read, so a caller that keeps few of them reads only those."""
        grouped: dict[str, list[Hit]] = {}
        for hit in sorted(hits, key=lambda h: (-h.score, h.passage.number)):
            grouped.setdefault(hit.passage.doc_id, []).append(hit)

        def _key(item: tuple[str, list[Hit]]) -> tuple[float, float, int]:
            hits = item[1]
            return (-hits[0].score, -sum(h.score for h in hits[1:]), self.ids[item[0]])

        ranked = sorted(grouped.items(), key=_key)[:k]
        return [(self.ids[doc_id], tuple(hits)) for doc_id, hits in ranked]
