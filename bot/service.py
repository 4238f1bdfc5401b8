"""The corpus the bot serves: opened off the event loop, swapped atomically on reload."""

from __future__ import annotations

import asyncio
import collections
import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import discord

from answers.compose import A, Request, compose, prepare
from answers.filters import outlets
from bot.embeds import render_pages
from bot.errors import UserError
from bot.markdown import render_markdown, title_of
from bot.settings import Settings
from retrieval.bm25 import BM25Params
from retrieval.cancel import BuildCancelled
from retrieval.commits import needs_compaction
from retrieval.progress import BuildProgress
from retrieval.store import OpenedCorpus, open_corpus

log = logging.getLogger(__name__)
T = TypeVar("T")
LOG_EVERY_SECONDS = 5.0  # a progress line in the log while a build runs


class IndexNotReady(UserError):
    """The first index is still being built or loaded; the message says how far it is."""


_PHRASE = re.compile(r"\b[A-Z][\w’'-]+(?:\s+(?:of\s+|the\s+)?[A-Z][\w’'-]+)+")


@dataclass(frozen=True, slots=True)
class ReloadResult:
    """What a reload did."""

    changed: bool
    documents: int
    passages: int
    seconds: float


def key_phrases(opened: OpenedCorpus, limit: int = 500) -> tuple[str, ...]:
    """Titles and recurring capitalized phrases of the corpus, for topic autocomplete."""
    corpus = opened.corpus
    counts: collections.Counter[str] = collections.Counter()
    titles: list[str] = []
    for number in range(min(corpus.document_count, 500)):
        doc = corpus.document(number)
        titles.append(doc.title)
        for sentence in doc.sentences:
            counts.update(m.group().replace("’", "'") for m in _PHRASE.finditer(sentence.text))
    phrases = [p for p, n in counts.most_common() if n >= 2 and len(p) <= 100]
    # Autocomplete choices must be 1-100 characters.
    ordered = dict.fromkeys([*phrases, *(t.strip()[:100] for t in titles if t.strip())])
    return tuple(ordered)[:limit]


class CorpusService:
    """Holds the current corpus; queries read the reference, reloads replace it whole."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """`clock` and `sleep` time the rebuilds that new feed articles ask for (tests)."""
        self.settings = settings
        self._clock, self._sleep = clock, sleep
        self._rebuilt_at = float("-inf")  # clock() when a reload last rebuilt the index
        self._refresh: asyncio.Task[None] | None = None
        self._outlets: tuple[OpenedCorpus | None, tuple[str, ...]] = (None, ())
        self._opened: OpenedCorpus | None = None
        self._phrases: tuple[str, ...] = ()
        self._phrases_task: asyncio.Task[None] | None = None
        self._answers = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answers")
        self._reload_lock = asyncio.Lock()
        self._stop = threading.Event()  # set by close(): a build in progress ends early
        self.loaded_at = 0.0
        self.last_error = ""  # why the latest reload failed; empty once one succeeds
        self.progress: BuildProgress | None = None  # of the build under way, if any
        self._logged_at = 0.0
        self._first: asyncio.Task[ReloadResult] | None = None
        self._compaction: asyncio.Task[None] | None = None

    def _open(self) -> OpenedCorpus:
        return self._load(rebuild=False)

    def _load(self, rebuild: bool) -> OpenedCorpus:
        s = self.settings
        params = BM25Params(k1=s.k1, b=s.b)
        try:
            return open_corpus(
                s.corpus_dir,
                s.data_dir,
                params,
                s.max_file_bytes,
                rebuild=rebuild,
                stop=self._stop,
                progress=self._on_progress,
            )
        except BuildCancelled:
            log.info("index build stopped: the bot is stopping")
            raise
        finally:
            self.progress = None

    def _on_progress(self, report: BuildProgress) -> None:
        """Called from the build's thread: keep the latest report, log one now and then."""
        self.progress = report  # one reference assignment: readers see this one or the last
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY_SECONDS:
            self._logged_at = now
            log.info("%s", report.describe())

    async def start(self, wait: float = 0.0) -> None:
        """Open (or build) the index in a worker thread, waiting at most `wait` seconds.

        The bot connects meanwhile; until the index is there, questions are told how long
        the build has left (`require_ready`). A failed first load is raised here if it
        fails within `wait`, and logged otherwise.
        """
        self._first = asyncio.create_task(self.reload())
        self._first.add_done_callback(_log_failure)
        done, _ = await asyncio.wait({self._first}, timeout=wait)
        if self._first in done:
            self._first.result()
            if self._phrases_task is not None:
                # A small corpus has its phrases at once; a large one must not delay answering.
                await asyncio.wait({self._phrases_task}, timeout=0.5)

    @property
    def first_load(self) -> asyncio.Task[ReloadResult] | None:
        """The first open of the index, once start() has begun it."""
        return self._first

    def require_ready(self) -> OpenedCorpus:
        """The open corpus, or IndexNotReady saying how far the first build is."""
        if self._opened is not None:
            return self._opened
        report = self.progress
        if report is None:
            raise IndexNotReady("I'm opening the document index; ask again in a few seconds.")
        raise IndexNotReady(f"I'm {report.describe()}. Ask again then.")

    async def _refresh_phrases(self, opened: OpenedCorpus) -> None:
        await asyncio.to_thread(prepare, opened)  # before anyone asks for a briefing
        phrases = await asyncio.to_thread(key_phrases, opened)
        if self._opened is opened:
            self._phrases = phrases

    @property
    def opened(self) -> OpenedCorpus:
        return self.require_ready()

    @property
    def ready(self) -> bool:
        return self._opened is not None

    async def reload(self) -> ReloadResult:
        """Rebuild if the files changed; queries keep using the old index until the swap."""
        async with self._reload_lock:
            started = time.perf_counter()
            try:
                opened = await asyncio.to_thread(self._open)
            except BuildCancelled:
                # close() stopped the build: the bot is stopping, nothing failed.
                raise asyncio.CancelledError("the corpus service is closing") from None
            except Exception as err:
                self.last_error = str(err) or type(err).__name__
                raise
            self.last_error = ""
            changed = self._opened is None or opened.key != self._opened.key
            # One reference assignment: a query holds either the old corpus or the new one.
            self._opened = opened
            self._compact_if_due(opened)
            if changed:  # phrases are read from the documents: only when they changed
                self._phrases_task = asyncio.create_task(self._refresh_phrases(opened))
                self._rebuilt_at = self._clock()
            self.loaded_at = time.time()
            seconds = time.perf_counter() - started
            if changed:
                log.info(
                    "corpus %s: %d documents, %d passages",
                    opened.key[:12],
                    opened.corpus.document_count,
                    opened.corpus.passage_count,
                )
            return ReloadResult(
                changed, opened.corpus.document_count, opened.corpus.passage_count, seconds
            )

    def _compact_if_due(self, opened: OpenedCorpus) -> None:
        """Updates left many deletions or small segments: rebuild as one, in the background."""
        if needs_compaction(opened.corpus) and (
            self._compaction is None or self._compaction.done()
        ):
            self._compaction = asyncio.create_task(self._compact())

    async def _compact(self) -> None:
        """A full rebuild of the same files (one segment), swapped in when it is done; the
        current index answers meanwhile, and reloads wait for it (they would wait for the
        store's build lock anyway)."""
        async with self._reload_lock:
            try:
                opened = await asyncio.to_thread(self._load, True)
            except Exception as err:  # the segments keep serving; the next update tries again
                log.warning("could not merge the index segments: %s", err)
                return
            if self._opened is None or opened.key == self._opened.key:
                self._opened = opened
                log.info("merged the index segments: %d documents", opened.corpus.document_count)

    async def compacted(self) -> None:
        """Wait for a background merge of the index segments, if one runs (tests)."""
        if self._compaction is not None:
            await asyncio.shield(self._compaction)

    def request_refresh(self) -> float:
        """Files were added (by a feed): reload once the last rebuild is `feeds_rebuild_minutes`
        old, answering from the current index until then. One refresh waits at a time, and it
        reads whatever the folder holds when it runs. Returns the seconds until it runs."""
        gap = self.settings.feeds_rebuild_minutes * 60
        delay = max(0.0, self._rebuilt_at + gap - self._clock())
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.create_task(self._refresh_after(delay))
        return delay

    async def refreshed(self) -> None:
        """Wait for the pending refresh, if any, to finish."""
        if self._refresh is not None:
            await asyncio.shield(self._refresh)

    async def _refresh_after(self, delay: float) -> None:
        if delay > 0:
            await self._sleep(delay)
        try:
            result = await self.reload()
        except Exception as err:  # the next feed round asks again; the old index keeps serving
            log.warning(
                "refresh after new feed articles failed, still serving the last index: %s", err
            )
            return
        log.info("refreshed for new feed articles: %d documents", result.documents)

    async def answer(self, request: Request[A]) -> A:
        """Compose an answer in a worker thread, so the gateway is never blocked."""
        opened = self.opened
        return await self._in_worker(lambda: compose(opened, request))

    async def pages(self, request: Request[A]) -> list[discord.Embed]:
        """Compose and render an answer's pages, both in the worker thread.

        Rendering costs about a millisecond an answer: under a burst of commands that adds up
        to time the event loop would not be reading the gateway.
        """
        opened = self.opened

        def work() -> list[discord.Embed]:
            return render_pages(compose(opened, request))

        return await self._in_worker(work)

    async def markdown(self, request: Request[A]) -> tuple[str, str]:
        """Compose an answer and render it as Markdown in the worker: (title, document)."""
        opened = self.opened

        def work() -> tuple[str, str]:
            answer = compose(opened, request)
            return title_of(answer), render_markdown(answer)

        return await self._in_worker(work)

    async def _in_worker(self, work: Callable[[], T]) -> T:
        """Run answer work on the one answer thread.

        Composing is Python code that holds the GIL: every extra thread doing it takes GIL
        time from the event loop, which must keep acknowledging interactions within 3 s. One
        thread queues a burst of answers instead of starving the loop.
        """
        return await asyncio.get_running_loop().run_in_executor(self._answers, work)

    def close(self) -> None:
        """Stop a build in progress and the answer thread (pending answers are abandoned).

        The build's thread would otherwise hold up the exit (asyncio.run waits for it) by as
        long as the build takes: 10 s and more, past `docker stop`'s grace.
        """
        self._stop.set()
        self._answers.shutdown(wait=False, cancel_futures=True)
        if self._refresh is not None:
            self._refresh.cancel()
        if self._compaction is not None:
            self._compaction.cancel()

    def suggest_outlet(self, typed: str, limit: int = 25) -> list[str]:
        """Autocomplete: the corpus's outlets containing what was typed, prefix matches first."""
        if not self.ready:
            return []
        opened = self.opened
        if self._outlets[0] is not opened:  # read once per index, not per keystroke
            self._outlets = (opened, tuple(n for n in outlets(opened.corpus) if len(n) <= 100))
        return _matching(self._outlets[1], typed, limit)

    def suggest(self, typed: str, limit: int = 25) -> list[str]:
        """Autocomplete: key phrases and titles containing what was typed, prefix matches first."""
        return _matching(self._phrases, typed, limit)


def _matching(choices: tuple[str, ...], typed: str, limit: int) -> list[str]:
    """The choices containing what was typed (all when nothing is), prefix matches first."""
    needle = typed.strip().casefold()
    if not needle:
        return list(choices[:limit])
    starts = [p for p in choices if p.casefold().startswith(needle)]
    inside = [p for p in choices if needle in p.casefold() and p not in starts]
    return (starts + inside)[:limit]


def _log_failure(task: asyncio.Task[ReloadResult]) -> None:
    """A first load that fails after start() stopped waiting is not lost silently."""
    if not task.cancelled() and task.exception() is not None:
        log.error("could not open the corpus: %s", task.exception())
