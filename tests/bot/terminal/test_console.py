"""The terminal renderer: hanging indents at the terminal's width, colour only on a terminal."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from bot.terminal.console import print_answer, wrap

QUOTE = "   – “The bridge will be 850 meters long and will open to traffic next year.” [1]"


def test_long_lines_wrap_under_their_own_text() -> None:
    """A quote's continuation lines start under the quote, not at the margin."""
    wrapped = wrap(f"{QUOTE}\n1. A headline that is long enough to wrap around once [2]\n", 40)
    assert wrapped.splitlines() == [
        "   – “The bridge will be 850 meters long",
        "     and will open to traffic next",
        "     year.” [1]",
        "1. A headline that is long enough to",
        "   wrap around once [2]",
    ]
    assert wrapped.endswith("\n")
    assert wrap("short\n", 40) == "short\n"


def test_not_a_terminal_gets_the_text_verbatim() -> None:
    """Piped output is neither wrapped nor coloured."""
    out = io.StringIO()
    print_answer(Console(file=out, width=20), f"{QUOTE}\n")
    assert out.getvalue() == f"{QUOTE}\n"


def test_a_terminal_gets_colour_unless_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal markers are coloured (cyan); with NO_COLOR in the environment they are not."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured, plain = io.StringIO(), io.StringIO()
    print_answer(Console(file=coloured, width=60, force_terminal=True), "Summary: x\nA [1]\n")
    assert "\x1b[36m[1]" in coloured.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    print_answer(Console(file=plain, width=60, force_terminal=True), "Summary: x\nA [1]\n")
    assert "\x1b[36m" not in plain.getvalue() and "A [1]" in plain.getvalue()
