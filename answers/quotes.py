"""Verbatim quotes of sentences, and the formatted reference that locates one."""

from __future__ import annotations

import logging

from answers.models import Quote, Support
from retrieval.documents import Document, Sentence

log = logging.getLogger(__name__)


def sentence_quote(
    doc_id: str,
    sentence: Sentence,
    markers: tuple[int, ...],
    score: float = 0.0,
    reference: str = "",
    support: Support | None = None,
) -> Quote:
    """A sentence as a quote: its text is `document.text[start:end]`, by construction."""
    return Quote(
        text=sentence.text,
        source_id=doc_id,
        anchor=str(sentence.anchor),
        start=sentence.start,
        end=sentence.end,
        markers=markers,
        reference=reference,
        support=support,
        score=score,
    )


QUOTE_MARKS = frozenset("“”„‟«»‘’‚‹›\"'")


def has_quote_marks(text: str) -> bool:
    """Whether a quote starts or ends with a quotation mark of its own (and needs no more)."""
    return text[:1] in QUOTE_MARKS or text[-1:] in QUOTE_MARKS


def quoted(text: str) -> str:
    """Text in quotation marks, never doubling the marks it already has."""
    return text if has_quote_marks(text) else f"“{text}”"


def format_reference(doc: Document, sentence: Sentence) -> str:
    """“Title”, Outlet, 2025-05-29, https://…; doc#p15.s1 (document doc, p. 2, paragraph 15).

    The page ("p. 2") is named for documents with pages (PDF) only.
    Outlet and date appear only when the document has them.
    """
    meta = doc.metadata
    parts = [quoted(doc.title)]
    parts += [meta.outlet] if meta.outlet else []
    parts += [meta.published.isoformat()] if meta.published else []
    if meta.url:
        parts.append(meta.url)
    anchor = sentence.anchor
    page = f"p. {anchor.page}, " if anchor.page is not None else ""
    where = f"{anchor.place} (document {anchor.doc_id}, {page}paragraph {anchor.paragraph})"
    return ", ".join(parts) + f"; {where}"
