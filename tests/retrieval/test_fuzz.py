"""Fuzzing the parts that read untrusted text: tokenizer, splitter, metadata reader, documents."""

from __future__ import annotations

import re
import string
import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from retrieval.documents import paragraph_spans, parse_document
from retrieval.metadata import parse_date, read_front_matter
from retrieval.reader import SourceFile
from retrieval.sentences import split_spans
from retrieval.tokenizer import STOPWORDS, tokenize

# Text that looks like news plus everything hostile: markdown, mentions, RTL, emoji,
# zero-width and combining characters, control characters, surrogates-free unicode.
_NEWSY = st.sampled_from(
    [
        "U.S.",
        "Sep.",
        "1.5",
        "2,850",
        "“",
        "”",
        "'s",
        "…",
        "-",
        "- ",
        "\n",
        "\r\n",
        "  ",
        "Source: ",
        "Published: 29 May. 2025",
        "date 2025-05-29 ",
        "Seoul, Sep 6 (NationPress) ",
        "---\n",
        "title: x\n",
        "@everyone",
        "<@&123>",
        "`",
        "**",
        "\u200b",
        "\u202e",
        "\u0301",
        "مرحبا",
        "你好",
        "🙂",
        "İ",
        "ß",
        "\x00",
        "\x07",
        "J. ",
        ". ",
        "? ",
        "! ",
        "(",
        ")",
    ]
)
TEXT = st.lists(st.one_of(_NEWSY, st.text(max_size=12)), max_size=40).map("".join)
# A settings profile that keeps the suite quick but still explores.
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
@example("")
@example("@everyone <@&1> `code` **bold**")
@example("S.O")  # a dotted acronym that spells a stopword: kept, as "U.S." is ("us")
def test_tokenizer_never_crashes_and_emits_clean_terms(text: str) -> None:
    """Any text tokenizes to non-empty, whitespace-free terms, none a stopword unless it is a
    dotted acronym of the text (the tokenizer keeps "U.S." as "us" on purpose)."""
    terms = tokenize(text)
    assert all(t and not any(c.isspace() for c in t) for t in terms)
    folded = unicodedata.normalize("NFKC", text).casefold()
    acronyms = {m.replace(".", "") for m in re.findall(r"[^\W_]+(?:\.[^\W_]+)+", folded)}
    assert set(terms) & STOPWORDS <= acronyms
    assert tokenize(text) == terms  # deterministic, cache or not


@FAST
@given(TEXT)
def test_splitter_spans_are_ordered_trimmed_and_inside(text: str) -> None:
    """Sentence spans stay inside the text, in order, never overlap, and are trimmed."""
    last = 0
    for start, end in split_spans(text):
        assert last <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        last = end


@FAST
@given(TEXT)
def test_paragraph_spans_cover_every_non_blank_character_once(text: str) -> None:
    """Paragraphs are ordered, trimmed, disjoint, and together hold every non-space character."""
    last, covered = 0, 0
    for start, end in paragraph_spans(text, 0):
        assert last <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        covered += sum(not c.isspace() for c in text[start:end])
        last = end
    assert covered == sum(not c.isspace() for c in text)


@FAST
@given(TEXT)
def test_metadata_reader_never_crashes(text: str) -> None:
    """Front matter and dates parse or are ignored; the body offset is within the text."""
    meta, body = read_front_matter(text, "fuzz.md")
    assert 0 <= body <= len(text)
    parse_date(text)
    assert meta.title is None or isinstance(meta.title, str)


@FAST
@given(TEXT)
def test_documents_quote_verbatim_whatever_the_text(text: str) -> None:
    """Every sentence parsed from any text is exactly the text at its offsets."""
    doc = parse_document(SourceFile(None, "fuzz.txt", text, len(text), 0.0, 0), "fuzz")  # type: ignore[arg-type]
    for sentence in doc.sentences:
        assert doc.text[sentence.start : sentence.end] == sentence.text
        assert sentence.text.strip() == sentence.text


@given(st.text(alphabet=string.printable, max_size=200))
@settings(max_examples=200, deadline=None)
def test_query_of_only_stopwords_or_punctuation_is_empty(noise: str) -> None:
    """Only stopwords and punctuation make an empty query (which later means 'nothing found')."""
    words = " ".join(w for w in noise.split() if w.lower() in STOPWORDS)
    assert tokenize(words + " ?!.,;") == []


@given(st.lists(_NEWSY | st.text(), max_size=30).map("".join))
def test_passage_word_count_is_the_count_of_non_space_runs(text: str) -> None:
    """group_passages counts words with str.split(): the same runs as the regex \\S+ it replaced."""
    assert len(text.split()) == len(re.findall(r"\S+", text))
