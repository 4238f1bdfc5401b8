"""A folder of real-shaped files (web page, PDF report, Word memo, text) loads with its metadata."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from answers.citations import answer_cite
from retrieval.corpus import Corpus
from retrieval.store import describe, open_corpus
from tests.helpers import WriteCorpus
from tests.samples import (
    HTML_NOISE,
    PDF_FIGURE,
    article_html,
    encrypted_pdf,
    image_only_pdf,
    memo_docx,
    two_page_pdf,
)

TEXT = "Ferry traffic\n\nThe ferry between the islands carried 80,000 passengers last summer.\n"


@pytest.fixture
def folder(write_corpus: WriteCorpus) -> Path:
    return write_corpus(
        {
            "page.html": article_html(),
            "report.pdf": two_page_pdf(),
            "memo.docx": memo_docx(),
            "notes.txt": TEXT,
            "broken.pdf": two_page_pdf()[:400],
            "scan.pdf": image_only_pdf(),
            "locked.pdf": encrypted_pdf(),
            "photo.jpg": b"\xff\xd8\xff\xe0 not really a photo",
        }
    )


@pytest.fixture
def corpus(folder: Path, tmp_path: Path) -> Corpus:
    return open_corpus(folder, tmp_path / "data").corpus


def test_each_format_is_indexed_with_its_title_outlet_and_date(corpus: Corpus) -> None:
    """HTML, PDF and DOCX metadata come from the files' own metadata."""
    got = {
        rec["path"]: (rec["title"], rec["outlet"], rec["published"], rec["author"])
        for rec in corpus.records
    }
    assert got == {
        "memo.docx": ("Budget memo for the harbour board", None, "2026-01-20", "Elin Sand"),
        "notes.txt": ("Ferry traffic", None, None, None),
        "page.html": (
            "Port of Kellan handles record cargo volumes", "Harbour Gazette", "2026-03-14",
            "Maria Lindqvist",
        ),
        "report.pdf": (
            "Regional Energy Outlook 2026", None, "2026-02-03", "Northern Energy Agency",
        ),
    }  # fmt: skip
    assert corpus.metadata(corpus.ids["page"]).url == (
        "https://www.harbourgazette.example/business/kellan-record-cargo"
    )


def test_every_skipped_file_is_listed_with_its_reason(
    folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """index --json's `skipped` names each file and why; the log names it too."""
    skipped = describe(open_corpus(folder, tmp_path / "data"))["skipped"]
    reasons = {s["path"]: s["reason"] for s in skipped}
    assert sorted(reasons) == ["broken.pdf", "locked.pdf", "photo.jpg", "scan.pdf"]
    assert reasons["broken.pdf"].startswith("corrupt PDF")
    assert reasons["locked.pdf"] == "no extractable text (encrypted PDF)"
    assert reasons["scan.pdf"] == "no extractable text (image-only or scanned PDF?)"
    assert reasons["photo.jpg"] == "unsupported extension .jpg"
    for path, reason in reasons.items():
        assert f"skipping {path}: {reason}" in caplog.text
    # Reused from disk, the index still knows what it skipped and why.
    assert describe(open_corpus(folder, tmp_path / "data"))["skipped"] == skipped


def test_every_sentence_is_verbatim_and_no_page_furniture_is_ever_quoted(corpus: Corpus) -> None:
    """Each sentence is its document's text at its offsets; none holds banner or nav text."""
    for number in range(corpus.document_count):
        doc = corpus.document(number)
        for sentence in doc.sentences:
            assert doc.text[sentence.start : sentence.end] == sentence.text
            for noise in HTML_NOISE:
                assert noise.lower() not in sentence.text.lower(), (doc.id, noise)


def test_pdf_sentences_know_their_page(corpus: Corpus) -> None:
    """Sentences on page 1 say page 1, the figure on page 2 says page 2; other formats none."""
    report = corpus.document_by_id("report")
    pages = {s.text: s.anchor.page for s in report.sentences}
    assert pages[PDF_FIGURE] == 2
    assert pages["Regional Energy Outlook 2026"] == 1
    assert all(s.anchor.page is None for s in corpus.document_by_id("memo").sentences)


def test_a_figure_on_page_two_is_cited_with_its_page(corpus: Corpus) -> None:
    """cite quotes the PDF sentence verbatim; its anchor and its reference name p. 2."""
    answer = answer_cite(corpus, "wind farms supplied 38 percent of the electricity")
    quote = answer.quotes[0]
    assert quote.text == PDF_FIGURE
    assert quote.anchor.endswith("(p. 2)")
    assert "p. 2, paragraph" in quote.reference
    doc = corpus.document_by_id(quote.source_id)
    assert doc.text[quote.start : quote.end] == quote.text


def test_published_dates_are_dates(corpus: Corpus) -> None:
    """Metadata dates round-trip through the saved index as dates."""
    assert corpus.metadata(corpus.ids["report"]).published == dt.date(2026, 2, 3)


def test_each_extracted_paragraph_stays_its_own_paragraph(corpus: Corpus) -> None:
    """Regression: one paragraph a line read as hard-wrapped text and merged; each paragraph
    of a page, report or memo is one anchor paragraph."""
    memo = corpus.document_by_id("memo")
    paragraphs = [s.anchor.paragraph for s in memo.sentences]
    assert paragraphs == sorted(set(paragraphs)) and len(paragraphs) == 4
    page = corpus.document_by_id("page")
    assert len({s.anchor.paragraph for s in page.sentences}) == len(page.sentences)
