"""Feeds followed end to end against a real HTTP server on 127.0.0.1, faults included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.feedstore import FeedStore
from feeds.ledger import ItemState
from retrieval.metadata import read_front_matter
from retrieval.store import open_corpus
from tests.feeds.conftest import NOW, MakePoller
from tests.feeds.site import BRIDGE, FERRY, PORT, Site, atom, page_html, rss1, rss2

INTERVAL = dt.timedelta(minutes=30)


def publish(site: Site, *stories: object, feed: str = "/feed.xml", etag: str = '"v1"') -> str:
    """Serve the stories' pages and an RSS 2.0 feed of them; the feed's URL."""
    for s in stories:
        site.serve("/articles/" + s.slug, page_html(s))  # type: ignore[attr-defined,arg-type]
    site.serve(feed, rss2(site, stories), content_type="application/rss+xml", etag=etag)  # type: ignore[arg-type]
    return site.url(feed)


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file())


async def test_rss2_articles_are_written_with_the_feed_items_metadata(
    site: Site, store: FeedStore, corpus: Path, poller: MakePoller, tmp_path: Path
) -> None:
    """Each item's page is fetched, extracted without page furniture and written as Markdown."""
    feed, _ = store.add(publish(site, PORT, FERRY), None, NOW)
    report = await poller().poll(feed, NOW)
    assert report.error is None and len(report.written) == 2
    files = corpus_files(corpus)
    assert [p.parent.relative_to(corpus).as_posix() for p in files] == ["feeds/127.0.0.1"] * 2
    text = (corpus / report.written[0]).read_text("utf-8")
    meta, body_at = read_front_matter(text, "x")
    assert meta.title == PORT.title
    assert meta.published == dt.date(2026, 3, 14)
    assert meta.url == site.url("/articles/kellan-cargo")
    assert meta.outlet == "Harbour Gazette"
    assert PORT.paragraphs[0] in text[body_at:]
    for noise in ("cookies", "Home World", "Related stories", "Ten gadgets", "Copyright"):
        assert noise not in text
    opened = open_corpus(corpus, tmp_path / "data")
    titles = {opened.corpus.metadata(n).title for n in range(opened.corpus.document_count)}
    assert titles == {PORT.title, FERRY.title}


@pytest.mark.parametrize("render", [rss1, atom], ids=["rss1", "atom"])
async def test_rss1_and_atom_feeds_are_read(
    site: Site, store: FeedStore, corpus: Path, poller: MakePoller, render: object
) -> None:
    """RSS 1.0 (RDF) and Atom give the same articles as RSS 2.0."""
    for s in (PORT, BRIDGE):
        site.serve("/articles/" + s.slug, page_html(s))
    site.serve("/other.xml", render(site, [PORT, BRIDGE]), content_type="application/xml")  # type: ignore[operator]
    feed, _ = store.add(site.url("/other.xml"), None, NOW)
    report = await poller().poll(feed, NOW)
    assert report.error is None
    assert sorted(Path(p).name.split("-", 3)[3][:-14] for p in report.written) == [
        "new-cycle-bridge-opens-over-the-kellan-river",
        "port-of-kellan-handles-record-cargo-volumes",
    ]
    bridge = next(p for p in report.written if "bridge" in p)
    assert read_front_matter((corpus / bridge).read_text("utf-8"), "x")[0].published == (
        dt.date(2026, 3, 16)
    )


async def test_an_unchanged_feed_is_asked_with_its_etag_and_answers_304(
    site: Site, store: FeedStore, poller: MakePoller
) -> None:
    """The second poll sends If-None-Match, gets 304, and fetches no article again."""
    feed, _ = store.add(publish(site, PORT), None, NOW)
    await poller().poll(feed, NOW)
    stored = store.get(feed.url)
    assert stored is not None and stored.etag == '"v1"'
    report = await poller().poll(stored, NOW + INTERVAL)
    assert report.not_modified and report.written == ()
    assert site.requests[-1].if_none_match == '"v1"'
    assert site.hits("/articles/kellan-cargo") == 1


async def test_a_new_item_in_a_changed_feed_is_the_only_article_fetched(
    site: Site, store: FeedStore, poller: MakePoller
) -> None:
    """Known items (by GUID) are not fetched again when the feed grows."""
    feed, _ = store.add(publish(site, PORT), None, NOW)
    await poller().poll(feed, NOW)
    publish(site, PORT, BRIDGE, etag='"v2"')
    report = await poller().poll(store.get(feed.url), NOW + INTERVAL)  # type: ignore[arg-type]
    assert [Path(p).name[:30] for p in report.written] == ["2026-03-16-new-cycle-bridge-op"]
    assert site.hits("/articles/kellan-cargo") == 1


async def test_items_are_deduplicated_by_guid_url_and_content(
    site: Site, store: FeedStore, corpus: Path, poller: MakePoller
) -> None:
    """The same GUID under a new link in its feed, the same link in a second feed, and the same
    text under another address are each taken once."""
    feed, _ = store.add(publish(site, PORT), None, NOW)
    await poller().poll(feed, NOW)
    relinked = type(PORT)(
        "kellan-cargo-v2", PORT.title, PORT.paragraphs, guid="urn:story:kellan-cargo"
    )
    publish(site, relinked, etag='"v2"')
    again = await poller().poll(store.get(feed.url), NOW)  # type: ignore[arg-type]
    assert again.items == () and site.hits("/articles/kellan-cargo-v2") == 0
    same_text = type(PORT)("copy-of-cargo", PORT.title, PORT.paragraphs)
    other, _ = store.add(publish(site, PORT, same_text, feed="/second.xml"), None, NOW)
    report = await poller().poll(other, NOW)
    assert report.written == ()
    assert [(r.url, r.state) for r in report.items] == [
        (site.url("/articles/copy-of-cargo"), ItemState.DUPLICATE)
    ]
    assert site.hits("/articles/kellan-cargo") == 1
    assert len(corpus_files(corpus)) == 1


async def test_a_failing_feed_backs_off_and_loses_nothing(
    site: Site, store: FeedStore, corpus: Path, poller: MakePoller
) -> None:
    """HTTP 500: the error is kept, the next poll moves back 2, then 4 intervals; files stay;
    once the feed works again the failures reset and its articles arrive."""
    feed, _ = store.add(publish(site, PORT), None, NOW)
    await poller().poll(feed, NOW)
    before = {p: p.read_bytes() for p in corpus_files(corpus)}
    site.serve("/feed.xml", "oops", status=500)
    report = await poller().poll(store.get(feed.url), NOW)  # type: ignore[arg-type]
    assert report.error is not None and "HTTP 500" in report.error
    failed = store.get(feed.url)
    assert failed is not None and failed.failures == 1 and "HTTP 500" in (failed.last_error or "")
    assert failed.next_poll_at == NOW + 2 * INTERVAL
    await poller().poll(failed, NOW)
    again = store.get(feed.url)
    assert again is not None and again.failures == 2 and again.next_poll_at == NOW + 4 * INTERVAL
    assert {p: p.read_bytes() for p in corpus_files(corpus)} == before
    publish(site, PORT, FERRY, etag='"v2"')
    report = await poller().poll(again, NOW)
    healed = store.get(feed.url)
    assert healed is not None and healed.failures == 0 and healed.last_error is None
    assert healed.next_poll_at == NOW + INTERVAL
    assert len(report.written) == 1


async def test_an_article_that_fails_is_retried_next_round(
    site: Site, store: FeedStore, poller: MakePoller
) -> None:
    """A 500 on one article keeps the feed's validators unset, so the next round retries it."""
    feed, _ = store.add(publish(site, PORT, FERRY), None, NOW)
    site.serve("/articles/ferry-strike", "busy", status=503)
    report = await poller().poll(feed, NOW)
    assert len(report.written) == 1 and report.count(ItemState.FAILED) == 1
    after = store.get(feed.url)
    assert after is not None and after.etag is None
    site.serve("/articles/ferry-strike", page_html(FERRY))
    report = await poller().poll(after, NOW + INTERVAL)
    assert [Path(p).name[:23] for p in report.written] == ["2026-03-15-ferry-crews-"]
    assert site.requests[-3].if_none_match is None  # the feed was asked for in full


async def test_an_article_that_keeps_failing_is_given_up_after_three_attempts(
    site: Site, store: FeedStore, poller: MakePoller
) -> None:
    """Three transient failures settle the item, so the feed can use its ETag again."""
    feed, _ = store.add(publish(site, FERRY), None, NOW)
    site.serve("/articles/ferry-strike", "busy", status=500)
    for _ in range(3):
        await poller().poll(store.get(feed.url), NOW)  # type: ignore[arg-type]
    report = await poller().poll(store.get(feed.url), NOW)  # type: ignore[arg-type]
    assert report.items == () and site.hits("/articles/ferry-strike") == 3
    assert store.get(feed.url).etag == '"v1"'  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/slow", "timed out after 1 s"),
        ("/huge", "response larger than 5,242,880 bytes"),
        ("/huge-declared", "response larger than 5,242,880 bytes"),
        ("/loop", "more than 5 redirects"),
        ("/bad.xml", "not a readable feed"),
        ("/missing.xml", "HTTP 404"),
    ],
)
async def test_each_fault_is_an_error_on_the_feed_and_a_backoff(
    site: Site, store: FeedStore, corpus: Path, poller: MakePoller, path: str, message: str
) -> None:
    """Slow, 50 MB, redirect loop, malformed XML, missing: a clear error, no file, a backoff."""
    site.serve(
        "/bad.xml",
        "<rss><channel><title>Broken</title><item><title>x</ti",
        content_type="application/rss+xml",
    )
    feed, _ = store.add(site.url(path), None, NOW)
    report = await poller().poll(feed, NOW)
    assert report.error is not None and message in report.error
    after = store.get(feed.url)
    assert after is not None and after.failures == 1 and message in (after.last_error or "")
    assert after.next_poll_at == NOW + 2 * INTERVAL
    assert corpus_files(corpus) == []


async def test_an_oversized_article_page_is_skipped_and_the_rest_written(
    site: Site, store: FeedStore, poller: MakePoller
) -> None:
    """A 50 MB article is a permanent skip with its reason; the other article is written."""
    publish(site, PORT, FERRY)
    huge = rss2(site, [PORT, FERRY]).replace(site.url("/articles/kellan-cargo"), site.url("/huge"))
    site.serve("/feed.xml", huge, content_type="application/rss+xml")
    feed, _ = store.add(site.url("/feed.xml"), None, NOW)
    report = await poller().poll(feed, NOW)
    assert [(r.state, r.reason) for r in report.items] == [
        (ItemState.SKIPPED, "response larger than 5,242,880 bytes"),
        (ItemState.WRITTEN, None),
    ]


async def test_due_feeds_are_polled_and_others_wait(
    site: Site, store: FeedStore, poller: MakePoller
) -> None:
    """poll_due takes only feeds whose next poll has come."""
    first, _ = store.add(publish(site, PORT), None, NOW)
    await poller().poll_due(NOW)
    second, _ = store.add(publish(site, FERRY, feed="/ferry.xml"), None, NOW)
    reports = await poller().poll_due(NOW + dt.timedelta(minutes=1))
    assert [r.feed.url for r in reports] == [second.url]
    reports = await poller().poll_due(NOW + INTERVAL)
    assert [r.feed.url for r in reports] == [first.url]


async def test_a_truncated_feed_gives_the_items_before_the_break(
    site: Site, store: FeedStore, poller: MakePoller, caplog: pytest.LogCaptureFixture
) -> None:
    """Malformed XML after a complete item: that item is written and the error logged."""
    publish(site, PORT, FERRY)
    whole = rss2(site, [PORT, FERRY])
    site.serve("/feed.xml", whole[: whole.index("<title>Ferry") + 12], content_type="text/xml")
    feed, _ = store.add(site.url("/feed.xml"), None, NOW)
    report = await poller().poll(feed, NOW)
    assert report.error is None and len(report.written) == 1
    assert "feed has errors, read what could be" in caplog.text


async def test_two_feeds_may_use_the_same_guids_for_different_articles(
    site: Site, store: FeedStore, poller: MakePoller
) -> None:
    """GUIDs are compared within a feed only: "1" in one feed is not "1" in another."""
    first = type(PORT)(PORT.slug, PORT.title, PORT.paragraphs, guid="1")
    second = type(FERRY)(FERRY.slug, FERRY.title, FERRY.paragraphs, guid="1")
    feed_a, _ = store.add(publish(site, first, feed="/a.xml"), None, NOW)
    feed_b, _ = store.add(publish(site, second, feed="/b.xml"), None, NOW)
    assert len((await poller().poll(feed_a, NOW)).written) == 1
    assert len((await poller().poll(feed_b, NOW)).written) == 1


async def test_a_feed_with_only_last_modified_is_asked_with_if_modified_since(
    site: Site, store: FeedStore, poller: MakePoller
) -> None:
    """Without an ETag, the Last-Modified date is sent back and a 304 fetches nothing."""
    site.serve("/articles/kellan-cargo", page_html(PORT))
    stamp = "Sat, 14 Mar 2026 08:30:00 GMT"
    site.serve(
        "/dated.xml", rss2(site, [PORT]), content_type="application/rss+xml", last_modified=stamp
    )
    feed, _ = store.add(site.url("/dated.xml"), None, NOW)
    await poller().poll(feed, NOW)
    report = await poller().poll(store.get(feed.url), NOW + INTERVAL)  # type: ignore[arg-type]
    assert report.not_modified
    last = [r for r in site.requests if r.path == "/dated.xml"][-1]
    assert (last.if_modified_since, last.if_none_match) == (stamp, None)
