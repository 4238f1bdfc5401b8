"""Article files (names, front matter, atomic writes) and the backoff arithmetic."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest

from feeds.articles import Article, content_digest, relative_path, slug, write_article
from feeds.ledger import next_poll
from retrieval.metadata import read_front_matter

NOW = dt.datetime(2026, 3, 16, 12, 0, tzinfo=dt.UTC)
HALF_HOUR = dt.timedelta(minutes=30)
DAY = dt.timedelta(hours=24)
ARTICLE = Article(
    url="https://www.example.com/news/2026/kellan?id=7",
    title="Kellan's port: “record” year — 4.2m boxes",
    outlet="Harbour Gazette",
    published=dt.date(2026, 3, 14),
    author="Maria Lindqvist",
    text="First paragraph.\nSecond paragraph: a colon, --- dashes and # a hash.",
)


def test_slug_is_ascii_words_joined_by_hyphens() -> None:
    """Punctuation and accents fold away; the length is capped at a word boundary."""
    assert (
        slug("Kellan's port: “record” year — 4.2m boxes") == "kellan-s-port-record-year-4-2m-boxes"
    )
    assert slug("Café Ümlaut") == "cafe-umlaut"
    assert slug("日本語") == ""
    assert len(slug("word " * 40)) <= 60 and not slug("word " * 40).endswith("-")


def test_the_path_names_host_date_title_and_a_url_hash() -> None:
    """feeds/<host without www>/<date>-<slug>-<hash of the URL>.md, stable for a URL."""
    path = relative_path(ARTICLE)
    assert path.parent == Path("feeds/example.com")
    assert path.name.startswith("2026-03-14-kellan-s-port-record-year-4-2m-boxes-")
    assert relative_path(ARTICLE) == path
    other = dataclasses.replace(ARTICLE, url=ARTICLE.url + "8")
    assert relative_path(other) != path


def test_the_file_reads_back_with_the_same_metadata_and_text(tmp_path: Path) -> None:
    """The reader's front matter parser gets every field back; the body is the text."""
    relative = write_article(tmp_path, ARTICLE)
    text = (tmp_path / relative).read_text("utf-8")
    meta, start = read_front_matter(text, "x")
    assert (meta.title, meta.outlet, meta.published, meta.url, meta.author) == (
        ARTICLE.title,
        ARTICLE.outlet,
        ARTICLE.published,
        ARTICLE.url,
        ARTICLE.author,
    )
    assert text[start:].strip() == ARTICLE.text
    assert [p.name for p in (tmp_path / relative).parent.iterdir()] == [relative.name]


def test_a_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the rename fails, neither the article nor its temporary file is left behind."""

    def broken(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="No space"):
        write_article(tmp_path, ARTICLE)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_the_content_digest_ignores_case_and_spacing() -> None:
    """The same text re-wrapped is the same article; other words are not."""
    assert content_digest("A  b\nC") == content_digest("a b c")
    assert content_digest("a b c") != content_digest("a b d")


@pytest.mark.parametrize(
    ("failures", "retry_after", "wait"),
    [
        (0, 0, HALF_HOUR),
        (1, 0, 2 * HALF_HOUR),
        (3, 0, 8 * HALF_HOUR),
        (6, 0, DAY),
        (500, 0, DAY),
        (1, 3 * 3600, dt.timedelta(hours=3)),
    ],
)
def test_backoff_doubles_up_to_its_cap_and_respects_retry_after(
    failures: int, retry_after: float, wait: dt.timedelta
) -> None:
    """One interval after success, 2^n after n failures, capped; never before Retry-After."""
    assert next_poll(NOW, HALF_HOUR, failures, DAY, retry_after) == NOW + wait
