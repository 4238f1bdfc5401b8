"""Metadata of documents: each seed file's exact fields, YAML front matter, text conventions."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from retrieval.bm25 import BM25Params
from retrieval.corpus import Corpus
from retrieval.documents import Document, load_documents, parse_document
from retrieval.metadata import Metadata, parse_date, read_front_matter, source_of
from retrieval.reader import SourceFile

BAOQUOCTE = (
    "https://baoquocte.vn/han-quoc-chi-ra-dau-hieu-gan-ket-nga-trieu-tien-moscow-chang-ngai-"
    "cong-khai-mot-ke-haach-moi-voi-binh-nhuong-309031.html"
)


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> dict[str, Document]:
    """The seed documents by the first three characters of their id."""
    loaded = load_documents(seeds_dir)
    return {doc.id[:3]: doc for doc in loaded.documents}


@pytest.fixture(scope="module")
def seed_passages(seeds: dict[str, Document]) -> dict[str, list[str]]:
    """Every passage text of the seed corpus, by the first three characters of its document id."""
    corpus = Corpus.from_documents(list(seeds.values()), BM25Params())
    texts: dict[str, list[str]] = {}
    for number in range(corpus.passage_count):
        passage = corpus.passage(number)
        texts.setdefault(passage.doc_id[:3], []).append(passage.text)
    return texts


def parse(text: str, name: str = "doc.md") -> Document:
    """Parse text as if read from a file called name."""
    return parse_document(SourceFile(Path(name), name, text, len(text), 0.0, 0), "doc")


def test_seed_000_headline_and_dateline_outlet(seeds: dict[str, Document]) -> None:
    """000: the question headline is the title, the dateline `(NationPress)` the outlet, no date."""
    assert seeds["000"].id == "000_1130a1e425baaac4"
    assert seeds["000"].metadata == Metadata(
        title="Did North Korea and Russia Just Forge a New Alliance for Public Safety?",
        outlet="NationPress",
    )


def test_seed_000_dateline_is_not_quoted(seeds: dict[str, Document]) -> None:
    """000: the body's first sentence starts after the dateline `Seoul, Sep 6 (NationPress)`."""
    bodies = [s.text for s in seeds["000"].sentences if s.kind.value == "body"]
    assert bodies[0].startswith("The public security ministry of North Korea")
    assert not any("NationPress" in text for text in bodies)


def test_seed_001_title_falls_back_to_first_sentence(seeds: dict[str, Document]) -> None:
    """001 has no headline: the title is its first sentence clipped at a word, with an ellipsis."""
    doc = seeds["001"]
    assert doc.metadata.title is None
    assert doc.title == (
        "On March 27, the South Korean Unification Ministry assessed that North Korea seems to be…"
    )


def test_seed_001_outlet_and_url_from_source_link(seeds: dict[str, Document]) -> None:
    """001: `Source: https://baoquocte.vn/…` gives outlet and url; the caption's KCNA does not."""
    assert seeds["001"].metadata == Metadata(outlet="baoquocte.vn", url=BAOQUOCTE)


def test_seed_001_boilerplate_out_of_passages(
    seeds: dict[str, Document], seed_passages: dict[str, list[str]]
) -> None:
    """001: `Comment (0)`, the source line and the caption credit are in no sentence or passage."""
    texts = seed_passages["001"] + [s.text for s in seeds["001"].sentences]
    for fragment in ("Comment (0)", "Source:", "KCNA", "baoquocte"):
        assert not any(fragment in text for text in texts), fragment
    assert seeds["001"].sentences[1].text.endswith("to North Korea in June 2024.")


def test_seed_002_outlet_from_original_source(seeds: dict[str, Document]) -> None:
    """002: the headline is the title; `Original Source: www.the-express.com` the outlet and url."""
    assert seeds["002"].metadata == Metadata(
        title="North Korea and Russia Build New Bridge to Strengthen Bilateral Relations",
        outlet="the-express.com",
        url="https://www.the-express.com",
    )


def test_seed_003_date_prefix_and_published_line(seeds: dict[str, Document]) -> None:
    """003: ` date 2025-05-29 ` is the date and not part of the title; `Published:` is no text."""
    doc = seeds["003"]
    assert doc.metadata == Metadata(
        title=(
            "North Korea, Russia upgrade transportation links, promote high-level exchanges"
            " as strategic partnership deepens"
        ),
        published=dt.date(2025, 5, 29),
    )
    headline = doc.sentences[0]
    assert headline.text == doc.metadata.title
    assert doc.text[headline.start : headline.end] == doc.metadata.title
    assert not any("Published" in s.text or "14:13" in s.text for s in doc.sentences)


def test_seed_004_outlet_and_author_from_trailing_bio(
    seeds: dict[str, Document], seed_passages: dict[str, list[str]]
) -> None:
    """004: `Source: Donga` is the outlet, the trailing bio names the author and is not quoted."""
    assert seeds["004"].metadata == Metadata(
        title="NK News report… Attention in North Korea-Russia close relationship",
        outlet="Donga",
        author="Mark Jones",
    )
    texts = seed_passages["004"]
    assert texts[-1].startswith("Although North Korea and Russia deny it")
    assert not any("Mark Jones" in t or "News Rebeat" in t or "Donga" in t for t in texts)


def test_front_matter_wins_over_text_conventions() -> None:
    """YAML front matter's fields win over a headline, a dateline and a `Source:` line."""
    doc = parse(
        "---\ntitle: Front Title\noutlet: Front Outlet\npublished: 2024-01-02\n"
        "url: https://example.com/a\nauthor: Jane Roe\n---\n"
        "Headline In The Text\nSource: Donga\n"
        "Seoul, Sep 6, 2025 (NationPress) The body has a sentence here.\n"
    )
    assert doc.metadata == Metadata(
        "Front Title", "Front Outlet", dt.date(2024, 1, 2), "https://example.com/a", "Jane Roe"
    )
    assert [s.text for s in doc.sentences] == [
        "Headline In The Text",
        "The body has a sentence here.",
    ]


def test_front_matter_fills_only_what_it_has() -> None:
    """Fields front matter leaves out still come from the text; `date`, `link` are aliases."""
    doc = parse(
        "---\ndate: May 5, 2024\nlink: https://example.com/b\n---\n"
        "A Headline From The Text\nSource: Donga\nThe body has a sentence here.\n"
    )
    assert doc.metadata == Metadata(
        "A Headline From The Text", "Donga", dt.date(2024, 5, 5), "https://example.com/b"
    )


def test_front_matter_offsets_point_into_the_file() -> None:
    """Sentences after front matter keep offsets into the whole file and count lines after it."""
    text = "---\ntitle: T\n---\nFirst body sentence is here. Second one is here.\n"
    doc = parse(text)
    assert [str(s.anchor) for s in doc.sentences] == ["doc#p1.s1", "doc#p1.s2"]
    assert [text[s.start : s.end] for s in doc.sentences] == [
        "First body sentence is here.",
        "Second one is here.",
    ]


def test_invalid_yaml_is_read_as_text_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    """Front matter that is not YAML is read as text, with a warning naming the file."""
    with caplog.at_level(logging.WARNING):
        doc = parse("---\ntitle: [unclosed\n---\nThe body has a sentence here.\n", "bad.md")
    assert doc.metadata == Metadata()
    assert [s.text for s in doc.sentences] == ["The body has a sentence here."]
    assert str(doc.sentences[0].anchor) == "doc#p4.s1"
    assert "bad.md: front matter is not valid YAML" in caplog.text


def test_impossible_yaml_date_is_read_as_text(caplog: pytest.LogCaptureFixture) -> None:
    """Regression: `published: 2025-13-45` raised ValueError out of yaml and crashed the load."""
    with caplog.at_level(logging.WARNING):
        doc = parse("---\npublished: 2025-13-45\n---\nThe body has a sentence here.\n", "d.md")
    assert doc.metadata.published is None
    assert "d.md: front matter is not valid YAML" in caplog.text


def test_unsafe_yaml_tag_is_not_constructed(caplog: pytest.LogCaptureFixture) -> None:
    """A python/object tag is refused by safe_load and the block read as text, not executed."""
    with caplog.at_level(logging.WARNING):
        doc = parse("---\ntitle: !!python/object:os.system x\n---\nThe body is here now.\n")
    assert doc.metadata.title is None
    assert "not valid YAML" in caplog.text


def test_front_matter_that_is_not_a_mapping_is_skipped() -> None:
    """A YAML list as front matter gives no metadata, and its lines are not quoted."""
    doc = parse("---\n- alpha beta gamma\n---\nThe body has a sentence here.\n")
    assert doc.metadata == Metadata()
    assert [s.text for s in doc.sentences] == ["The body has a sentence here."]


def test_read_front_matter_reports_the_body_offset() -> None:
    """read_front_matter returns the offset just past the closing `---` line (CRLF too)."""
    text = "---\r\ntitle: CRLF Title\r\n---\r\nBody.\r\n"
    found, offset = read_front_matter(text, "x.md")
    assert found == Metadata(title="CRLF Title")
    assert text[offset:] == "Body.\r\n"


def test_byline_gives_the_author() -> None:
    """Regression: `By Mark Jones` (capital B) was not read as a byline and was dropped silently."""
    doc = parse("A Headline Here\nBy Mark Jones\nThe body has a sentence here.\n")
    assert doc.metadata == Metadata(title="A Headline Here", author="Mark Jones")


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        ("Published: 29 May 2025", Metadata(published=dt.date(2025, 5, 29))),
        ("Source: Donga", Metadata(outlet="Donga")),
        ("By Mark Jones", Metadata(author="Mark Jones")),
        ("date 2025-05-29", Metadata(published=dt.date(2025, 5, 29))),
    ],
)
def test_metadata_first_line_is_not_the_title(first_line: str, expected: Metadata) -> None:
    """Regression: a first line carrying only metadata was taken for the headline."""
    doc = parse(f"{first_line}\nThe body has a sentence here.\n")
    assert doc.metadata == expected
    assert doc.title == "The body has a sentence here."
    assert [s.text for s in doc.sentences] == ["The body has a sentence here."]


def test_sentence_first_line_is_not_a_headline() -> None:
    """A first line that ends with a period is body text, not a title."""
    doc = parse("The ministers met in Moscow on Tuesday.\nThey agreed on a bridge.\n")
    assert doc.metadata.title is None
    assert doc.sentences[0].kind.value == "body"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("29 May. 2025, 14:13", dt.date(2025, 5, 29)),
        ("2025-05-29", dt.date(2025, 5, 29)),
        ("Sep 6, 2025", dt.date(2025, 9, 6)),
        ("September 6th 2025", dt.date(2025, 9, 6)),
        ("6 Sept. 2025", dt.date(2025, 9, 6)),
        ("Sep 6", None),
        ("31 February 2025", None),
        ("yesterday", None),
    ],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    """parse_date reads the date forms news articles use and only full, real dates."""
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Donga", Metadata(outlet="Donga")),
        (
            "www.the-express.com",
            Metadata(outlet="the-express.com", url="https://www.the-express.com"),
        ),
        (
            "https://www.example.com/a?b=1",
            Metadata(outlet="example.com", url="https://www.example.com/a?b=1"),
        ),
        ("Yonhap.", Metadata(outlet="Yonhap")),
    ],
)
def test_source_of(value: str, expected: Metadata) -> None:
    """A `Source:` value is a name, a bare domain or a link; domains and links give both fields."""
    assert source_of(value) == expected
