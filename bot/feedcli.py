"""`briefbot feeds add|list|remove|fetch`: feed subscriptions from the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Imported where used: the poller pulls in trafilatura and feedparser (about 0.45 s), which
    # every other CLI command would otherwise pay at start.
    from bot.feedstore import FeedStore
    from bot.settings import Settings
    from feeds.ledger import Feed
    from feeds.poll import PollReport


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    """The `feeds` command and its four subcommands."""
    feeds = commands.add_parser("feeds", help="news feeds that add articles to the corpus")
    actions = feeds.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", parents=[common], help="subscribe to a feed (RSS or Atom)")
    add.add_argument("url")
    remove = actions.add_parser("remove", parents=[common], help="unsubscribe from a feed")
    remove.add_argument("url")
    actions.add_parser("list", parents=[common], help="the feeds and how their polling stands")
    actions.add_parser("fetch", parents=[common], help="poll every feed now")


def _feed_json(feed: Feed) -> dict[str, Any]:
    return {
        "url": feed.url,
        "title": feed.title,
        "articles": feed.articles,
        "failures": feed.failures,
        "last_error": feed.last_error,
        "last_polled_at": feed.last_polled_at.isoformat() if feed.last_polled_at else None,
        "next_poll_at": feed.next_poll_at.isoformat() if feed.next_poll_at else None,
    }


def describe_feed(feed: Feed) -> str:
    """One line: URL, title, articles written, and the last error if the feed is failing."""
    line = f"{feed.url} · {feed.title or 'not polled yet'} · {feed.articles} article(s)"
    if feed.failures:
        line += f" · failing ({feed.failures}× in a row): {feed.last_error}"
    return line


def describe_report(report: PollReport) -> str:
    """One line for one poll of one feed."""
    if report.error:
        return f"{report.feed.url}: failed: {report.error}"
    if report.not_modified:
        return f"{report.feed.url}: not modified"
    return f"{report.feed.url}: {len(report.written)} new article(s)"


def _report_json(report: PollReport) -> dict[str, Any]:
    return {
        "url": report.feed.url,
        "error": report.error,
        "not_modified": report.not_modified,
        "written": list(report.written),
        "items": [{"url": r.url, "state": r.state.value, "reason": r.reason} for r in report.items],
    }


def run_feeds(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `feeds` action; exit code 0, or 2 for a refused address or unknown feed."""
    from bot.feedstore import FeedStore
    from bot.state import StateStore

    store = FeedStore(StateStore(settings.data_dir / "state.sqlite3"))
    now = dt.datetime.now(dt.UTC)
    out: Any
    if args.action == "add":
        feed, new = store.add(args.url, None, now)
        out = (
            _feed_json(feed) if args.json else f"{'added' if new else 'already there'}: {feed.url}"
        )
    elif args.action == "remove":
        if not store.remove(args.url):
            print(f"briefbot: no feed {args.url.strip()}", file=sys.stderr)
            return 2
        out = {"removed": args.url.strip()} if args.json else f"removed: {args.url.strip()}"
    elif args.action == "list":
        feeds = store.all()
        out = [_feed_json(f) for f in feeds] if args.json else "\n".join(map(describe_feed, feeds))
    else:
        import asyncio  # with ssl and sockets: only `feeds fetch` needs it, not every command

        reports = asyncio.run(_fetch(settings, store, now))
        out = (
            [_report_json(r) for r in reports]
            if args.json
            else "\n".join(map(describe_report, reports))
        )
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    elif out:
        print(out)
    return 0


async def _fetch(settings: Settings, store: FeedStore, now: dt.datetime) -> list[PollReport]:
    import asyncio

    from bot.feedconfig import open_poller

    async with open_poller(settings, store) as poller:
        return await poller.poll_many(await asyncio.to_thread(store.all), now)
