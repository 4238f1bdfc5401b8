"""The `briefbot` command line: answers over a corpus in the terminal, the bot, the index."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from answers.compose import (
    AskRequest,
    BriefingRequest,
    CitationRequest,
    FiguresRequest,
    Request,
    SourcesRequest,
    SummaryRequest,
    TimelineRequest,
    compose,
)
from answers.defaults import DEFAULT_HOURS
from answers.filters import Filters
from answers.models import Answer
from bot import __version__, feedcli
from bot.settings import Settings
from bot.terminal.console import build_progress, console, corpus_hint, print_answer
from bot.terminal.render import render_text, to_json
from retrieval.bm25 import BM25Params
from retrieval.reader import CorpusError
from retrieval.store import OpenedCorpus, describe, open_corpus

log = logging.getLogger(__name__)

# command -> (help, the request made from the text and the parsed arguments)
ANSWERS: dict[str, tuple[str, Callable[[str, argparse.Namespace], Request[Answer]]]] = {
    "summary": (
        "a few cited sentences on a topic",
        lambda t, a: SummaryRequest(t, filters=_filters(a)),
    ),
    "figures": (
        "the numbers, quantities and dates on a topic",
        lambda t, a: FiguresRequest(t, filters=_filters(a)),
    ),
    "sources": (
        "the documents on a topic, ranked",
        lambda t, a: SourcesRequest(t, filters=_filters(a)),
    ),
    "cite": (
        "the quotes that back a claim, with references",
        lambda t, a: CitationRequest(t, filters=_filters(a)),
    ),
    "search": (
        "the best passages for a query",
        lambda t, a: AskRequest(t, limit=10, filters=_filters(a)),
    ),
    "ask": (
        "a question answered with quoted passages",
        lambda t, a: AskRequest(t, limit=5, filters=_filters(a)),
    ),
    "timeline": (
        "the dated events of a topic, oldest first",
        lambda t, a: TimelineRequest(t, filters=_filters(a)),
    ),
    "briefing": (
        "what is new (last 24 hours, or --since), grouped into stories",
        lambda t, a: BriefingRequest(t, since=a.since, hours=a.hours),
    ),
}
# command -> (what its words are, an example)
EXAMPLES = {
    "summary": ("the topic", 'briefbot summary "Tumen River bridge"'),
    "figures": ("the topic", 'briefbot figures "Tumen River bridge"'),
    "sources": ("the topic", 'briefbot sources "Kursk region" --json'),
    "cite": ("the claim", 'briefbot cite "the bridge will be 850 meters long"'),
    "search": ("the query", 'briefbot search "road bridge over the Tumen"'),
    "ask": ("the question", 'briefbot ask "How long is the Tumen bridge?"'),
    "timeline": ("the topic", 'briefbot timeline "North Korea Russia"'),
    "briefing": ("only stories on this topic (optional)", "briefbot briefing --hours 48"),
    "index": ("", "briefbot index --corpus ~/documents"),
    "run": ("", "DISCORD_TOKEN=... briefbot run --corpus ~/documents"),
    "health": ("", "briefbot health --max-age 60"),
}


def _moment(text: str) -> dt.datetime:
    """An ISO 8601 date or datetime; without a zone it is UTC."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date or datetime: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _day(text: str) -> dt.date:
    """An ISO 8601 date (YYYY-MM-DD)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None


def _add_filters(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--since", type=_day, help="only documents dated on or after (YYYY-MM-DD)")
    sub.add_argument("--until", type=_day, help="only documents dated on or before (YYYY-MM-DD)")
    sub.add_argument("--outlet", help="only documents of this outlet (case ignored)")


def _filters(args: argparse.Namespace) -> Filters:
    """The answer filters of the flags (ValueError if the range ends before it starts)."""
    return Filters(since=args.since, until=args.until, outlet=args.outlet)


def _hours(text: str) -> float:
    """A window length in hours, more than zero."""
    try:
        hours = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of hours: {text!r}") from None
    if not hours > 0 or hours == float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0 hours: {text!r}")
    return hours


def _command(commands: Any, name: str, help_text: str, **options: Any) -> argparse.ArgumentParser:
    """A subcommand whose help ends with an example."""
    example = EXAMPLES[name][1]
    return commands.add_parser(  # type: ignore[no-any-return]
        name,
        help=help_text,
        description=f"{help_text[0].upper()}{help_text[1:]}.",
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **options,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefbot",
        description="Cited, extractive briefings over a folder of documents.",
        epilog='example:\n  briefbot summary "Tumen River bridge" --corpus seeds',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"briefbot {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--corpus", type=Path, help="corpus folder (default: BRIEFBOT_CORPUS_DIR or seeds/)"
    )
    common.add_argument("--json", action="store_true", help="print one JSON object")
    common.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, _) in ANSWERS.items():
        sub = _command(commands, name, help_text, parents=[common])
        sub.add_argument(
            "--format",
            choices=("text", "json", "md"),
            default="text",
            help="text (default), json (as --json) or md: Markdown with a reference list",
        )
        if name != "briefing":
            sub.add_argument("text", nargs="+", help=EXAMPLES[name][0])
            _add_filters(sub)
            continue
        sub.add_argument("text", nargs="*", help=EXAMPLES[name][0])
        since = sub.add_mutually_exclusive_group()
        since.add_argument("--since", type=_moment, help="ISO datetime (UTC if no zone)")
        since.add_argument(
            "--hours", type=_hours, default=DEFAULT_HOURS, help="window length (default 24)"
        )
    _command(commands, "index", "build or check the persisted index", parents=[common])
    feedcli.add_parser(commands, common)
    run = _command(commands, "run", "run the Discord bot (token in DISCORD_TOKEN)")
    run.add_argument("--corpus", type=Path, help="corpus folder (default: BRIEFBOT_CORPUS_DIR)")
    health = _command(commands, "health", "exit 0 if the running bot is connected and fresh")
    health.add_argument(
        "--max-age", type=float, default=90.0, help="seconds a heartbeat stays fresh (default 90)"
    )
    return parser


def _configure_logging(verbose: bool) -> None:
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


class _HeldRecords(logging.Handler):
    """Keeps log records back until the corpus has loaded."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _warnings_held(hold: bool) -> Iterator[None]:
    """Show the load's warnings only if it succeeds: an unusable corpus is one line on stderr."""
    if not hold:
        yield
        return
    logger, held = logging.getLogger("retrieval"), _HeldRecords()
    logger.addHandler(held)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(held)
        logger.propagate = True
    for record in held.records:  # not reached when the load raised
        logging.getLogger(record.name).handle(record)


def _open(settings: Settings, verbose: bool) -> OpenedCorpus:
    # One answer per process: numpy scores it sooner than numba can start (see BM25Index).
    with _warnings_held(not verbose), build_progress(console(stderr=True)) as progress:
        return open_corpus(
            settings.corpus_dir,
            settings.data_dir,
            BM25Params(k1=settings.k1, b=settings.b),
            settings.max_file_bytes,
            compiled=False,
            progress=progress,
        )


def _invalid(err: ValidationError) -> str:
    """One line naming each invalid setting and what is wrong with it."""
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())


def _print_index(opened: OpenedCorpus, as_json: bool) -> None:
    status = describe(opened)
    if as_json:
        print(json.dumps(status, indent=2))
        return
    verb = "built" if opened.built else "reused"
    print(
        f"{verb} index {status['key'][:12]}: {status['documents']} documents, "
        f"{status['passages']} passages, {status['terms']} terms ({status['folder']})"
    )


def entry() -> int:
    """The `briefbot` command and `python -m bot`: `main`, ending at once after an answer."""
    return main(leave=True)


def _leave() -> None:
    """End the process now, its output flushed, skipping the interpreter's teardown.

    Freeing a one-shot answer's objects one by one (every module, the corpus and its caches)
    took 0.1-0.2 s of CPU after the answer was printed; the kernel frees a process at once.
    Nothing is left to close after an answer: no database, worker or temporary file. If a
    stream cannot be flushed (a closed pipe), this returns and the usual exit reports it.
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        return
    logging.shutdown()
    os._exit(0)


def main(argv: Sequence[str] | None = None, *, leave: bool = False) -> int:
    """Run one command; exit code 0 on success (an empty answer is a success), 2 on bad input.

    leave=True (the command itself, not a caller in-process) ends the process once an answer
    is printed, see `_leave`."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as err:
        print(f"briefbot: invalid setting {_invalid(err)}", file=sys.stderr)
        return 2
    if getattr(args, "corpus", None) is not None:
        settings = settings.model_copy(update={"corpus_dir": args.corpus})
    if args.command == "health":
        from bot.health import check_health, heartbeat_name

        healthy, line = check_health(
            settings.data_dir, args.max_age, name=heartbeat_name(settings.shard_ids)
        )
        print(line, file=sys.stdout if healthy else sys.stderr)
        return 0 if healthy else 1
    if args.command == "run":
        from bot.runner import run  # discord.py is loaded only to run the bot

        return run(settings)
    _configure_logging(args.verbose)
    if args.command == "feeds":
        from bot.state import StateError  # sqlite3: not for the answers

        try:
            return feedcli.run_feeds(args, settings)
        except StateError as err:  # includes a refused feed address
            print(f"briefbot: {err}", file=sys.stderr)
            return 2
    try:
        opened = _open(settings, args.verbose)
    except CorpusError as err:
        print(f"briefbot: {corpus_hint(str(err))}", file=sys.stderr)
        return 2
    except OSError as err:
        print(
            f"briefbot: cannot use data folder {settings.data_dir}: {err.strerror or err}",
            file=sys.stderr,
        )
        return 2
    if args.command == "index":
        _print_index(opened, args.json)
        return 0
    text = " ".join(args.text)
    _, request = ANSWERS[args.command]
    try:
        asked = request(text, args)
    except ValueError as err:  # a filter whose range ends before it starts
        print(f"briefbot: {err}", file=sys.stderr)
        return 2
    answer = compose(opened, asked)
    if args.json or args.format == "json":
        print(json.dumps(to_json(answer), ensure_ascii=False, indent=2))
    elif args.format == "md":
        from bot.markdown import render_markdown

        sys.stdout.write(render_markdown(answer))
    else:
        print_answer(console(), render_text(answer, settings.templates_dir))
    if leave:
        _leave()
    return 0
