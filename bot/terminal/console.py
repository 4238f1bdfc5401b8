"""The terminal front end: answers wrapped to the width with hanging indents, colour on a
terminal (rich honours NO_COLOR and FORCE_COLOR), a progress bar while an index builds."""

from __future__ import annotations

import contextlib
import logging
import math
import re
import textwrap
import time
from collections.abc import Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
)
from rich.text import Text

from retrieval.progress import BuildProgress, ProgressCallback

log = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 5.0
# What a wrapped line's continuation lines are indented under: its indent and its bullet
# ("1. ", "– ", "• ", "[3] "), so a long quote keeps to its own column.
_LEAD = re.compile(r"\s*(?:\d+\.\s+|[–•*-]\s+|\[\d+\]\s+)?")
_MARKER = re.compile(r"\[\d+\]")
_HEADINGS = re.compile(r"^(?:Summary|Figures|Sources|Citation|Briefing|Key figures)\b.*$", re.M)


def console(*, stderr: bool = False) -> Console:
    """A console on stdout (or stderr): colour and width only when it is a terminal."""
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def wrap(text: str, width: int) -> str:
    """Each line wrapped to `width`, continuation lines indented under the line's text."""
    lines = []
    for line in text.splitlines():
        lead = _LEAD.match(line)
        hang = " " * (lead.end() if lead else 0)
        lines.append(
            textwrap.fill(
                line, width, subsequent_indent=hang, break_long_words=False, break_on_hyphens=False
            )
            if len(line) > width
            else line
        )
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def print_answer(out: Console, text: str) -> None:
    """Print an answer's text: wrapped and coloured on a terminal, verbatim otherwise."""
    if not out.is_terminal:
        out.file.write(text)
        return
    styled = Text(wrap(text, out.width))
    styled.highlight_regex(_HEADINGS, "bold")
    styled.highlight_regex(_MARKER, "cyan")
    out.print(styled, end="")


@contextlib.contextmanager
def build_progress(err: Console) -> Iterator[ProgressCallback]:
    """A progress bar on a terminal (files read, passages, time left); else a log line now
    and then, so `-v` and the bot's log show a long build too."""
    if not err.is_terminal:
        last = [0.0]

        def logged(report: BuildProgress) -> None:
            if time.monotonic() - last[0] >= LOG_EVERY_SECONDS:
                last[0] = time.monotonic()
                log.info("%s", report.describe())

        yield logged
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · {task.fields[passages]:,} passages ·"),
        _TimeLeft(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("reading files", total=None, passages=0, done_by=None)

        def shown(report: BuildProgress) -> None:
            left = report.seconds_left()
            bar.update(
                task,
                description=report.stage.value,
                completed=report.files_done,
                total=report.files_total,
                passages=report.passages,
                done_by=None if left is None else time.monotonic() + left,
            )

        yield shown


class _TimeLeft(ProgressColumn):
    """Counts down between reports: indexing reports only when it starts and ends."""

    def render(self, task: Task) -> Text:
        done_by = task.fields.get("done_by")
        if done_by is None:
            return Text("")
        return Text(f"about {max(1, math.ceil(done_by - time.monotonic()))} s left")


def corpus_hint(message: str) -> str:
    """A missing-folder error, with where the folder's name comes from."""
    if message.endswith("does not exist"):
        return f"{message}: name it with --corpus DIR or BRIEFBOT_CORPUS_DIR"
    return message
