"""Documents: verbatim anchored sentences with offsets into the file, kinds, ids, skipped files."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.documents import (
    Anchor,
    Document,
    SentenceKind,
    load_documents,
    paragraph_spans,
    parse_document,
)
from retrieval.reader import SourceFile

WriteCorpus = Callable[[dict[str, str | bytes]], Path]


def parse(text: str) -> Document:
    """Parse text as if read from doc.txt."""
    return parse_document(SourceFile(Path("doc.txt"), "doc.txt", text, len(text), 0.0, 0), "doc")


def test_seed_ids_paths_and_sentence_counts(seeds_dir: Path) -> None:
    """The seeds load in path order, ids are file stems, with these exact sentence counts."""
    loaded = load_documents(seeds_dir)
    assert loaded.skipped == ()
    assert [(d.id, d.path, len(d.sentences)) for d in loaded.documents] == [
        ("000_1130a1e425baaac4", "000_1130a1e425baaac4.txt", 16),
        ("001_d8b2d741d231887d", "001_d8b2d741d231887d.txt", 15),
        ("002_a1d7c1a63996d77b", "002_a1d7c1a63996d77b.txt", 23),
        ("003_b8d619ddcb3a68c6", "003_b8d619ddcb3a68c6.txt", 21),
        ("004_dc02d06fa0a9936a", "004_dc02d06fa0a9936a.txt", 26),
    ]


def test_every_seed_sentence_is_a_verbatim_slice_of_its_file(seeds_dir: Path) -> None:
    """For every seed sentence, text == document.text[start:end] and text is the file's text."""
    for doc in load_documents(seeds_dir).documents:
        assert doc.text == (seeds_dir / doc.path).read_text("utf-8")
        for sentence in doc.sentences:
            assert sentence.text == doc.text[sentence.start : sentence.end]
            assert sentence.text == sentence.text.strip()
            assert "\n" not in sentence.text


def test_seed_anchors_are_unique_ordered_and_stable(seeds_dir: Path) -> None:
    """Anchors are unique, in reading order, and the same on a second load."""
    first = load_documents(seeds_dir).documents
    again = load_documents(seeds_dir).documents
    for doc, doc_again in zip(first, again, strict=True):
        anchors = [s.anchor for s in doc.sentences]
        assert len(set(anchors)) == len(anchors)
        assert anchors == sorted(anchors)
        assert [s.start for s in doc.sentences] == sorted(s.start for s in doc.sentences)
        assert anchors == [s.anchor for s in doc_again.sentences]


def test_seed_anchor_points_at_known_sentence(seeds_dir: Path) -> None:
    """The Kursk sentence of 003 sits at #p15.s1: the 15th non-blank line, first sentence."""
    doc = next(d for d in load_documents(seeds_dir).documents if d.id.startswith("003_"))
    kursk = next(s for s in doc.sentences if "Kursk" in s.text)
    assert str(kursk.anchor) == "003_b8d619ddcb3a68c6#p15.s1"
    assert doc.text.splitlines()[14].strip() == kursk.text


def test_seed_000_bullets_and_labels(seeds_dir: Path) -> None:
    """000: `Synopsis`/`Key Takeaways` are dropped; `- item` lines are bullets without the dash."""
    doc = next(d for d in load_documents(seeds_dir).documents if d.id.startswith("000_"))
    assert [s.kind for s in doc.sentences[:7]] == [
        SentenceKind.HEADLINE,
        *[SentenceKind.BULLET] * 5,
        SentenceKind.BODY,
    ]
    bullet = doc.sentences[1]
    assert str(bullet.anchor) == "000_1130a1e425baaac4#p4.s1"
    assert bullet.text == (
        "A growing partnership: North Korea and Russia are enhancing their cooperation in "
        "public safety."
    )
    assert not any(s.text in ("Synopsis", "Key Takeaways") for s in doc.sentences)


def test_anchor_format() -> None:
    """An anchor prints as `doc_id#pP.sS` and orders by paragraph, then sentence."""
    assert str(Anchor("003_x", 15, 2)) == "003_x#p15.s2"
    assert Anchor("d", 2, 1) < Anchor("d", 10, 1)


def test_paragraphs_count_non_blank_lines_and_offsets_survive_crlf() -> None:
    """Blank lines do not count as paragraphs; CRLF files keep exact offsets."""
    text = "Line one has three words.\r\n\r\n  Line two is indented here. It has two.  \r\n"
    doc = parse(text)
    assert [(str(s.anchor), s.text) for s in doc.sentences] == [
        ("doc#p1.s1", "Line one has three words."),
        ("doc#p2.s1", "Line two is indented here."),
        ("doc#p2.s2", "It has two."),
    ]
    assert all(text[s.start : s.end] == s.text for s in doc.sentences)


def test_short_fragments_are_not_sentences() -> None:
    """A fragment of fewer than three words is not quoted, but keeps its number in the line."""
    doc = parse("The ministers met on Tuesday. Yes. They agreed on a bridge.\n")
    assert [(str(s.anchor), s.text) for s in doc.sentences] == [
        ("doc#p1.s1", "The ministers met on Tuesday."),
        ("doc#p1.s3", "They agreed on a bridge."),
    ]


def test_numbered_and_starred_bullets() -> None:
    """`1.`, `2)` and `*` lists are bullets; the marker is not part of the quote."""
    doc = parse(
        "Points raised in the talks\n1. Build the new bridge.\n2) Open the border.\n"
        "* More direct flights.\n"
    )
    assert [(s.kind, s.text) for s in doc.sentences] == [
        (SentenceKind.HEADLINE, "Points raised in the talks"),
        (SentenceKind.BULLET, "Build the new bridge."),
        (SentenceKind.BULLET, "Open the border."),
        (SentenceKind.BULLET, "More direct flights."),
    ]


def test_title_falls_back_to_id_without_sentences() -> None:
    """A document with neither title nor sentences is titled by its id."""
    doc = parse("Hello\n")
    assert doc.sentences == ()
    assert doc.title == "doc"


def test_short_first_sentence_is_the_whole_fallback_title() -> None:
    """A first sentence of at most 90 characters is the fallback title unclipped."""
    doc = parse("The ministers met in Moscow on Tuesday.\n")
    assert doc.title == "The ministers met in Moscow on Tuesday."


def test_sha256_tracks_the_text() -> None:
    """The content hash is the sha256 of the UTF-8 text: equal texts, equal hashes."""
    assert parse("Same text is here.").sha256 == parse("Same text is here.").sha256
    assert parse("Same text is here.").sha256 != parse("Other text is here.").sha256


def test_file_without_sentences_is_skipped(
    write_corpus: WriteCorpus, caplog: pytest.LogCaptureFixture
) -> None:
    """A file with no sentence of three words is skipped, named in a warning and in `skipped`."""
    root = write_corpus({"a.txt": "The body has a sentence here.", "b.txt": "Hi\n\nThere\n"})
    with caplog.at_level(logging.WARNING):
        loaded = load_documents(root)
    assert [d.id for d in loaded.documents] == ["a"]
    assert [s.path for s in loaded.skipped] == ["b.txt"]
    assert "skipping b.txt: no sentences found" in caplog.text


WIRE = (
    "Bridge talks end\n"
    "\n"
    "SEOUL - North Korea and Russia agreed on Tuesday to open a road bridge\n"
    "over the Tumen River next year. About 300 vehicles a day are expected\n"
    "to cross it, officials said.\n"
    "The two sides also discussed rail links.\n"
    "\n"
    "Work on the bridge began in April, and the ministers said it would be\n"
    "finished on time. Its builders are to hire 120 workers from each side\n"
    "- 240 in all.\n"
)


def test_hard_wrapped_lines_join_into_paragraphs_with_exact_offsets() -> None:
    """A wrap (the next word would not have fit) continues the sentence; offsets stay exact."""
    doc = parse(WIRE)
    assert [str(s.anchor) for s in doc.sentences] == [
        "doc#p1.s1", "doc#p2.s1", "doc#p2.s2", "doc#p3.s1", "doc#p4.s1", "doc#p4.s2",
    ]  # fmt: skip
    assert doc.sentences[2].text == (
        "About 300 vehicles a day are expected\nto cross it, officials said."
    )
    assert doc.sentences[3].text == "The two sides also discussed rail links."
    assert doc.sentences[5].text.endswith("from each side\n- 240 in all.")
    assert all(WIRE[s.start : s.end] == s.text for s in doc.sentences)


def test_short_lines_are_not_taken_for_wraps() -> None:
    """Lines that the next word would have fitted after stay paragraphs (lists, addresses)."""
    text = "Ministers met in Moscow.\nThey agreed on three things.\nBuild the bridge first.\n"
    doc = parse(text)
    assert [str(s.anchor) for s in doc.sentences] == ["doc#p1.s1", "doc#p2.s1", "doc#p3.s1"]


def test_paragraph_spans_are_trimmed_and_tell_wraps_from_breaks() -> None:
    """paragraph_spans gives each paragraph's trimmed span: wrapped lines joined, breaks kept."""
    spans = list(paragraph_spans(WIRE, 0))
    assert [WIRE[s:e].split("\n")[0] for s, e in spans] == [
        "Bridge talks end",
        "SEOUL - North Korea and Russia agreed on Tuesday to open a road bridge",
        "The two sides also discussed rail links.",
        "Work on the bridge began in April, and the ministers said it would be",
    ]
    assert WIRE[slice(*spans[-1])].endswith("- 240 in all.")
