"""Rendering: golden terminal text over the seeds, JSON field names, operator overrides."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from answers.briefing import answer_briefing
from answers.citations import answer_cite
from answers.figures import answer_figures
from answers.models import ANSWER_TYPES, Answer
from answers.passages import answer_ask
from answers.sources import answer_sources
from answers.summary import answer_summary
from answers.timeline import answer_timeline
from bot.terminal.render import format_number, format_ordinal, render_text, to_json
from retrieval.corpus import Corpus
from tests.helpers import SEEDS, check_golden, stamped

NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)

CASES: dict[str, Callable[[Corpus], Answer]] = {
    "summary_tumen_river_bridge": lambda c: answer_summary(c, "Tumen River bridge"),
    "figures_tumen_river_bridge": lambda c: answer_figures(c, "Tumen River bridge"),
    "cite_850_meters": lambda c: answer_cite(c, "The Tumen River bridge will be 850 meters long"),
    "cite_900_meters": lambda c: answer_cite(c, "The Tumen River bridge will be 900 meters long"),
    "summary_nothing_found": lambda c: answer_summary(c, "zzqx unobtainium"),
    "sources_kursk_region": lambda c: answer_sources(c, "Kursk region"),
    "timeline_north_korea_russia": lambda c: answer_timeline(c, "North Korea Russia"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_text(seeds: Corpus, name: str) -> None:
    """The rendered answer is exactly the reviewed text in tests/answers/golden/."""
    check_golden(name, render_text(CASES[name](seeds)))


def test_golden_briefing() -> None:
    """A briefing at a fixed moment over seeds first seen an hour before."""
    corpus = stamped(SEEDS, [NOW - dt.timedelta(hours=1)] * 5)
    check_golden("briefing_seeds", render_text(answer_briefing(corpus, now=NOW)))


def test_json_field_names(seeds: Corpus) -> None:
    """Each kind carries the issue's lists with their fixed field names."""
    summary = to_json(answer_summary(seeds, "Tumen River bridge"))
    assert set(summary["sentences"][0]) >= {"text", "source_id", "anchor"}
    figures = to_json(answer_figures(seeds, "Tumen River bridge"))
    assert set(figures["figures"][0]) >= {
        "value",
        "text",
        "number",
        "unit",
        "sentence",
        "source_id",
    }
    assert figures["figures"][0]["category"] == "count"
    cite = to_json(answer_cite(seeds, "The Tumen River bridge will be 850 meters long"))
    assert set(cite["quotes"][0]) >= {"text", "source_id", "reference", "support"}
    corpus = stamped(SEEDS, [NOW - dt.timedelta(hours=1)] * 5)
    briefing = to_json(answer_briefing(corpus, now=NOW))
    assert set(briefing) >= {"stories", "figures", "sources", "window", "new"}
    assert briefing["new"] is True
    json.dumps([summary, figures, cite, briefing])  # all of it serializes


def test_operator_templates_override_packaged_ones(seeds: Corpus, tmp_path: Path) -> None:
    """A file in the override folder wins over the packaged template of the same name."""
    (tmp_path / "summary.txt.j2").write_text("{{ answer.sentences|length }} sentences\n")
    assert render_text(answer_summary(seeds, "Shoigu"), tmp_path) == "4 sentences\n"


def test_number_filters() -> None:
    """Numbers print as written in English prose."""
    assert [format_number(x) for x in (2850.0, 1.5, 2e6)] == ["2,850", "1.5", "2,000,000"]
    assert [format_ordinal(x) for x in (1, 2, 3, 11, 18, 22)] == [
        "1st",
        "2nd",
        "3rd",
        "11th",
        "18th",
        "22nd",
    ]


@pytest.mark.parametrize("kind", ANSWER_TYPES)
def test_every_answer_type_renders(kind: type[Answer]) -> None:
    """Text and JSON handle every answer type (mypy checks the `match`; this checks it runs)."""
    answer = kind("zzqx", notice="Nothing in the documents matches “zzqx”.")
    assert render_text(answer) == "Nothing in the documents matches “zzqx”.\n"
    data = to_json(answer)
    assert (data["kind"], data["found"], data["sources"]) == (kind.kind.value, False, [])
    json.dumps(data)


def test_json_keeps_the_extra_keys(seeds: Corpus) -> None:
    """Typed fields print under the same JSON keys as before: extra.total, extra.support, new."""
    figures = to_json(answer_figures(seeds, "Tumen River bridge"))
    assert figures["extra"] == {"total": answer_figures(seeds, "Tumen River bridge", 10**6).total}
    assert figures["extra"]["total"] >= len(figures["figures"]) > 0
    cite = to_json(answer_cite(seeds, "The Tumen River bridge will be 850 meters long"))
    assert cite["extra"] == {"support": "strong"}
    assert to_json(answer_cite(seeds, "zzqx unobtainium"))["extra"] == {"support": None}
    briefing = to_json(answer_briefing(stamped(SEEDS, [NOW - dt.timedelta(hours=1)] * 5), now=NOW))
    assert (briefing["extra"], briefing["new"]) == ({"new": True, "documents": 5}, True)
    assert list(briefing)[-3:] == ["window", "extra", "new"]


def test_json_carries_what_answers_the_question(seeds: Corpus) -> None:
    """An ask passage lists the offsets of its answering figure, into its own text."""
    answer = to_json(answer_ask(seeds, "how many trucks a day will cross the new road bridge?"))
    passage = answer["passages"][0]
    assert [passage["text"][lo:hi] for lo, hi in passage["emphasis"]] == [
        "nearly 300 vehicles daily"
    ]
