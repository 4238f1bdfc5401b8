"""Typed helpers the bot's tests import (fixtures stay in conftest.py)."""

from __future__ import annotations

import asyncio
import os
import random
import sys
from pathlib import Path
from typing import Any

from bot.client import BriefBot
from bot.settings import Settings
from testing.fakediscord import FakeDiscord, MessageRecord
from tests.helpers import ROOT


def deliverer(bot: BriefBot) -> Any:
    """The briefing cog's deliverer (the cog owns it; load_extension's module: no isinstance)."""
    cog: Any = bot.get_cog("BriefingCog")
    assert cog is not None, "the briefing cog is not loaded"
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
