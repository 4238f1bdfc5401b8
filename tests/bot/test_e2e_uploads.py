"""/corpus add through the fake Discord: an attachment option, downloaded from its CDN URL."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.client import BriefBot
from testing.fakediscord import FakeDiscord, InteractionRecord
from tests.helpers import answered, make_bot, make_settings
from tests.samples import PDF_FIGURE, article_html, two_page_pdf

MANAGE = "You need the **Manage Server** permission to do that."


@pytest.fixture
def corpus(tmp_path: Path, seeds_dir: Path) -> Path:
    """A copy of seeds/ the bot may add to."""
    folder = tmp_path / "corpus"
    shutil.copytree(seeds_dir, folder)
    return folder


@pytest.fixture
async def uploading_bot(fake: FakeDiscord, corpus: Path, tmp_path: Path) -> AsyncIterator[BriefBot]:
    settings = make_settings(corpus, tmp_path / "data", max_upload_bytes=200_000)
    async with fake.running(make_bot(settings), timeout=15) as bot:
        yield bot


def _text(record: InteractionRecord) -> str:
    assert record.original is not None
    return record.original.content


async def _add(fake: FakeDiscord, name: str, data: bytes, user: str) -> str:
    return _text(await answered(fake, "corpus add", {"file": (name, data)}, user=user))


async def test_an_uploaded_pdf_is_saved_indexed_and_quoted_with_its_page(
    fake: FakeDiscord, uploading_bot: BriefBot, corpus: Path
) -> None:
    """The reply says what was read; the file is in uploads/; /cite then quotes page 2."""
    reply = await _add(fake, "Energy report.pdf", two_page_pdf(), "bob")
    assert reply.startswith(
        "Added `uploads/Energy_report.pdf`: “Regional Energy Outlook 2026” · no outlet · "
        "2026-02-03 · "
    )
    assert reply.endswith("The corpus now has 6 documents.")
    assert (corpus / "uploads/Energy_report.pdf").read_bytes() == two_page_pdf()
    cited = await answered(fake, "cite", {"claim": "wind farms supplied 38 percent"}, user="carol")
    assert cited.original is not None
    shown = cited.original.text()
    assert PDF_FIGURE in shown and "p. 2" in shown
    fake.assert_clean()


async def test_an_uploaded_page_reports_its_title_outlet_and_date(
    fake: FakeDiscord, uploading_bot: BriefBot
) -> None:
    """An HTML upload: title, site name and published date from the page's metadata."""
    reply = await _add(fake, "../../kellan.html", article_html(), "bob")
    assert reply.startswith(
        "Added `uploads/kellan.html`: “Port of Kellan handles record cargo volumes” · "
        "Harbour Gazette · 2026-03-14 · "
    )
    again = await _add(fake, "kellan.html", article_html(), "alice")
    assert again.startswith("Added `uploads/kellan-2.html`")


async def test_only_managers_may_add(
    fake: FakeDiscord, uploading_bot: BriefBot, corpus: Path
) -> None:
    """carol (no Manage Server) is refused and nothing is written."""
    record = await answered(fake, "corpus add", {"file": ("a.pdf", two_page_pdf())}, user="carol")
    assert _text(record) == MANAGE and record.original is not None and record.original.ephemeral
    assert not (corpus / "uploads").exists()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("tool.exe", b"MZ", "Not added: only .txt .md .html .htm .pdf .docx files are read."),
        ("big.txt", b"word " * 50_000, "Not added: 250,000 bytes is over the 200,000-byte limit."),
        ("broken.pdf", two_page_pdf()[:400], "Not added: corrupt PDF"),
    ],
)
async def test_unreadable_uploads_are_refused_with_the_reason(
    fake: FakeDiscord,
    uploading_bot: BriefBot,
    corpus: Path,
    name: str,
    data: bytes,
    expected: str,
) -> None:
    """Wrong type, too large, broken: the reply says which, and the corpus is unchanged."""
    reply = await _add(fake, name, data, "bob")
    assert reply.startswith(expected)
    uploads = corpus / "uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []


async def test_status_lists_skipped_files_with_their_reasons(
    fake: FakeDiscord, corpus: Path, tmp_path: Path,
) -> None:  # fmt: skip
    """/corpus status names each skipped file (up to five) and why, to managers only (the
    reasons may name paths); others see how many."""
    (corpus / "photo.jpg").write_bytes(b"\xff\xd8")
    (corpus / "broken.pdf").write_bytes(two_page_pdf()[:400])
    async with fake.running(make_bot(make_settings(corpus, tmp_path / "d")), timeout=15):
        status = _text(await answered(fake, "corpus status", user="bob"))
        plain = _text(await answered(fake, "corpus status", user="carol"))
    assert "skipped files: 2\n- broken.pdf: corrupt PDF" in status
    assert "- photo.jpg: unsupported extension .jpg" in status
    assert "skipped files: 2 (see the log)" in plain and "broken.pdf" not in plain
