"""Feed subscriptions and items in the bot's SQLite state."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bot import state as state_module
from bot.feedstore import FeedError, FeedStore
from bot.state import StateStore
from feeds.ledger import MAX_ATTEMPTS, ItemRecord, ItemState, PollOutcome

NOW = dt.datetime(2026, 3, 16, 12, 0, tzinfo=dt.UTC)
URL = "https://news.example.com/rss.xml"


@pytest.fixture
def store(tmp_path: Path) -> FeedStore:
    return FeedStore(StateStore(tmp_path / "state.sqlite3"))


def test_add_list_and_remove(store: FeedStore) -> None:
    """A feed is added once (again: not new), listed, and removed; removing twice is False."""
    feed, new = store.add(f"  {URL} ", 7, NOW)
    assert new and feed.url == URL and feed.guild_id == 7 and feed.next_poll_at is None
    again, new = store.add(URL, 8, NOW)
    assert not new and again.id == feed.id and again.guild_id == 7
    assert [f.url for f in store.all()] == [URL]
    assert store.remove(URL) and not store.remove(URL)
    assert store.all() == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "news.example.com"])
def test_only_http_feeds_can_be_added(store: FeedStore, url: str) -> None:
    """Other schemes and bare names are refused with a reason."""
    with pytest.raises(FeedError, match="not a feed address"):
        store.add(url, None, NOW)


def test_a_new_feed_is_due_at_once_and_then_at_its_next_poll(store: FeedStore) -> None:
    """due_feeds follows next_poll_at; a failure counts and a success resets."""
    feed, _ = store.add(URL, None, NOW)
    assert [f.id for f in store.due_feeds(NOW)] == [feed.id]
    later = NOW + dt.timedelta(hours=1)
    store.finish_poll(feed.id, PollOutcome(False, later, error="HTTP 500"))
    assert store.due_feeds(NOW) == [] and len(store.due_feeds(later)) == 1
    failed = store.get(URL)
    assert failed is not None and failed.failures == 1 and failed.last_error == "HTTP 500"
    store.finish_poll(feed.id, PollOutcome(True, later, title="News", etag='"e"'))
    ok = store.get(URL)
    assert ok is not None and (ok.failures, ok.last_error, ok.title, ok.etag) == (
        0,
        None,
        "News",
        '"e"',
    )


def test_items_are_known_by_guid_or_url_and_texts_by_digest(store: FeedStore) -> None:
    """A settled item is known by its link, and by its GUID within its feed; its digest marks
    the text as written."""
    feed, _ = store.add(URL, None, NOW)
    store.record_item(feed.id, ItemRecord("g1", "https://a/1", ItemState.WRITTEN, "d1", "p"))
    other, _ = store.add(URL + "?other", None, NOW)
    assert store.is_known(feed.id, "g1", "https://other")
    assert store.is_known(feed.id, "g2", "https://a/1")
    assert not store.is_known(feed.id, "g2", "https://a/2")
    assert store.is_known(other.id, "g9", "https://a/1")  # a link is one article whatever the feed
    assert not store.is_known(other.id, "g1", "https://other")  # GUIDs are the feed's own
    assert store.has_digest("d1") and not store.has_digest("d2")
    assert store.get(URL).articles == 1  # type: ignore[union-attr]


def test_a_failed_item_is_known_only_after_its_last_attempt(store: FeedStore) -> None:
    """FAILED counts attempts; at MAX_ATTEMPTS the item is settled."""
    feed, _ = store.add(URL, None, NOW)
    failed = ItemRecord("g", "https://a/1", ItemState.FAILED, reason="HTTP 503")
    for _ in range(MAX_ATTEMPTS - 1):
        store.record_item(feed.id, failed)
        assert not store.is_known(feed.id, "g", "https://a/1")
    store.record_item(feed.id, failed)
    assert store.is_known(feed.id, "g", "https://a/1")


def test_items_outlive_their_feed(store: FeedStore) -> None:
    """Removing a feed keeps its items, so adding it back rewrites nothing."""
    feed, _ = store.add(URL, None, NOW)
    store.record_item(feed.id, ItemRecord("g", "https://a/1", ItemState.WRITTEN, "d", "p"))
    store.remove(URL)
    again, _ = store.add(URL, None, NOW)
    assert store.is_known(again.id, "g", "https://a/1")


def test_a_version_1_file_migrates_and_keeps_its_subscriptions(tmp_path: Path) -> None:
    """A state file from before feeds gains the feed tables; its subscriptions stay."""
    path = tmp_path / "state.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT)")
    for statement in state_module._MIGRATIONS[0]:
        assert isinstance(statement, str)  # schema 1 is spelt the same in both dialects
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version VALUES (1, 'then')")
    conn.execute(
        "INSERT INTO subscriptions (guild_id, channel_id, local_time, timezone, created_at,"
        " updated_at) VALUES (1, 2, '07:30', 'UTC', '2026-01-01T00:00:00+00:00', 'x')"
    )
    conn.close()
    store = FeedStore(StateStore(path))
    assert store.state.get_by_channel(2) is not None
    assert store.all() == []
    store.add(URL, None, NOW)
    assert len(store.all()) == 1
