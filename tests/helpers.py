"""Typed helpers the tests import (fixtures stay in the conftest files).

First paths, corpora and golden files; then the real bot against the fake Discord.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.client import BriefBot
from bot.delivery import Deliverer
from bot.settings import Settings
from retrieval.bm25 import BM25Params
from retrieval.corpus import Corpus
from retrieval.documents import load_documents
from testing.fakediscord import FakeDiscord, InteractionRecord, MessageRecord

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = ROOT / "tests" / "answers" / "golden"

MakeCorpus = Callable[[dict[str, str]], Corpus]
StampedCorpus = Callable[[Path, Sequence[dt.datetime | None]], Corpus]
WriteCorpus = Callable[[dict[str, str | bytes]], Path]
Run = Callable[..., tuple[int, str, str]]


def stamped(root: Path, first_seen: Sequence[dt.datetime | None]) -> Corpus:
    """The documents under root, in path order, first seen at the given moments (in memory)."""
    docs = load_documents(root).documents
    assert len(docs) == len(first_seen)
    stamped_docs = [
        replace(d, first_seen=None if moment is None else moment.timestamp())
        for d, moment in zip(docs, first_seen, strict=True)
    ]
    return Corpus.from_documents(stamped_docs, BM25Params())


def check_golden(name: str, text: str, suffix: str = ".txt") -> None:
    """`text` is exactly golden/<name><suffix>; UPDATE_GOLDEN=1 rewrites the file for review."""
    path = GOLDEN / f"{name}{suffix}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"re-run with UPDATE_GOLDEN=1 to review {path}"


# -- the bot against the fake Discord --------------------------------------------------------

# Distinctive, so a test can look for it in every log line and on stderr.
TOKEN = "MTk4NjIyNDgzNDcxOTI1MjQ4.fake.s3cr3t-t0ken-never-logged"
DEADLINE = 3.0  # Discord's: an interaction not acknowledged by then has failed


class Clock:
    """A controllable `bot.now()`: starts at the real time, moves only when told."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        # Not truncated: documents indexed a moment ago must not lie in this clock's future.
        self.current = start or dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> dt.datetime:
        self.current += dt.timedelta(**delta)
        return self.current


def make_settings(corpus: Path, data: Path, **overrides: Any) -> Settings:
    """Settings for a test: offline defaults (question limits too), no timers unless asked for."""
    values: dict[str, Any] = {
        "corpus_dir": corpus,
        "data_dir": data,
        "reload_interval_minutes": 0,
        "scheduler_interval_seconds": 3600,
        "feeds_interval_minutes": 0,
        "index_wait_seconds": 60,  # the index is there when a test starts asking
        **overrides,
    }
    return Settings(_env_file=None, **values)


def make_bot(settings: Settings, clock: Clock | None = None, **options: Any) -> BriefBot:
    """The real bot, with the fake's advice: a short wait for guilds after READY."""
    return BriefBot(settings, clock=clock, guild_ready_timeout=0.05, **options)


async def answered(
    fake: FakeDiscord, command: str, options: dict[str, Any] | None = None, **kw: Any
) -> InteractionRecord:
    """Invoke a slash command, wait for its answer, and hold it to Discord's deadline."""
    record = await fake.invoke(command, options, **kw)
    await record.wait_done(timeout=10)
    assert record.latency is not None and record.latency < DEADLINE, record
    assert record.accepted_callback is not None, record.callbacks
    return record


def assert_cannot_ping(messages: list[MessageRecord]) -> None:
    """Every message the bot sent or edited asked for no pings, and none happened."""
    assert messages, "no messages to check"
    for message in messages:
        am = message.allowed_mentions
        assert am is not None, f"message {message.id} sent without allowed_mentions"
        assert not am.get("parse") and not am.get("users") and not am.get("roles"), am
        assert not am.get("replied_user"), am
        assert not message.pinged_users and not message.pinged_roles, message.data
        assert not message.pinged_everyone, message.data


def bot_messages(fake: FakeDiscord) -> list[MessageRecord]:
    """Everything the bot posted anywhere, ephemeral or not."""
    bot_id = fake.bot_user.id
    return [m for m in fake.state.messages.values() if m.author_id == bot_id]


def deliverer(bot: BriefBot) -> Deliverer:
    """The briefing cog's deliverer (load_extension gives the cog a module of its own, so the
    cog is no isinstance of bot.cogs.briefing's class; its deliverer is bot.delivery's)."""
    cog: Any = bot.get_cog("BriefingCog")
    assert cog is not None, "the briefing cog is not loaded"
    assert isinstance(cog.deliverer, Deliverer), cog.deliverer
    return cog.deliverer


def part_keys(messages: list[MessageRecord]) -> list[str]:
    """The part key each briefing message carries in its first embed's link, in posting order."""
    return [str(m.embeds[0].get("url", "")).rpartition("#")[2] for m in messages]


def whole_once(messages: list[MessageRecord]) -> bool:
    """The messages are one briefing, every part posted exactly once and in order."""
    keys = part_keys(messages)
    if not keys:
        return False
    base = keys[0].rpartition("-")[0]
    last = messages[-1].embeds[-1]["footer"]["text"]
    complete = last.startswith(f"part {len(keys)} of {len(keys)} ")
    return complete and keys == [f"{base}-{n}" for n in range(1, len(keys) + 1)]


def write_distinct_stories(folder: Path, count: int, seed: int = 7) -> Path:
    """`count` documents that share no content words, so each is a story of its own."""
    rng = random.Random(seed)
    syllables: tuple[str, ...] = ("ka", "lo", "mi", "ren", "tu", "sa", "vor", "bel", "dri", "po")
    syllables += ("nax", "qui", "ter", "ul", "fen", "gar", "hib", "jos", "wem", "yat")
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        words = ["".join(rng.choice(syllables) for _ in range(3)) for _ in range(40)]
        place = words[0].title()
        sentences = []
        for j in range(6):
            w = rng.sample(words[1:], 7)
            sentences.append(
                f"The {w[0]} of {place} said the {w[1]} {w[2]} had reached {100 + number * 17 + j}"
                f" {w[3]}s after the {w[4]} and the {w[5]} of the {w[6]} were approved, and"
                f" the {w[6]} of the {w[5]} expects {w[4]} {w[3]} to follow within {j + 2} years,"
                f" while the {w[1]} of the {w[2]} asked the {w[0]} for {j + 3} more {w[6]}s."
            )
        text = f"{place} {words[1]} {words[2]} announced\n\n" + "\n".join(sentences) + "\n"
        (folder / f"{number:03d}_{place.lower()}.txt").write_text(text, encoding="utf-8")
    return folder


def bot_environment(settings: Settings, **more: str) -> dict[str, str]:
    """The environment of a `python -m bot` subprocess: ours without BRIEFBOT_* or the token,
    then the settings' corpus and data folders and `more`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
    env.pop("DISCORD_TOKEN", None)
    env.update(
        PYTHONPATH=str(ROOT),
        BRIEFBOT_CORPUS_DIR=str(settings.corpus_dir),
        BRIEFBOT_DATA_DIR=str(settings.data_dir),
        BRIEFBOT_INDEX_WAIT_SECONDS="60",
        **more,
    )
    return env


async def start_bot(
    fake: FakeDiscord, env: dict[str, str], cwd: Path, log: Path
) -> asyncio.subprocess.Process:
    """`python -m bot run` against the fake, in a subprocess logging to the file `log`."""
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "testing.fakediscord.launch",
            fake.api_base,
            fake.gateway_url,
            cwd=cwd,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=out,
        )
