"""The feed poller as the settings describe it, for the CLI and the feeds cog alike."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator

from bot.feedstore import FeedStore
from bot.settings import Settings
from feeds.net import Fetcher, Limits, allow_any, is_public
from feeds.poll import PollConfig, Poller
from retrieval.formats.html import extract_html


def limits(settings: Settings) -> Limits:
    """The bounds on every feed request."""
    return Limits(
        timeout=settings.feeds_timeout_seconds,
        max_bytes=settings.feeds_max_bytes,
        max_redirects=settings.feeds_max_redirects,
        host_interval=settings.feeds_host_interval_seconds,
    )


def poll_config(settings: Settings) -> PollConfig:
    """How often feeds are polled and how far failures push them back."""
    return PollConfig(
        interval=dt.timedelta(minutes=settings.feeds_interval_minutes or 30),
        max_backoff=dt.timedelta(minutes=settings.feeds_max_backoff_minutes),
    )


@contextlib.asynccontextmanager
async def open_poller(settings: Settings, store: FeedStore) -> AsyncIterator[Poller]:
    """A poller with its own HTTP session, closed on exit."""
    policy = allow_any if settings.feeds_allow_private else is_public
    async with Fetcher(limits(settings), policy) as fetcher:
        yield Poller(fetcher, store, settings.corpus_dir, extract_html, poll_config(settings))
