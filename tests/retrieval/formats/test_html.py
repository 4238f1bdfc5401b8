"""The HTML extractor: main text only, and the page's own metadata."""

from __future__ import annotations

import datetime as dt

import pytest

from retrieval.formats import NO_TEXT, UnreadableFile
from retrieval.formats.html import extract_html
from tests.samples import HTML_NOISE, article_html


def test_main_text_has_the_article_and_none_of_the_page_furniture() -> None:
    """Navigation, cookie banner, newsletter box, comments, related stories and footer are gone."""
    text = extract_html(article_html()).text
    assert "The Port of Kellan handled 4.2 million containers in 2025" in text
    assert "fewer containers leave the harbour by road." in text
    for noise in HTML_NOISE:
        assert noise.lower() not in text.lower(), noise


def test_metadata_comes_from_opengraph_json_ld_and_meta_tags() -> None:
    """Title without the site suffix, site name as outlet, published date, canonical URL, author."""
    found = extract_html(article_html())
    assert found.title == "Port of Kellan handles record cargo volumes"
    assert found.outlet == "Harbour Gazette"
    assert found.published == dt.date(2026, 3, 14)
    assert found.url == "https://www.harbourgazette.example/business/kellan-record-cargo"
    assert found.author == "Maria Lindqvist"


def test_text_is_one_paragraph_a_line_with_blank_lines_between() -> None:
    """Each <p> of the article is one line, a blank line between paragraphs."""
    paragraphs = extract_html(article_html()).text.split("\n\n")
    assert all(p.strip() == p and p and "\n" not in p for p in paragraphs)
    assert sum(p.startswith("The Port of Kellan handled") for p in paragraphs) == 1


def test_page_without_text_is_unreadable() -> None:
    """A page of only navigation and images, or no page at all, says "no extractable text"."""
    nav = b"<nav><ul><li><a href=/>Home</a></li><li><a href=/w>World news</a></li></ul></nav>"
    for page in (b"<html><body>" + nav + b"<img src=a.png></body></html>", b"", b"\x00\x01"):
        with pytest.raises(UnreadableFile, match=NO_TEXT):
            extract_html(page)


def test_outlet_falls_back_to_the_host_of_the_given_url() -> None:
    """Without og:site_name or JSON-LD publisher, the outlet is the page's host."""
    page = (
        b"<html><head><title>Ferry fares rise</title></head><body><article><p>"
        + b"Ferry fares across the strait will rise by five percent from the first of May. " * 3
        + b"</p></article></body></html>"
    )
    found = extract_html(page, url="https://news.example.org/ferries")
    assert found.outlet == "news.example.org"
    assert found.url == "https://news.example.org/ferries"
