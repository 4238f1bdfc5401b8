"""The command line's answer commands: summary, figures, cite, briefing (with --since/--hours)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tests.helpers import SEEDS, Run


@pytest.fixture
def run(run: Run) -> Run:
    """The shared in-process CLI runner, over the seeds."""
    return lambda *argv: run(*argv, "--corpus", str(SEEDS))


def _json(run: Run, *argv: str) -> dict[str, Any]:
    code, out, err = run(*argv, "--json")
    assert (code, err) == (0, "")
    data: dict[str, Any] = json.loads(out)
    return data


def test_figures_done_when(run: Run) -> None:
    """`briefbot figures "Tumen River bridge"`: 850 m, 2,850, nearly 300 vehicles, 1.5 years."""
    data = _json(run, "figures", "Tumen River bridge")
    got = {(f["number"], f["unit"]): f["source_id"] for f in data["figures"]}
    assert got[(850.0, "meters")] == "001_d8b2d741d231887d"
    assert got[(2850.0, "individuals")] == "002_a1d7c1a63996d77b"
    assert got[(300.0, "vehicles")] == "002_a1d7c1a63996d77b"
    assert got[(1.5, "years")] == "002_a1d7c1a63996d77b"


def test_summary_and_cite_text(run: Run) -> None:
    """Terminal text for summary and cite: cited, and the source list is printed."""
    code, out, _ = run("summary", "Tumen", "River", "bridge")
    assert code == 0 and out.startswith("Summary of “Tumen River bridge”") and "\nSources\n" in out
    code, out, _ = run("cite", "The Tumen River bridge will be 850 meters long")
    assert code == 0 and "STRONG support" in out and "#p10.s2" in out


def test_nothing_found_is_exit_zero(run: Run) -> None:
    """A topic no document covers: a notice, no sources, exit code 0, for every kind."""
    for kind in ("summary", "figures", "sources", "cite", "ask", "briefing"):
        data = _json(run, kind, "zzqx unobtainium")
        assert data["sources"] == [] and data["notice"], kind


def test_briefing_window_options(run: Run) -> None:
    """--hours sets the window's length; --since its start (no zone = UTC); the two exclude
    each other."""
    data = _json(run, "briefing", "--hours", "6")
    since, until = (dt.datetime.fromisoformat(m) for m in data["window"])
    assert until - since == dt.timedelta(hours=6) and data["new"] is True
    data = _json(run, "briefing", "--since", "2099-01-01T00:00")
    assert data["new"] is False and data["notice"].startswith("Nothing new since")
    assert data["stories"]
    with pytest.raises(SystemExit) as exc:
        run("briefing", "--since", "yesterday")
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        run("briefing", "--since", "2025-01-01", "--hours", "3")
