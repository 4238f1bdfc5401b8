"""The `briefbot` command line: answers over a corpus in the terminal, the bot, the index."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from answers.models import Answer, Kind
from answers.passages import answer_ask
from answers.render import render_text, to_json
from answers.sources import answer_sources
from bot.settings import Settings
from retrieval.bm25 import BM25Params
from retrieval.reader import CorpusError
from retrieval.store import OpenedCorpus, describe, open_corpus

log = logging.getLogger(__name__)

Composer = Callable[[OpenedCorpus, str, Settings], Answer]

ANSWERS: dict[str, tuple[str, Composer]] = {
    "sources": (
        "the documents on a topic, ranked",
        lambda c, text, s: answer_sources(c.corpus, text),
    ),
    "search": (
        "the best passages for a query",
        lambda c, text, s: answer_ask(c.corpus, text, limit=10),
    ),
    "ask": (
        "a question answered with quoted passages",
        lambda c, text, s: answer_ask(c.corpus, text, limit=5, kind=Kind.ASK),
    ),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefbot", description="Cited, extractive briefings over a folder of documents."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--corpus", type=Path, help="corpus folder (default: BRIEFBOT_CORPUS_DIR or seeds/)"
    )
    common.add_argument("--json", action="store_true", help="print one JSON object")
    common.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, _) in ANSWERS.items():
        sub = commands.add_parser(name, parents=[common], help=help_text)
        sub.add_argument("text", nargs="+", help="topic, query, claim or question")
    commands.add_parser("index", parents=[common], help="build or check the persisted index")
    return parser


def _configure_logging(verbose: bool, settings: Settings) -> None:
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def _open(settings: Settings) -> OpenedCorpus:
    return open_corpus(
        settings.corpus_dir,
        settings.data_dir,
        BM25Params(k1=settings.k1, b=settings.b),
        settings.max_file_bytes,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit code 0 on success (an empty answer is a success), 2 on bad input."""
    args = _parser().parse_args(argv)
    settings = Settings()
    if args.corpus is not None:
        settings = settings.model_copy(update={"corpus_dir": args.corpus})
    _configure_logging(args.verbose, settings)
    try:
        opened = _open(settings)
    except CorpusError as err:
        print(f"briefbot: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(
            f"briefbot: cannot use data folder {settings.data_dir}: {err.strerror or err}",
            file=sys.stderr,
        )
        return 2
    if args.command == "index":
        status = describe(opened)
        if args.json:
            print(json.dumps(status, indent=2))
        else:
            verb = "built" if opened.built else "reused"
            print(
                f"{verb} index {status['key'][:12]}: {status['documents']} documents, "
                f"{status['passages']} passages, {status['terms']} terms ({status['folder']})"
            )
        return 0
    text = " ".join(args.text)
    answer = ANSWERS[args.command][1](opened, text, settings)
    if args.json:
        print(json.dumps(to_json(answer), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_text(answer, settings.templates_dir))
    return 0
