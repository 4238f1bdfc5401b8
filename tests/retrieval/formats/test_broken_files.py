"""Damaged files: every extractor returns text or says why not; nothing else escapes."""

from __future__ import annotations

import functools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.formats import Extracted, UnreadableFile, extract
from tests.samples import article_html, memo_docx, two_page_pdf


@functools.cache
def _samples() -> dict[str, bytes]:
    return {"a.pdf": two_page_pdf(), "a.docx": memo_docx(), "a.html": article_html()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(["a.pdf", "a.docx", "a.html"]),
    cut=st.floats(0.0, 1.0),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=8),
)
def test_truncated_or_corrupted_files_never_raise_anything_else(
    name: str, cut: float, flips: list[tuple[float, int]]
) -> None:
    """A cut and a few overwritten bytes anywhere: Extracted, or UnreadableFile with a reason."""
    data = bytearray(_samples()[name][: max(1, int(len(_samples()[name]) * cut))])
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    try:
        found = extract(name, bytes(data))
    except UnreadableFile as err:
        assert str(err)
    else:
        assert isinstance(found, Extracted) and found.text
