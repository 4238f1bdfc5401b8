"""The four engines of bench_ingest.py, each driven the same way from a fresh process.

    python -m benchmarks.ingest_engines ENGINE PHASE FOLDER DATA [ARG]

Phases: `build` (folder -> persisted index), `answer` (open the index, answer the query ARG,
print the first hit: a restart), `queries` (open, then time each query of the JSON file ARG;
prints p50/p95 ms), `update` (open, apply the files changed since the build, answer ARG).
Peers index one row per paragraph (a line of a generated file), as briefbot indexes passages.
briefbot finds changed files itself; the peers are told which (relative paths in
FOLDER/../changed.json), so their update time is a lower bound on a real one.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
K = 10
Search = Callable[[str], list[str]]


def _paragraphs(folder: Path, relpaths: list[str] | None = None) -> Iterator[tuple[str, str]]:
    """(relative path, paragraph) for every non-empty line of every file (or of relpaths)."""
    if relpaths is None:
        relpaths = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.txt") if p.is_file())
    for rel in relpaths:
        path = folder / rel
        if not path.exists():
            continue
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                yield rel, line


def _changed(folder: Path) -> list[str]:
    return list(json.loads((folder.parent / "changed.json").read_text("utf-8")))


# --- briefbot: the real command line, so a restart is what a user waits for ---------------


def command(engine: str, phase: str, folder: Path, data: Path, arg: str = "") -> list[str]:
    """The command line of one phase; briefbot's build, restart and update are its own CLI."""
    if engine == "briefbot" and phase != "queries":
        args = ["index"] if phase == "build" else ["search", arg]
        return [sys.executable, "-m", "bot", *args, "--corpus", str(folder)]
    here = [sys.executable, "-m", "benchmarks.ingest_engines"]
    return [*here, engine, phase, str(folder), str(data), arg]


def environment(data: Path) -> dict[str, str]:
    """Unbuffered output (the first byte is the first answer), our code, the data folder."""
    extra = {"PYTHONPATH": str(REPO), "BRIEFBOT_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1"}
    return {**os.environ, **extra}


def _briefbot_open(folder: Path, data: Path) -> Search:
    from retrieval.store import open_corpus
    from retrieval.tokenizer import tokenize

    corpus = open_corpus(folder, data).corpus
    corpus.index.warm()
    return lambda q: [str(s.passage) for s in corpus.index.search(tokenize(q), K)]


# --- tantivy ------------------------------------------------------------------------------


def _tantivy_index(data: Path, create: bool = False) -> object:
    import tantivy

    schema = tantivy.SchemaBuilder()
    schema.add_text_field("path", stored=True, tokenizer_name="raw")
    schema.add_text_field("text", stored=True, tokenizer_name="en_stem")
    built = schema.build()
    (data / "tantivy").mkdir(parents=True, exist_ok=True)
    return tantivy.Index(built, path=str(data / "tantivy"), reuse=not create)


def _tantivy_build(folder: Path, data: Path) -> None:
    import tantivy

    index = _tantivy_index(data, create=True)
    writer = index.writer(heap_size=256_000_000, num_threads=2)  # type: ignore[attr-defined]
    for rel, text in _paragraphs(folder):
        writer.add_document(tantivy.Document(path=rel, text=text))
    writer.commit()
    writer.wait_merging_threads()


def _tantivy_open(folder: Path, data: Path) -> Search:
    index = _tantivy_index(data)
    index.reload()  # type: ignore[attr-defined]
    searcher = index.searcher()  # type: ignore[attr-defined]

    def search(q: str) -> list[str]:
        query = index.parse_query(_words(q), ["text"])  # type: ignore[attr-defined]
        return [str(addr) for _, addr in searcher.search(query, K).hits]

    return search


def _tantivy_update(folder: Path, data: Path) -> Search:
    import tantivy

    index = _tantivy_index(data)
    writer = index.writer(heap_size=64_000_000, num_threads=1)  # type: ignore[attr-defined]
    for rel in _changed(folder):
        writer.delete_documents_by_term("path", rel)
    for rel, text in _paragraphs(folder, _changed(folder)):
        writer.add_document(tantivy.Document(path=rel, text=text))
    writer.commit()
    return _tantivy_open(folder, data)


# --- SQLite FTS5 --------------------------------------------------------------------------


def _fts_connect(data: Path) -> object:
    import sqlite3

    data.mkdir(parents=True, exist_ok=True)
    return sqlite3.connect(data / "fts.sqlite")


def _fts_build(folder: Path, data: Path) -> None:
    db = _fts_connect(data)
    db.execute(  # type: ignore[attr-defined]
        "CREATE VIRTUAL TABLE p USING fts5(path UNINDEXED, text, tokenize='porter')"
    )
    with db:  # type: ignore[attr-defined]
        db.executemany("INSERT INTO p(path, text) VALUES (?, ?)", _paragraphs(folder))  # type: ignore[attr-defined]
    db.close()  # type: ignore[attr-defined]


def _fts_open(folder: Path, data: Path) -> Search:
    db = _fts_connect(data)
    sql = "SELECT rowid FROM p WHERE p MATCH ? ORDER BY rank LIMIT ?"

    def search(q: str) -> list[str]:
        match = " OR ".join(f'"{w}"' for w in _words(q).split())
        return [str(r[0]) for r in db.execute(sql, (match, K))]  # type: ignore[attr-defined]

    return search


def _fts_update(folder: Path, data: Path) -> Search:
    db = _fts_connect(data)
    changed = _changed(folder)
    with db:  # type: ignore[attr-defined]
        db.executemany("DELETE FROM p WHERE path = ?", [(r,) for r in changed])  # type: ignore[attr-defined]
        db.executemany(  # type: ignore[attr-defined]
            "INSERT INTO p(path, text) VALUES (?, ?)", _paragraphs(folder, changed)
        )
    db.close()  # type: ignore[attr-defined]
    return _fts_open(folder, data)


# --- bm25s (numba backend); it has no update: a change rebuilds ---------------------------


def _bm25s_tokenize(texts: list[str]) -> object:
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    return bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)


def _bm25s_build(folder: Path, data: Path) -> None:
    import bm25s

    texts = [text for _, text in _paragraphs(folder)]
    retriever = bm25s.BM25()
    retriever.index(_bm25s_tokenize(texts), show_progress=False)
    retriever.save(str(data / "bm25s"))


def _bm25s_open(folder: Path, data: Path, backend: str = "numpy") -> Search:
    """numba only for the warm queries: bm25s does not cache its kernels, a restart compiles."""
    import bm25s
    import Stemmer

    params = {"backend": backend}
    retriever = bm25s.BM25.load(str(data / "bm25s"), mmap=True, override_params=params)
    stemmer = Stemmer.Stemmer("english")

    def search(q: str) -> list[str]:
        tokens = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False)
        docs, _ = retriever.retrieve(tokens, k=K, show_progress=False, n_threads=1)
        return [str(d) for d in docs[0].tolist()]

    return search


def _bm25s_update(folder: Path, data: Path) -> Search:
    _bm25s_build(folder, data)
    return _bm25s_open(folder, data)


def _words(q: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", q.lower()))


def _percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _time_queries(search: Search, texts: list[str]) -> dict[str, float]:
    for q in texts[:20]:
        search(q)  # warm: caches, compiled code
    times = []
    for q in texts:
        t0 = time.perf_counter()
        search(q)
        times.append((time.perf_counter() - t0) * 1000)
    p50, p95 = _percentiles(times)
    return {"p50": p50, "p95": p95}


ENGINES = {
    "tantivy": (_tantivy_build, _tantivy_open, _tantivy_update),
    "fts5": (_fts_build, _fts_open, _fts_update),
    "bm25s": (_bm25s_build, _bm25s_open, _bm25s_update),
}


def main(argv: list[str]) -> int:
    engine, phase, folder, data = argv[0], argv[1], Path(argv[2]), Path(argv[3])
    arg = argv[4] if len(argv) > 4 else ""
    if engine == "briefbot":
        opener: Callable[[Path, Path], Search] = _briefbot_open
    else:
        build, opener, update = ENGINES[engine]
        if phase == "build":
            build(folder, data)
            return 0
        if phase in ("answer", "update"):
            search = (opener if phase == "answer" else update)(folder, data)
            print(" ".join(search(arg)) or "(no hits)")
            return 0
    texts = json.loads(Path(arg).read_text("utf-8"))
    search = _bm25s_open(folder, data, "numba") if engine == "bm25s" else opener(folder, data)
    print(json.dumps(_time_queries(search, texts)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
