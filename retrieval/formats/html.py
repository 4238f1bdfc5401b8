"""Web pages: the article's main text and its metadata, through trafilatura."""

from __future__ import annotations

import datetime as dt
import logging

import trafilatura

from retrieval.formats import NO_TEXT, PARAGRAPH_BREAK, Extracted, UnreadableFile, clean

log = logging.getLogger(__name__)


def extract_html(data: bytes, url: str | None = None) -> Extracted:
    """Main text (no navigation, banners, comments or related links) and metadata of a page.

    Title, outlet (site name, else host), date, canonical URL and author come from the page's
    <title>, OpenGraph, JSON-LD and article:published_time, as trafilatura reads them.
    """
    try:
        found = trafilatura.bare_extraction(
            data,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
            deduplicate=False,
        )
    except Exception as err:  # a parser bug on one page must not stop the load
        log.debug("trafilatura failed: %r", err)
        raise UnreadableFile(f"unreadable HTML ({type(err).__name__})") from err
    text = _paragraphs(found.text or "") if isinstance(found, trafilatura.settings.Document) else ""
    if not text or found is None or isinstance(found, dict):
        raise UnreadableFile(NO_TEXT)
    return Extracted(
        text=text,
        title=clean(found.title),
        outlet=clean(found.sitename) or clean(found.hostname),
        published=_date(found.date),
        url=clean(found.url) or url,
        author=clean(found.author),
    )


def _paragraphs(text: str) -> str:
    """Each non-blank line a paragraph, a blank line between paragraphs."""
    return PARAGRAPH_BREAK.join(line.strip() for line in text.splitlines() if line.strip())


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
