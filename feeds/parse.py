"""Reading a feed document (RSS 2.0, RSS 1.0/RDF, Atom) into items, with feedparser."""

from __future__ import annotations

import calendar
import datetime as dt
import io
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import feedparser

log = logging.getLogger(__name__)


class FeedError(Exception):
    """The document is not a feed that can be read."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry: its identity, link and the metadata the feed gives it."""

    guid: str
    url: str
    title: str | None
    published: dt.date | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's title and its items with an http(s) link, in the feed's order."""

    title: str | None
    items: tuple[FeedItem, ...]


def _date(entry: Any) -> dt.date | None:
    """The entry's publication (else update) date, in UTC."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC).date()
    return None


def _text(value: Any) -> str | None:
    return " ".join(str(value).split()) or None if value else None


def parse_feed(data: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """The items of a feed document; FeedError if it holds no feed at all.

    The bytes are wrapped in a stream: given a string, feedparser would fetch URLs and open
    files itself. A malformed feed (feedparser's "bozo") is read as far as it goes, and is an
    error when no item with a link could be read; so is a document with no RSS or Atom element.
    """
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if not parsed.entries and not parsed.bozo and not parsed.version:
        raise FeedError("not a readable feed: no RSS or Atom feed element")
    items: list[FeedItem] = []
    for entry in parsed.entries:
        link = str(entry.get("link") or "").strip()
        if urlsplit(link).scheme not in ("http", "https"):
            continue  # nothing to fetch (or a scheme that is never followed)
        guid = str(entry.get("id") or link).strip()
        items.append(FeedItem(guid, link, _text(entry.get("title")), _date(entry)))
    if parsed.bozo and not items:
        raise FeedError(f"not a readable feed: {parsed.get('bozo_exception')}")
    if parsed.bozo:
        log.warning("%s: feed has errors, read what could be (%s)", url, parsed.bozo_exception)
    return ParsedFeed(_text(parsed.feed.get("title")), tuple(items))
