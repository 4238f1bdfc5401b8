"""Markdown export: golden documents over the seeds, verbatim quotes, the reference list."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest

from answers.briefing import answer_briefing
from answers.models import Answer, SourcesAnswer
from answers.passages import answer_ask
from answers.summary import answer_summary
from bot.markdown import escape, render_markdown
from retrieval.corpus import Corpus
from tests.bot.terminal.test_render import CASES as TEXT_CASES
from tests.bot.terminal.test_render import NOW
from tests.helpers import SEEDS, MakeCorpus, check_golden, stamped

CASES: dict[str, Callable[[Corpus], Answer]] = {
    **TEXT_CASES,
    "ask_tumen_bridge": lambda c: answer_ask(c, "How long is the Tumen bridge?", limit=3),
}
_UNESCAPE = re.compile(r"\\([\\`*_\[\]<>~|#])")


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_markdown(seeds: Corpus, name: str) -> None:
    """The exported document is exactly the reviewed one in tests/answers/golden/."""
    check_golden(name, render_markdown(CASES[name](seeds)), ".md")


def test_golden_briefing_markdown() -> None:
    """A briefing: window, one section a story, key figures, sources."""
    corpus = stamped(SEEDS, [NOW - dt.timedelta(hours=1)] * 5)
    check_golden("briefing_seeds", render_markdown(answer_briefing(corpus, now=NOW)), ".md")


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_quote_is_verbatim_once_unescaped(seeds: Corpus, name: str) -> None:
    """Each quoted text, its escapes undone, is in the document; each source is referenced."""
    answer = CASES[name](seeds)
    plain = _UNESCAPE.sub(r"\1", render_markdown(answer))
    quotes = [q for part in ("sentences", "quotes", "passages") for q in getattr(answer, part, ())]
    quotes += [f.sentence for f in getattr(answer, "figures", ())]
    events = (*getattr(answer, "events", ()), *getattr(answer, "unresolved", ()))
    quotes += [e.quote for e in events]
    assert quotes or not answer.found or isinstance(answer, SourcesAnswer)
    for quote in quotes:
        assert f"“{quote.text}”" in plain
    for source in answer.sources:
        assert f"- [{source.number}] **{source.title}**" in plain


def test_markdown_in_a_quote_is_shown_not_obeyed(make_corpus: MakeCorpus) -> None:
    """Stars, underscores, brackets and angle brackets in a sentence are escaped."""
    corpus = make_corpus(
        {"a.txt": "The *harbour* fee rose to [5] per_ton for <ships> at pier #3 this year.\n"}
    )
    text = render_markdown(answer_summary(corpus, "harbour fee"))
    assert r"The \*harbour\* fee rose to \[5\] per\_ton for \<ships\> at pier \#3" in text
    assert escape("a\nb") == "a b"


def test_nothing_found_has_no_reference_list(seeds: Corpus) -> None:
    """A heading and the notice only."""
    text = render_markdown(answer_summary(seeds, "zzqx unobtainium"))
    assert text.startswith("# Summary: zzqx unobtainium\n\n_") and "## Sources" not in text
