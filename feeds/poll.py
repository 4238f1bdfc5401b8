"""One polling round: fetch each due feed, fetch and extract its new articles, write them.

Nothing is lost on a failure. A feed that cannot be fetched or read keeps its items for the
next round and backs off (`ledger.next_poll`). An article that fails transiently (timeout,
5xx, disk) is not recorded, and the feed's validators are then not stored, so the next round
reads the whole feed again and retries it (at most `MAX_ATTEMPTS` times). A permanent failure
(refused address, too large, no text) is recorded with its reason and not retried.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from feeds.articles import Article, content_digest, host_folder, write_article
from feeds.ledger import Feed, ItemRecord, ItemState, Ledger, PollOutcome, next_poll
from feeds.net import Fetcher, FetchError
from feeds.parse import FeedError, FeedItem, parse_feed

log = logging.getLogger(__name__)

CONCURRENT_FEEDS = 4


class Page(Protocol):
    """What an article extractor returns (retrieval.formats.html.Extracted has these)."""

    @property
    def text(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def outlet(self) -> str | None: ...
    @property
    def published(self) -> dt.date | None: ...
    @property
    def author(self) -> str | None: ...


Extractor = Callable[[bytes, str], Page]


@dataclass(frozen=True, slots=True)
class PollConfig:
    """How often feeds are polled and how far failures push the next poll back."""

    interval: dt.timedelta = dt.timedelta(minutes=30)
    max_backoff: dt.timedelta = dt.timedelta(hours=24)
    max_items: int = 30  # new articles fetched per feed and round; the rest wait a round


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one poll of one feed did."""

    feed: Feed
    written: tuple[str, ...] = ()  # paths under the corpus folder
    items: tuple[ItemRecord, ...] = ()
    not_modified: bool = False
    error: str | None = None

    def count(self, state: ItemState) -> int:
        return sum(1 for r in self.items if r.state is state)


@dataclass(slots=True)
class _Round:
    """The items of one feed poll, so one URL seen twice in a feed is fetched once."""

    records: list[ItemRecord] = field(default_factory=list)
    urls: set[str] = field(default_factory=set)


class Poller:
    """Polls feeds with one fetcher into one corpus folder, remembering in one ledger."""

    def __init__(
        self,
        fetcher: Fetcher,
        ledger: Ledger,
        corpus_dir: Path,
        extract: Extractor,
        config: PollConfig = PollConfig(),
    ) -> None:
        self.fetcher, self.ledger, self.corpus_dir = fetcher, ledger, corpus_dir
        self.extract, self.config = extract, config

    async def poll_due(self, now: dt.datetime) -> list[PollReport]:
        """Poll every feed that is due, a few at a time (the per-host throttle keeps hosts calm)."""
        return await self.poll_many(await asyncio.to_thread(self.ledger.due_feeds, now), now)

    async def poll_many(self, feeds: Sequence[Feed], now: dt.datetime) -> list[PollReport]:
        """Poll the given feeds, a few at a time, reports in the feeds' order."""
        gate = asyncio.Semaphore(CONCURRENT_FEEDS)

        async def one(feed: Feed) -> PollReport:
            async with gate:
                return await self.poll(feed, now)

        return list(await asyncio.gather(*(one(f) for f in feeds)))

    async def poll(self, feed: Feed, now: dt.datetime) -> PollReport:
        """Poll one feed: conditional GET, parse, take each new item, record the outcome."""
        try:
            fetched = await self.fetcher.get(
                feed.url, etag=feed.etag, last_modified=feed.last_modified
            )
            if not fetched.modified:
                await self._finish(
                    feed, now, title=feed.title, etag=feed.etag, last_modified=feed.last_modified
                )
                return PollReport(feed, not_modified=True)
            parsed = parse_feed(fetched.body, fetched.url, fetched.content_type)
        except (FetchError, FeedError) as err:
            retry = err.retry_after if isinstance(err, FetchError) else 0.0
            return await self._failed(feed, now, str(err), retry)
        taken = _Round()
        fresh = [i for i in parsed.items if not await self._known(feed, i)]
        for item in fresh[: self.config.max_items]:
            await self._take(feed, parsed.title, item, taken)
        complete = len(fresh) <= self.config.max_items and all(
            r.state is not ItemState.FAILED for r in taken.records
        )
        # Validators only when every item settled: a 304 next time would hide the rest.
        await self._finish(
            feed,
            now,
            title=parsed.title,
            etag=fetched.etag if complete else None,
            last_modified=fetched.last_modified if complete else None,
        )
        written = tuple(r.path for r in taken.records if r.path)
        if written:
            log.info("feed %s: %d new article(s)", feed.url, len(written))
        return PollReport(feed, written, tuple(taken.records))

    async def _known(self, feed: Feed, item: FeedItem) -> bool:
        return await asyncio.to_thread(self.ledger.is_known, feed.id, item.guid, item.url)

    async def _take(
        self, feed: Feed, feed_title: str | None, item: FeedItem, taken: _Round
    ) -> None:
        """Fetch, extract and write one item, and record what became of it."""
        if item.url in taken.urls:
            return
        taken.urls.add(item.url)
        record = await self._article(feed, feed_title, item)
        if record.state is not ItemState.WRITTEN and record.reason:
            log.warning(
                "feed %s: %s %s (%s)", feed.url, record.state.value, item.url, record.reason
            )
        taken.records.append(record)
        await asyncio.to_thread(self.ledger.record_item, feed.id, record)

    async def _article(self, feed: Feed, feed_title: str | None, item: FeedItem) -> ItemRecord:
        def outcome(state: ItemState, reason: str | None = None, **more: str) -> ItemRecord:
            return ItemRecord(item.guid, item.url, state, reason=reason, **more)

        try:
            page = await self.fetcher.get(item.url)
        except FetchError as err:
            return outcome(ItemState.FAILED if err.transient else ItemState.SKIPPED, err.reason)
        try:
            extracted = await asyncio.to_thread(self.extract, page.body, page.url)
        except Exception as err:  # a parser failing on one hostile page must not stop the feed
            return outcome(ItemState.SKIPPED, f"cannot extract the article: {err}")
        if not extracted.text.strip():
            return outcome(ItemState.SKIPPED, "no article text on the page")
        digest = content_digest(extracted.text)
        if await asyncio.to_thread(self.ledger.has_digest, digest):
            return outcome(
                ItemState.DUPLICATE, "same text as an article already written", digest=digest
            )
        article = Article(
            url=item.url,
            title=item.title or extracted.title,
            outlet=extracted.outlet or feed_title or host_folder(item.url),
            published=item.published or extracted.published,
            author=extracted.author,
            text=extracted.text,
        )
        try:
            path = await asyncio.to_thread(write_article, self.corpus_dir, article)
        except OSError as err:
            return outcome(ItemState.FAILED, f"cannot write the article: {err}")
        return outcome(ItemState.WRITTEN, digest=digest, path=path.as_posix())

    async def _failed(
        self, feed: Feed, now: dt.datetime, error: str, retry_after: float
    ) -> PollReport:
        failures = feed.failures + 1
        when = next_poll(now, self.config.interval, failures, self.config.max_backoff, retry_after)
        log.warning(
            "feed %s failed (%d in a row), next try %s: %s",
            feed.url,
            failures,
            when.isoformat(timespec="seconds"),
            error,
        )
        outcome = PollOutcome(False, when, feed.title, error, feed.etag, feed.last_modified)
        await asyncio.to_thread(self.ledger.finish_poll, feed.id, outcome)
        return PollReport(feed, error=error)

    async def _finish(
        self,
        feed: Feed,
        now: dt.datetime,
        *,
        title: str | None,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        when = next_poll(now, self.config.interval, 0, self.config.max_backoff)
        outcome = PollOutcome(True, when, title or feed.title, None, etag, last_modified)
        await asyncio.to_thread(self.ledger.finish_poll, feed.id, outcome)


def summarize(reports: Sequence[PollReport]) -> str:
    """One line for a round: feeds polled, articles written, failures."""
    written = sum(len(r.written) for r in reports)
    failed = [r for r in reports if r.error]
    line = f"{len(reports)} feed(s) polled, {written} new article(s)"
    return line + (f", {len(failed)} feed(s) failed" if failed else "")
